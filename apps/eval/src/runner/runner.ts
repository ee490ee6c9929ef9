import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { AgentContext, AskResult, ObserveRequest, ObserveResult, ObserverBackbone, Session, SessionOptions, UniformAskResult } from '@longvid/agents';
import { createChatModel, createSession } from '@longvid/agents';
import type { LocalTools } from '@longvid/ingest';
import type { OnProgress, Settings, TraceEvent } from '@longvid/core';
import { atomicWriteFile, loadSettings, LongVidError, progress, redactSecrets, throwIfAborted } from '@longvid/core';
import { sampleTimes } from '@longvid/video';
import { longVideoBenchSubtitlesToSrt } from '../loaders/longvideobench';
import { groundTruthSpans, type LoadedQuestion } from '../question';
import { readResults, ResultsWriter, rewriteResults, rowKey, type ResultRow } from './results-file';
import { evidenceHit, scoreAnswer, spanSetIoU } from './scoring';
import { judgeOpenEnded, lexicalScore } from './open-ended';

/** A LangChain chat model, as a session takes it. */
export type ChatModel = NonNullable<SessionOptions['chatModel']>;

/** File names inside a run directory. */
export const RUN_FILES = { results: 'results.jsonl', run: 'run.json', videos: 'videos.json', traces: 'traces', subtitles: 'subtitles' } as const;

/** A system under evaluation: the agent, or uniform sampling of N frames. */
export type SystemSpec = { id: string; kind: 'agent' } | { id: string; kind: 'uniform'; frames: number };

/**
 * Parses a system name: `agent`, or `uniform-<N>` (N frames spread evenly over the video).
 * @throws LongVidError `BAD_INPUT` for anything else.
 */
export function parseSystem(name: string): SystemSpec {
  if (name === 'agent') return { id: name, kind: 'agent' };
  const match = /^uniform-(\d+)$/.exec(name);
  if (match && Number(match[1]) >= 1) return { id: name, kind: 'uniform', frames: Number(match[1]) };
  throw new LongVidError('BAD_INPUT', `unknown system "${name}"`, { details: { system: name }, hint: 'use agent or uniform-<frames>, e.g. uniform-32' });
}

/** Options of {@link runEvaluation}. */
export interface RunEvaluationOptions {
  /** The questions (from a loader), in order. */
  questions: LoadedQuestion[];
  /** Run directory: results, traces and the run manifest are written here. */
  outDir: string;
  /** Systems to run each question through; default `['agent']`. */
  systems?: string[];
  /** Questions answered at once; default 1. */
  concurrency?: number;
  /** Only the first N questions. */
  limit?: number;
  /** Per-question wall-time limit, seconds (ingestion excluded); default 300. A question over it is recorded as `timeout`. */
  timeLimitSeconds?: number;
  /** Agent budget per question: rounds (default: the `maxRounds` setting). */
  maxRounds?: number;
  /** Agent budget per question: frames observed (default: the `maxFrames` setting). */
  maxFrames?: number;
  /** Run seed, recorded in the manifest and (derived per question) in every row; default 0. */
  seed?: number;
  /** Redo questions recorded as `error` or `timeout` instead of skipping them. */
  retryErrors?: boolean;
  /**
   * Offline only: let uniform baselines reuse the OCR observations of an identical request on the
   * same video (their frames do not depend on the question, and the local observer does not read
   * the question). Answers and frames observed are unchanged; rows say `observationsReused` and
   * their wall time leaves the reused OCR out. Default false.
   */
  reuseBaselineObservations?: boolean;
  /** Setting overrides (ignored when `resolvedSettings` is given). */
  settings?: Partial<Settings>;
  resolvedSettings?: Settings;
  /** Use the rule-based agents even if an endpoint is configured. */
  offline?: boolean;
  /** A chat model for the LLM agents (tests: a scripted model). */
  chatModel?: ChatModel;
  /** Local tools (ffmpeg, OCR, embedder); default created once from the settings. */
  tools?: LocalTools;
  /**
   * The session every question and ingestion goes through (default: one made from `settings`,
   * `tools`, `offline` and `chatModel`); the systems are agents it builds (see {@link runEvaluation}).
   */
  session?: Session;
  /** Progress: stage `videos` (per video, with ingestion's own stages inside), then `questions`. */
  onProgress?: OnProgress;
  /** Called with each row as it is written. */
  onResult?: (row: ResultRow) => void;
  signal?: AbortSignal;
}

