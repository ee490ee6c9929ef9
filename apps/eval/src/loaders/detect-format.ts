import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import JSON5 from 'json5';
import { LongVidError } from '@longvid/core';
import type { BenchmarkFormat } from './load-annotations';

/** Reads up to `bytes` from the start of a file. */
async function head(file: string, bytes = 65536): Promise<string> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new LongVidError('FILE_NOT_FOUND', `cannot read annotation file ${file}`, { details: { file }, hint: 'pass the path of an existing annotation file', cause: error });
  }
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** The format a row's keys point to, or undefined. */
function formatOfKeys(keys: Set<string>): BenchmarkFormat | undefined {
  if (keys.has('videoID') && (keys.has('options') || keys.has('questions'))) return 'video-mme';
  if (keys.has('video_id') && keys.has('domain') && (keys.has('options') || keys.has('questions'))) return 'video-mme';
  if (keys.has('q_uid') && keys.has('option 0')) return 'egoschema';
  if (keys.has('candidates') && (keys.has('correct_choice') || keys.has('subtitle_path') || keys.has('video_path'))) return 'longvideobench';
  if (keys.has('question_type') && keys.has('video') && keys.has('duration') && keys.has('answer')) return 'mlvu';
  if (keys.has('key') && keys.has('qa')) return 'lvbench';
  if (keys.has('id') && keys.has('video') && keys.has('question') && keys.has('answer')) return 'jsonl';
  return undefined;
}

/**
 * Guesses an annotation file's format from its first row: a CSV header with `a0`…`a4` is NExT-QA;
 * a `.parquet` file is Video-MME (its released test set);
 * JSON(L) rows are told apart by their keys (`videoID` + `options`, or `video_id` + `domain` +
 * `questions` → Video-MME, `q_uid` → EgoSchema, `candidates` + `correct_choice` → LongVideoBench,
 * `video` + `duration` + `answer` + `question_type` → MLVU,
 * `key` + `qa` → LVBench, `id` + `video` + `question` + `answer` → the generic format).
 * @throws LongVidError `BAD_INPUT` when the format cannot be told (pass it explicitly), `FILE_NOT_FOUND`.
 */
export async function detectFormat(file: string): Promise<BenchmarkFormat> {
  const text = (await head(file)).replace(/^\uFEFF/, '');
  const extension = extname(file).toLowerCase();
  if (extension === '.parquet') return 'video-mme';
  const fail = (): never => {
    throw new LongVidError('BAD_INPUT', `cannot tell the benchmark format of ${file} from its first row`, { details: { file }, hint: 'pass --format video-mme|egoschema|longvideobench|mlvu|lvbench|next-qa|jsonl' });
  };
  if (extension === '.csv') {
    const header = text.split(/\r?\n/)[0].split(',').map((name) => name.trim().replace(/^"|"$/g, ''));
    return ['a0', 'a4', 'qid', 'video'].every((name) => header.includes(name)) ? 'next-qa' : fail();
  }
  const trimmed = text.trimStart();
  let first: unknown;
  if (trimmed.startsWith('[')) {
    // First object of a JSON array: parse up to its closing brace.
    const start = trimmed.indexOf('{');
    let depth = 0;
    let inString = false;
    for (let i = start; start >= 0 && i < trimmed.length; i += 1) {
      const char = trimmed[i];
      if (inString) {
        if (char === '\\') i += 1;
        else if (char === '"') inString = false;
      } else if (char === '"') inString = true;
      else if (char === '{') depth += 1;
      else if (char === '}' && --depth === 0) {
        try {
          first = JSON5.parse(trimmed.slice(start, i + 1));
        } catch {
          first = undefined;
        }
        break;
      }
    }
  } else {
    const line = trimmed.split('\n').find((l) => l.trim());
    try {
      first = line ? JSON.parse(line) : undefined;
    } catch {
      first = undefined;
    }
  }
  if (!first || typeof first !== 'object') return fail();
  return formatOfKeys(new Set(Object.keys(first))) ?? fail();
}
