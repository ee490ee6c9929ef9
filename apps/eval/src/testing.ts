/**
 * Test helpers of @longvid/eval: a short needle-in-a-haystack suite built from the shared real clips,
 * reused between test files and runs (it is keyed by its seed and length, and rebuilt only when the
 * generator's output would differ).
 * @packageDocumentation
 */
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '@longvid/core';
import { generateNiahSuite, minutesLabel, type NiahSuite } from './niah/niah-generator';

/** Directory under the system temp dir where eval test fixtures (videos, segment cache, memory cache) live. */
export function evalTestDirectory(): string {
  return join(tmpdir(), 'longvid-eval-tests');
}

/** Cache directory (`cacheDir` setting) shared by eval tests: memories and frames keyed by content hash. */
export function evalTestCacheDirectory(): string {
  return join(evalTestDirectory(), 'cache');
}

/**
 * Builds (or reuses) a short needle-in-a-haystack suite from `../shared/data/videos`: by default a
 * 1-minute video with seed 7 (3 text needles, 1 odd-object clip), in
 * `<evalTestDirectory()>/niah-<M>m-seed<S>/`, normalised clips cached in `<evalTestDirectory()>/segments`.
 * @throws Error when `../shared/data/videos` is not beside the repository; LongVidError from the generator.
 */
export async function buildShortNiahSuite(options: { minutes?: number; seed?: number } = {}): Promise<NiahSuite & { dir: string }> {
  const minutes = options.minutes ?? 1;
  const seed = options.seed ?? 7;
  const shared = sharedDataDir(__dirname);
  if (!shared) throw new Error('../shared/data/videos not found beside the repository: clone the project next to shared/');
  const dir = join(evalTestDirectory(), `niah-${minutesLabel(minutes)}-seed${seed}`);
  const suite = await generateNiahSuite({ outDir: dir, minutes: [minutes], seed, clipsDir: join(shared, 'data', 'videos'), segmentCacheDir: join(evalTestDirectory(), 'segments') });
  return { ...suite, dir };
}

/** One row of Video-MME's released `videomme/test-00000-of-00001.parquet`, with its columns as released. */
export interface VideoMmeParquetRow {
  video_id: string;
  duration: string;
  domain: string;
  sub_category: string;
  url: string;
  videoID: string;
  question_id: string;
  task_type: string;
  question: string;
  /** `["A. …", "B. …", "C. …", "D. …"]`. */
  options: string[];
  /** One letter. */
  answer: string;
}

/**
 * Writes rows with Video-MME's released parquet columns (strings, and `options` as a list in the
 * 3-level LIST encoding pyarrow writes), through hyparquet-writer run in a child Node process
 * (an ES module, independent of the reader under test).
 * @throws Error when the child process fails.
 */
export function writeVideoMmeParquet(file: string, rows: readonly VideoMmeParquetRow[]): void {
  const script = `
    import { parquetWriteFile } from 'hyparquet-writer';
    const rows = JSON.parse(process.env.LONGVID_ROWS);
    const text = (name) => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
    const names = ['video_id', 'duration', 'domain', 'sub_category', 'url', 'videoID', 'question_id', 'task_type', 'question'];
    parquetWriteFile({
      filename: process.env.LONGVID_FILE,
      schema: [
        { name: 'root', num_children: 11 },
        ...names.map(text),
        { name: 'options', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        text('element'),
        text('answer'),
      ],
      columnData: [...names, 'options', 'answer'].map((name) => ({ name, data: rows.map((row) => row[name]) })),
    });`;
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: __dirname, env: { ...process.env, LONGVID_ROWS: JSON.stringify(rows), LONGVID_FILE: file }, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Three Video-MME rows in the released columns: two on `fFjv93ACGo8`, one on a video that is not here (`notHere0001`). */
export const VIDEO_MME_SAMPLE_ROWS: readonly VideoMmeParquetRow[] = [
  { video_id: '001', duration: 'short', domain: 'Knowledge', sub_category: 'Humanity & History', url: 'https://www.youtube.com/watch?v=fFjv93ACGo8', videoID: 'fFjv93ACGo8', question_id: '001-1', task_type: 'Counting Problem', question: 'How many dogs?', options: ['A. One.', 'B. Two.', 'C. Three.', 'D. Four.'], answer: 'A' },
  { video_id: '001', duration: 'short', domain: 'Knowledge', sub_category: 'Humanity & History', url: 'https://www.youtube.com/watch?v=fFjv93ACGo8', videoID: 'fFjv93ACGo8', question_id: '001-2', task_type: 'Object Recognition', question: 'What animal is shown?', options: ['A. A cat.', 'B. A dog.', 'C. A horse.', 'D. A bird.'], answer: 'B' },
  { video_id: '002', duration: 'medium', domain: 'Sports Competition', sub_category: 'Basketball', url: 'https://www.youtube.com/watch?v=notHere0001', videoID: 'notHere0001', question_id: '002-1', task_type: 'Action Recognition', question: 'What sport is played?', options: ['A. Tennis.', 'B. Golf.', 'C. Basketball.', 'D. Rugby.'], answer: 'C' },
];