/** Ingestion figures of one video, as stored in `videos.json`. */
export interface VideoStats {
  videoPath: string;
  /** Duration, seconds. */
  duration: number;
  /** Keyframes read (OCR) once at ingestion, for every question on the video. */
  framesAtIngestion: number;
  /** Seconds the ingestion took when it ran. */
  ingestSeconds: number;
  /** Memory events (clips). */
  events: number;
  memoryDirectory: string;
}

/** What {@link runEvaluation} returns. */
export interface RunSummary {
  outDir: string;
  resultsPath: string;
  /** All rows of the results file, in suite order (question, then system) when the run finished. */
  rows: ResultRow[];
  /** Rows written by this call. */
  written: number;
  /** (question, system) pairs skipped because a row existed. */
  skipped: number;
  /** Whether every (question, system) pair now has a row. */
  complete: boolean;
  videos: Record<string, VideoStats>;
}

const runManifestSchema = z.object({
  schemaVersion: z.literal(1),
  suiteHash: z.string(),
  seed: z.number().int(),
  limits: z.object({ timeLimitSeconds: z.number(), maxRounds: z.number().int(), maxFrames: z.number().int() }),
  systems: z.array(z.string()),
  offline: z.boolean(),
  model: z.string().optional(),
  ingest: z.object({ ingestFps: z.number(), maxClipSeconds: z.number() }),
  questions: z.number().int(),
  createdAt: z.string(),
});

/** The run manifest `run.json`. */
export type RunManifest = z.infer<typeof runManifestSchema>;

const videoStatsSchema = z.record(
  z.string(),
  z.object({ videoPath: z.string(), duration: z.number(), framesAtIngestion: z.number().int(), ingestSeconds: z.number(), events: z.number().int(), memoryDirectory: z.string() }),
);

/** Reads the run manifest of a run directory, or undefined. */
export function readRunManifest(outDir: string): RunManifest | undefined {
  const path = join(outDir, RUN_FILES.run);
  if (!existsSync(path)) return undefined;
  const parsed = runManifestSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new LongVidError('BAD_INPUT', `${path} is not a LongVid run manifest`, { details: { file: path }, hint: 'use another --out directory' });
  return parsed.data;
}

/** Reads `videos.json` of a run directory (empty when absent). */
export function readVideoStats(outDir: string): Record<string, VideoStats> {
  const path = join(outDir, RUN_FILES.videos);
  if (!existsSync(path)) return {};
  const parsed = videoStatsSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  return parsed.success ? parsed.data : {};
}

/** A 31-bit seed derived from the run seed and a question/system, recorded in each row. */
export function questionSeed(runSeed: number, questionId: string, system: string): number {
  return createHash('sha256').update(`${runSeed}|${questionId}|${system}`).digest().readUInt32BE(0) >>> 1;
}

/** File name for a question id: unsafe characters become `_`, plus a short hash when anything changed. */
export function safeFileName(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);
  return safe === id ? safe : `${safe}-${createHash('sha256').update(id).digest('hex').slice(0, 8)}`;
}

function suiteHash(questions: LoadedQuestion[]): string {
  const hash = createHash('sha256');
  for (const question of questions) {
    const { videoPath: _path, subtitlesPath: _subtitles, origin: _origin, ...content } = question;
    hash.update(JSON.stringify(content));
  }
  return hash.digest('hex');
}

/**
 * Keyframes read at ingestion: the count ingestion recorded in the memory's manifest
 * (`stats.keyframes`), or, for memories that did not record it, the keyframe grid of
 * `@longvid/video`'s `sampleTimes` over the whole video at `ingestFps`.
 */
