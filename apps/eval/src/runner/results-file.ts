import { existsSync } from 'node:fs';
import { appendFile, readFile, truncate } from 'node:fs/promises';
import { z } from 'zod';
import { atomicWriteFile, LongVidError } from '@longvid/core';

const spanSchema = z.object({ start: z.number(), end: z.number() });

/**
 * One line of `results.jsonl`: a question answered (or failed) by one system. Written once per
 * (question, system) when it finishes; a rerun skips the pairs already present.
 */
export const resultRowSchema = z.object({
  schemaVersion: z.literal(1),
  questionId: z.string(),
  /** `agent` or `uniform-<N>`. */
  system: z.string(),
  /** `answered`; `error` (the message is in `error`); `timeout` (the per-question time limit). */
  status: z.enum(['answered', 'error', 'timeout']),
  /** Seed recorded for this question and system (derived from the run seed). */
  seed: z.number().int(),
  /** The video as the suite names it, and where it was found. */
  video: z.string(),
  videoPath: z.string(),
  question: z.string(),
  choices: z.array(z.string()).optional(),
  expected: z.object({ answer: z.string(), answerIndex: z.number().int().optional(), acceptableAnswers: z.array(z.string()).optional() }),
  category: z.string().optional(),
  taskType: z.string().optional(),
  /** Every task type of a question with several (each counts the row once in metrics). */
  taskTypes: z.array(z.string()).optional(),
  durationGroup: z.string().optional(),
  /** Video duration, seconds (probed). */
  videoSeconds: z.number(),
  groundTruthSpans: z.array(spanSchema),
  predicted: z.object({ answer: z.string(), choiceIndex: z.number().int().optional(), confidence: z.number(), sufficient: z.boolean(), basis: z.string().optional(), explanation: z.string().optional() }).nullable(),
  correct: z.boolean(),
  /** No answer could be read (counted apart, never scored as right). */
  parseFailure: z.boolean(),
  /**
   * For an open-ended question (graded, not right or wrong; kept out of accuracy): token F1 and
   * ROUGE-L against the reference, and the LLM judge's scores when an endpoint was set (null
   * offline; `judgeError` when the judge failed).
   */
  openEnded: z
    .object({
      rubric: z.string(),
      tokenF1: z.number(),
      rougeL: z.number(),
      judge: z.object({ scores: z.record(z.string(), z.number()), total: z.number(), max: z.number(), rationale: z.string(), model: z.string() }).nullable(),
      judgeError: z.string().optional(),
    })
    .optional(),
  /** The evidence the answer cites. */
  evidence: z.array(z.object({ id: z.string(), span: spanSchema, text: z.string(), tool: z.string(), kind: z.string(), round: z.number().int(), confidence: z.number() })),
  /** Whether cited evidence overlaps a ground-truth span; null without ground truth. */
  evidenceHit: z.boolean().nullable(),
  /** IoU of cited evidence spans and ground-truth spans; null without ground truth. */
  temporalIoU: z.number().nullable(),
  cost: z.object({
    rounds: z.number().int(),
    /** Frames the observer looked at for this question (ingestion keyframes not included). */
    framesObserved: z.number().int(),
    llmCalls: z.number().int(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    /** Seconds spent answering (memory loading and the agent loop; ingestion excluded). */
    wallSeconds: z.number(),
  }),
  offline: z.boolean(),
  backends: z.record(z.string(), z.string()),
  /** A uniform baseline's OCR observations were reused from an identical earlier request (wall time excludes them). */
  observationsReused: z.boolean().optional(),
  /** Trace file, relative to the run directory; null when the question failed before any trace. */
  traceFile: z.string().nullable(),
  error: z.object({ code: z.string().optional(), message: z.string(), hint: z.string().optional() }).nullable(),
  finishedAt: z.string(),
});

/** One row of `results.jsonl` (see {@link resultRowSchema}). */
export type ResultRow = z.infer<typeof resultRowSchema>;

/** The key that identifies a row: question id and system. */
export function rowKey(row: Pick<ResultRow, 'questionId' | 'system'>): string {
  return `${row.system}\u0000${row.questionId}`;
}

/** What {@link readResults} found. */
export interface ReadResults {
  rows: ResultRow[];
  /** Bytes of an unfinished last line that were cut off (0 when the file was whole). */
  repairedBytes: number;
  /** Rows dropped because an earlier row had the same key. */
  duplicates: number;
}

/**
 * Reads `results.jsonl`. A last line without its line break is what a killed process leaves: with
 * `repair` it is cut off the file (so the rerun appends after the last whole row), otherwise it is
 * ignored. Rows with a key seen before are dropped and counted.
 * @throws LongVidError `BAD_INPUT` naming the line of a whole row that is not a valid result.
 */
export async function readResults(path: string, options: { repair?: boolean } = {}): Promise<ReadResults> {
  if (!existsSync(path)) return { rows: [], repairedBytes: 0, duplicates: 0 };
  const buffer = await readFile(path);
  const lastBreak = buffer.lastIndexOf(0x0a);
  const wholeLength = lastBreak + 1;
  const repairedBytes = buffer.length - wholeLength;
  if (repairedBytes > 0 && options.repair) await truncate(path, wholeLength);
  const rows: ResultRow[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  buffer
    .subarray(0, wholeLength)
    .toString('utf8')
    .split('\n')
    .forEach((line, index) => {
      if (!line.trim()) return;
      let parsed: ReturnType<typeof resultRowSchema.safeParse>;
      try {
        parsed = resultRowSchema.safeParse(JSON.parse(line));
      } catch (error) {
        throw new LongVidError('BAD_INPUT', `${path}:${index + 1}: not valid JSON (${(error as Error).message})`, { details: { file: path, row: index + 1 }, hint: 'remove the damaged line; the run redoes that question' });
      }
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new LongVidError('BAD_INPUT', `${path}:${index + 1}: ${issue.path.join('.') || '(row)'}: ${issue.message}`, { details: { file: path, row: index + 1 }, hint: 'remove the damaged line; the run redoes that question' });
      }
      const key = rowKey(parsed.data);
      if (seen.has(key)) {
        duplicates += 1;
        return;
      }
      seen.add(key);
      rows.push(parsed.data);
    });
  return { rows, repairedBytes, duplicates };
}

/** Appends rows one line each, in order (one `appendFile` per row, serialised). */
export class ResultsWriter {
  private queue: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  /** Appends one row as one line; resolves when it is written. */
  append(row: ResultRow): Promise<void> {
    const line = `${JSON.stringify(row)}\n`;
    const next = this.queue.then(() => appendFile(this.path, line));
    this.queue = next.catch(() => undefined);
    return next;
  }
}

/** Rewrites the results file atomically with `rows` in the given order. */
export async function rewriteResults(path: string, rows: ResultRow[]): Promise<void> {
  await atomicWriteFile(path, rows.map((row) => `${JSON.stringify(row)}\n`).join(''));
}