export function ingestionFrameCount(stats: Record<string, number> | undefined, duration: number, ingestFps: number): number {
  return stats?.keyframes ?? sampleTimes({ start: 0, end: duration }, ingestFps).length;
}

function validate(options: RunEvaluationOptions): void {
  const positive = { concurrency: options.concurrency, limit: options.limit, maxRounds: options.maxRounds, maxFrames: options.maxFrames };
  for (const [name, value] of Object.entries(positive)) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) throw new LongVidError('BAD_INPUT', `${name} must be a positive whole number, got ${value}`, { details: { [name]: value } });
  }
  if (options.timeLimitSeconds !== undefined && !(options.timeLimitSeconds > 0)) {
    throw new LongVidError('BAD_INPUT', `timeLimitSeconds must be > 0, got ${options.timeLimitSeconds}`, { details: { timeLimitSeconds: options.timeLimitSeconds } });
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) throw new LongVidError('BAD_INPUT', `seed must be a whole number, got ${options.seed}`, { details: { seed: options.seed } });
}

/** Turns a LongVideoBench subtitle `.json` into an `.srt` in the run directory; other files as they are. */
async function prepareSubtitles(question: LoadedQuestion, outDir: string): Promise<string | undefined> {
  const path = question.subtitlesPath;
  if (!path || extname(path).toLowerCase() !== '.json') return path;
  const offset = typeof question.metadata?.subtitleOffsetSeconds === 'number' ? question.metadata.subtitleOffsetSeconds : 0;
  const duration = question.durationSeconds;
  const target = join(outDir, RUN_FILES.subtitles, `${basename(path, '.json')}-${offset}-${duration ?? 'x'}.srt`);
  if (!existsSync(target)) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new LongVidError('SUBTITLES_INVALID', `${path} is not valid JSON`, { details: { file: path }, hint: 'pass a LongVideoBench subtitle .json file', cause: error });
    }
    await atomicWriteFile(target, longVideoBenchSubtitlesToSrt(json, offset, path, duration));
  }
  return target;
}

interface WorkItem {
  question: LoadedQuestion;
  system: SystemSpec;
}

/**
 * Runs questions through one session of `@longvid/agents` (`createSession`, the composition root
 * `longvid ask` uses too) for each system and appends one row per (question, system) to
 * `<outDir>/results.jsonl` as soon as it finishes, with its trace in `<outDir>/traces/<system>/<id>.json`.
 *
 * - Systems: `agent` is `session.ask` (the configured planner/reflector — offline rule-based by
 *   default — and observer, budget `maxRounds`/`maxFrames`); `uniform-<N>` is `session.askUniform`,
 *   the same baseline as `longvid ask --uniform N` (online: N frames sent once to the video LLM;
 *   offline: `UniformPlanner` reading N frames, its reflector seeing only them).
 * - Each video is ingested once first (memory cached by content hash, so later runs only load it);
 *   its keyframes read at ingestion go to `videos.json`.
 * - Resumable: rows already in the results file are skipped; an unfinished last line left by a
 *   killed process is cut off first. When every pair has a row, the file is rewritten in suite order,
 *   so an interrupted and resumed run ends with the same rows as an uninterrupted one.
 * - Limits: `concurrency` questions at once; per question `timeLimitSeconds` (recorded as
 *   `timeout`) and the rounds/frames budget. Errors of one question are recorded as `error` rows.
 * @throws LongVidError `BAD_INPUT` (bad options, or a run directory made for another suite or other
 *   limits), `ABORTED` when `signal` aborts (rows written so far stay), and errors of ingestion.
 */
export async function runEvaluation(options: RunEvaluationOptions): Promise<RunSummary> {
  validate(options);
  const { signal, onProgress } = options;
  const outDir = resolve(options.outDir);
  const settings = options.resolvedSettings ?? loadSettings({ overrides: options.settings }).settings;
  const systems = (options.systems ?? ['agent']).map(parseSystem);
  if (new Set(systems.map((s) => s.id)).size !== systems.length) throw new LongVidError('BAD_INPUT', 'a system is listed twice', { details: { systems: options.systems } });
  const questions = options.limit ? options.questions.slice(0, options.limit) : options.questions;
  const seed = options.seed ?? 0;
  const limits = { timeLimitSeconds: options.timeLimitSeconds ?? 300, maxRounds: options.maxRounds ?? settings.maxRounds, maxFrames: options.maxFrames ?? settings.maxFrames };
  const session = options.session ?? createSession({ resolvedSettings: settings, tools: options.tools, offline: options.offline, chatModel: options.chatModel });
  const offline = session.offline;
  await mkdir(outDir, { recursive: true });

  // The run manifest: a directory belongs to one suite and one set of limits.
  const hash = suiteHash(options.questions);
  const existingManifest = readRunManifest(outDir);
  if (existingManifest) {
    const mismatch =
      existingManifest.suiteHash !== hash
        ? 'another suite'
        : JSON.stringify(existingManifest.limits) !== JSON.stringify(limits)
          ? `other limits (${JSON.stringify(existingManifest.limits)})`
          : existingManifest.seed !== seed
            ? `seed ${existingManifest.seed}`
            : existingManifest.offline !== offline
              ? existingManifest.offline
                ? 'offline agents'
                : `the endpoint model ${existingManifest.model}`
              : undefined;
    if (mismatch) {
      throw new LongVidError('BAD_INPUT', `${outDir} holds a run made with ${mismatch}; its results would mix with this one`, { details: { outDir }, hint: 'pass another --out directory, or the same suite and options to resume' });
    }
  }
  const manifest: RunManifest = {
    schemaVersion: 1,
    suiteHash: hash,
    seed,
    limits,
    systems: [...new Set([...(existingManifest?.systems ?? []), ...systems.map((s) => s.id)])],
    offline,
    ...(offline ? {} : { model: settings.model }),
    ingest: { ingestFps: settings.ingestFps, maxClipSeconds: settings.maxClipSeconds },
    questions: options.questions.length,
    createdAt: existingManifest?.createdAt ?? new Date().toISOString(),
  };
  await atomicWriteFile(join(outDir, RUN_FILES.run), `${JSON.stringify(manifest, null, 2)}\n`);

  // Existing rows: repair a cut-off last line, drop duplicates, optionally drop failures to redo them.
  const resultsPath = join(outDir, RUN_FILES.results);
  const existing = await readResults(resultsPath, { repair: true });
  let kept = existing.rows;
  if (options.retryErrors) kept = kept.filter((row) => row.status === 'answered');
  if (existing.duplicates > 0 || kept.length !== existing.rows.length) await rewriteResults(resultsPath, kept);
  const done = new Set(kept.map(rowKey));
  const allItems: WorkItem[] = questions.flatMap((question) => systems.map((system) => ({ question, system })));
  const pending = allItems.filter((item) => !done.has(rowKey({ questionId: item.question.id, system: item.system.id })));
  const skipped = allItems.length - pending.length;

  // Ingest each video once (memory cached by content hash), recording its frames at ingestion.
  const videos = readVideoStats(outDir);
  const subtitlesFor = new Map<string, string | undefined>();
  for (const item of allItems) subtitlesFor.set(item.question.id, await prepareSubtitles(item.question, outDir));
  const ingestKey = (question: LoadedQuestion): string => `${question.videoPath}\u0000${subtitlesFor.get(question.id) ?? ''}`;
  const toIngest = [...new Map(allItems.map((item) => [ingestKey(item.question), item.question])).values()];
  for (const [index, question] of toIngest.entries()) {
    throwIfAborted(signal);
    onProgress?.(progress('videos', index, toIngest.length, question.videoPath));
    const ingested = await session.ingest(question.videoPath, { subtitlesPath: subtitlesFor.get(question.id), onProgress, signal });
    videos[question.videoPath] = {
      videoPath: question.videoPath,
      duration: ingested.info.duration,
      framesAtIngestion: ingestionFrameCount(ingested.memory.manifest.stats, ingested.info.duration, settings.ingestFps),
      ingestSeconds: ingested.ingestSeconds,
      events: (await ingested.memory.events()).length,
      memoryDirectory: ingested.memoryDirectory,
    };
    await atomicWriteFile(join(outDir, RUN_FILES.videos), `${JSON.stringify(videos, null, 2)}\n`);
  }
  onProgress?.(progress('videos', toIngest.length, toIngest.length));

  // Answer, `concurrency` at a time, appending each row as it finishes.
  const observers = new Map<string, ReusingObserver>();
  const memo = (key: string, create: () => ObserverBackbone): ReusingObserver => {
    let observer = observers.get(key);
    if (!observer) {
      observer = new ReusingObserver(create());
      observers.set(key, observer);
    }
    return observer;
  };
  const writer = new ResultsWriter(resultsPath);
  let written = 0;
  let next = 0;
  let failure: unknown;
  const answerOne = async (item: WorkItem): Promise<void> => {
    // Offline baselines may share one observer per video (its reads do not depend on the question).
    const sharedObserver =
      item.system.kind === 'uniform' && offline && options.reuseBaselineObservations
        ? (context: AgentContext) => memo(ingestKey(item.question), () => context.localObserver())
        : undefined;
    const reused = (): number | undefined => (sharedObserver ? (observers.get(ingestKey(item.question))?.reused ?? 0) : undefined);
    const row = await runItem(item, { session, settings, limits, seed, offline, outDir, chatModel: options.chatModel, subtitlesPath: subtitlesFor.get(item.question.id), videoSeconds: videos[item.question.videoPath]?.duration, observer: sharedObserver, reused, signal });
    await writer.append(row);
    written += 1;
    options.onResult?.(row);
    onProgress?.(progress('questions', skipped + written, allItems.length, `${row.system} ${row.questionId}`));
  };
  onProgress?.(progress('questions', skipped, allItems.length));
  const workers = Array.from({ length: Math.min(options.concurrency ?? 1, Math.max(1, pending.length)) }, async () => {
    while (failure === undefined && next < pending.length) {
      const item = pending[next];
      next += 1;
      try {
        await answerOne(item);
      } catch (error) {
        failure ??= error;
      }
    }
  });
  await Promise.all(workers);
  if (failure !== undefined) throw failure;

  // Finished: rewrite in suite order so the file does not depend on timing or interruptions.
  const finalRows = (await readResults(resultsPath, { repair: true })).rows;
  const byKey = new Map(finalRows.map((row) => [rowKey(row), row]));
  const ordered = allItems.map((item) => byKey.get(rowKey({ questionId: item.question.id, system: item.system.id }))).filter((row): row is ResultRow => row !== undefined);
  const orderedKeys = new Set(ordered.map(rowKey));
  const others = finalRows.filter((row) => !orderedKeys.has(rowKey(row)));
  const complete = ordered.length === allItems.length;
  if (complete) await rewriteResults(resultsPath, [...ordered, ...others]);
  return { outDir, resultsPath, rows: complete ? [...ordered, ...others] : finalRows, written, skipped, complete, videos };
}

interface ItemContext {
  session: Session;
  settings: Settings;
  limits: { timeLimitSeconds: number; maxRounds: number; maxFrames: number };
  seed: number;
  offline: boolean;
  outDir: string;
  chatModel?: ChatModel;
  subtitlesPath?: string;
  videoSeconds?: number;
  /** A shared observer for this item (baseline observation reuse), else the session's own. */
  observer?: (context: AgentContext) => ReusingObserver;
  /** Requests the shared observer answered from earlier results so far (undefined without one). */
  reused: () => number | undefined;
  signal?: AbortSignal;
}

/**
 * An observer that answers an identical request (span, fps, frames, resolution, tool) from the
 * first result, for question-independent observers such as the local observer. Counts how often.
 */
export class ReusingObserver implements ObserverBackbone {
  readonly specificationVersion = 'v1' as const;
  readonly observerId: string;
  /** Requests answered from an earlier result. */
  reused = 0;
  private readonly results = new Map<string, Promise<ObserveResult>>();

  constructor(private readonly inner: ObserverBackbone) {
    this.observerId = inner.observerId;
  }

  doObserve(request: ObserveRequest, options?: { signal?: AbortSignal }): Promise<ObserveResult> {
    const key = JSON.stringify([request.span.start, request.span.end, request.fps, request.maxFrames, request.resolution, request.tool]);
    const known = this.results.get(key);
    if (known) {
      this.reused += 1;
      return known;
    }
    const result = this.inner.doObserve(request, options);
    this.results.set(key, result);
    result.catch(() => this.results.delete(key));
    return result;
  }
}

async function runItem({ question, system }: WorkItem, context: ItemContext): Promise<ResultRow> {
  const { settings, limits, signal } = context;
  throwIfAborted(signal);
  const started = performance.now();
  const timeout = AbortSignal.timeout(limits.timeLimitSeconds * 1000);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const usage = { calls: 0, inputTokens: 0, outputTokens: 0 };
  const trace: TraceEvent[] = [];
  const truth = groundTruthSpans(question);
  const base = {
    schemaVersion: 1 as const,
    questionId: question.id,
    system: system.id,
    seed: questionSeed(context.seed, question.id, system.id),
    video: question.video,
    videoPath: question.videoPath,
    question: question.question,
    ...(question.choices ? { choices: question.choices } : {}),
    expected: { answer: question.answer, ...(question.answerIndex !== undefined ? { answerIndex: question.answerIndex } : {}), ...(question.acceptableAnswers ? { acceptableAnswers: question.acceptableAnswers } : {}) },
    ...(question.category ? { category: question.category } : {}),
    ...(question.taskType ? { taskType: question.taskType } : {}),
    ...(question.taskTypes ? { taskTypes: question.taskTypes } : {}),
    ...(question.durationGroup ? { durationGroup: question.durationGroup } : {}),
    videoSeconds: context.videoSeconds ?? question.durationSeconds ?? 0,
    groundTruthSpans: truth,
  };
  const traceFile = join(RUN_FILES.traces, safeFileName(system.id), `${safeFileName(question.id)}.json`);
  const writeTrace = async (): Promise<string | null> => {
    if (trace.length === 0) return null;
    const body = { schemaVersion: 1, questionId: question.id, system: system.id, question: question.question, choices: question.choices ?? null, video: question.video, videoPath: question.videoPath, groundTruthSpans: truth, events: trace };
    // Secrets (the API key, an endpoint's echoed Authorization header) never reach a trace file.
    await atomicWriteFile(join(context.outDir, traceFile), redactSecrets(`${JSON.stringify(body, null, 2)}\n`, [settings.apiKey]));
    return traceFile;
  };

  const reusedBefore = context.reused();
  let result: AskResult | UniformAskResult;
  try {
    // Every system is agents the one session builds: `agent` its own, `uniform-N` its uniform baseline.
    const asked = { choices: question.choices, subtitlesPath: context.subtitlesPath, signal: combined, onTrace: (event: TraceEvent) => trace.push(event) };
    result =
      system.kind === 'uniform'
        ? await context.session.askUniform(question.videoPath, question.question, { ...asked, frames: system.frames, observer: context.observer })
        : await context.session.ask(question.videoPath, question.question, { ...asked, budget: { maxRounds: limits.maxRounds, maxFrames: limits.maxFrames } });
  } catch (error) {
    if (signal?.aborted) throw LongVidError.is(error) ? error : new LongVidError('ABORTED', 'the evaluation was aborted', { cause: error });
    const timedOut = timeout.aborted;
    const wallSeconds = (performance.now() - started) / 1000;
    const secrets = [settings.apiKey];
    const described = LongVidError.is(error) ? { code: error.code, message: redactSecrets(error.message, secrets), ...(error.hint ? { hint: error.hint } : {}) } : { message: redactSecrets(error instanceof Error ? error.message : String(error), secrets) };
    return {
      ...base,
      status: timedOut ? 'timeout' : 'error',
      predicted: null,
      correct: false,
      parseFailure: false,
      evidence: [],
      evidenceHit: truth.length ? false : null,
      temporalIoU: truth.length ? 0 : null,
      cost: { rounds: 0, framesObserved: 0, llmCalls: usage.calls, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens, wallSeconds },
      offline: context.offline,
      backends: {},
      traceFile: await writeTrace(),
      error: timedOut ? { code: 'TIMEOUT', message: `no answer within the time limit of ${limits.timeLimitSeconds} s` } : described,
      finishedAt: new Date().toISOString(),
    };
  }
  const answer = result.answer;
  const score = scoreAnswer(question, answer);
  const openEnded = question.openEnded ? await gradeOpenEnded(question as LoadedQuestion & { openEnded: NonNullable<LoadedQuestion['openEnded']> }, answer.answer, context, usage) : undefined;
  const spans = answer.evidence.map((e) => e.span);
  const backends = Object.fromEntries(Object.entries(result.backends).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  return {
    ...base,
    videoSeconds: result.video.duration,
    status: 'answered',
    predicted: { answer: answer.answer, ...(answer.choiceIndex !== undefined ? { choiceIndex: answer.choiceIndex } : {}), confidence: answer.confidence, sufficient: answer.sufficient, ...(answer.basis ? { basis: answer.basis } : {}), ...(answer.explanation ? { explanation: answer.explanation } : {}) },
    correct: openEnded ? false : score.correct,
    parseFailure: score.parseFailure,
    ...(openEnded ? { openEnded } : {}),
    evidence: answer.evidence.map((e) => ({ id: e.id, span: e.span, text: e.text, tool: e.tool, kind: e.kind, round: e.round, confidence: e.confidence })),
    evidenceHit: evidenceHit(spans, truth) ?? null,
    temporalIoU: spanSetIoU(spans, truth) ?? null,
    cost: {
      rounds: result.rounds,
      framesObserved: result.framesUsed,
      llmCalls: result.usage.calls + usage.calls,
      inputTokens: result.usage.inputTokens + usage.inputTokens,
      outputTokens: result.usage.outputTokens + usage.outputTokens,
      wallSeconds: result.timings.totalSeconds,
    },
    offline: result.offline,
    backends,
    ...(reusedBefore !== undefined ? { observationsReused: (context.reused() ?? 0) > reusedBefore } : {}),
    traceFile: await writeTrace(),
    error: null,
    finishedAt: new Date().toISOString(),
  };
}

/**
 * Grades an open-ended answer: token F1 and ROUGE-L against the reference, and, online, the LLM
 * judge with the question's rubric (its calls are added to `usage`; a judge failure is recorded
 * in `judgeError`, the lexical scores stay).
 */
async function gradeOpenEnded(question: LoadedQuestion & { openEnded: NonNullable<LoadedQuestion['openEnded']> }, answer: string, context: ItemContext, usage: { calls: number; inputTokens: number; outputTokens: number }): Promise<NonNullable<ResultRow['openEnded']>> {
  const lexical = lexicalScore(answer, question.answer);
  if (context.offline) return { rubric: question.openEnded.rubric, ...lexical, judge: null };
  const { settings } = context;
  try {
    const judge = await judgeOpenEnded(question, answer, {
      model: context.chatModel ?? createChatModel(settings),
      modelName: settings.model,
      endpoint: settings.baseUrl,
      transport: { maxRetries: settings.maxRetries, timeoutMs: settings.timeoutMs, structuredOutput: settings.structuredOutput },
      signal: context.signal,
      onUsage: (call) => {
        usage.calls += 1;
        usage.inputTokens += call.inputTokens;
        usage.outputTokens += call.outputTokens;
      },
    });
    return { rubric: question.openEnded.rubric, ...lexical, judge };
  } catch (error) {
    if (context.signal?.aborted) throw error;
    return { rubric: question.openEnded.rubric, ...lexical, judge: null, judgeError: LongVidError.is(error) ? error.toLine() : String(error) };
  }
}
