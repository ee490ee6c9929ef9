import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import nodeModule, { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { atomicWriteFile, LongVidError } from '@longvid/core';
import { type RewardTarget, rewardTargetSchema, type TrainingSample } from './samples';

/**
 * Exports of synthesised samples for distributed RL engines:
 * - verl (`verl.utils.dataset.rl_dataset.RLHFDataset`): a parquet file with the columns `data_source`,
 *   `prompt` (chat messages `{role, content}` whose content holds one `<video>` per video), `videos`
 *   (a list of `{video: [frame paths], sample_fps}` — the Qwen2-VL frame-list form that verl's
 *   `process_video` passes to `qwen_vl_utils.fetch_video`, which reads a frame list's rate from
 *   `sample_fps` and assumes 2 fps without it), `ability`, `reward_model {style: 'rule', ground_truth}`
 *   and `extra_info {index, split, sample_id, task, answer}`;
 * - EasyR1 (`verl/utils/dataset.py` RLHFDataset of hiyouga/EasyR1): JSONL (or parquet) rows with
 *   `problem` (the prompt string with `<video>` placeholders; EasyR1 splits at them), `answer` (the
 *   ground truth its reward function receives), `videos` (a list of frame-path lists) and metadata.
 *   EasyR1 (at the commit pinned in `engines/pinned/easyr1.json`) hands a frame list to
 *   `fetch_video` with only `fps`, so qwen-vl-utils reads every frame list as 2 fps whatever it was
 *   sampled at; and it prefixes `data.image_dir` only to video file paths, never to frame lists.
 * Frame paths are absolute, or (`pathStyle: 'relative'`) relative to `relativeTo`, the directory the
 * engine is started from: neither engine resolves a frame list's paths against anything else.
 * `ground_truth` / `answer` hold the sample's reward target as JSON, which the reward service
 * (`startRewardServer`) and the Python reward shims in `engines/` turn back into a reward.
 * Images (frame-pool candidates) become one-frame videos, because EasyR1 reads either images or
 * videos per dataset and Qwen2-VL pads a one-frame video to its temporal patch of 2.
 */

type ParquetWriter = typeof import('hyparquet-writer', { with: { 'resolution-mode': 'import' } });
type ParquetReader = typeof import('hyparquet', { with: { 'resolution-mode': 'import' } });

/** Node's CommonJS loader internals used to load an ES module package from CommonJS under Jest. */
interface NodeModuleInternals {
  _load?: (request: string, parent: { id: string; filename: string; paths: string[] }, isMain: boolean) => unknown;
  _nodeModulePaths?: (directory: string) => string[];
}

/**
 * Loads an ES-module package (hyparquet, hyparquet-writer) from this CommonJS package: Node >= 20.19
 * requires ES modules directly. Jest's module registry cannot (it replaces `require` and
 * `createRequire`), so there the package is loaded through Node's own loader (`Module._load`).
 */
function requireEsmPackage(name: string): unknown {
  try {
    return createRequire(__filename)(name);
  } catch (error) {
    const internals = nodeModule as unknown as NodeModuleInternals;
    if (!internals._load || !internals._nodeModulePaths) throw error;
    return internals._load(name, { id: __filename, filename: __filename, paths: internals._nodeModulePaths(__dirname) }, false);
  }
}

const parquetWriter = (): ParquetWriter => requireEsmPackage('hyparquet-writer') as ParquetWriter;
const parquetReader = (): ParquetReader => requireEsmPackage('hyparquet') as ParquetReader;

/** Options of the exports. */
export interface ExportOptions {
  /** Dataset directory the samples' frame paths are relative to. */
  datasetDirectory: string;
  /** `data_source` of every row. Default `longvid/<task>`. */
  dataSource?: string;
  /** Split name in `extra_info.split`. Default `train`. */
  split?: string;
  /** Write frame paths absolute (default) or relative to `relativeTo`. */
  pathStyle?: 'absolute' | 'relative';
  /**
   * With `pathStyle: 'relative'`: the directory the engine is started from (its working directory,
   * which frame-list paths are opened against); default the dataset directory.
   */
  relativeTo?: string;
}

/** One verl row (see the module comment). */
export const verlRowSchema = z
  .object({
    data_source: z.string().min(1),
    prompt: z.array(z.object({ role: z.enum(['system', 'user', 'assistant']), content: z.string() })).min(1),
    videos: z.array(z.object({ video: z.array(z.string().min(1)).min(1), sample_fps: z.number().positive().nullable().optional() })),
    ability: z.string().min(1),
    reward_model: z.object({ style: z.literal('rule'), ground_truth: z.string().min(2) }),
    extra_info: z.object({ index: z.union([z.number().int(), z.bigint()]), split: z.string(), sample_id: z.string(), task: z.string(), answer: z.string() }),
  })
  .superRefine((row, context) => {
    const placeholders = row.prompt.reduce((sum, message) => sum + (message.content.match(/<video>/g) ?? []).length, 0);
    if (placeholders !== row.videos.length) context.addIssue({ code: 'custom', message: `${placeholders} <video> placeholders for ${row.videos.length} videos`, path: ['videos'] });
    if (row.prompt.some((message) => message.content.includes('<image>'))) context.addIssue({ code: 'custom', message: '<image> placeholder without an images column', path: ['prompt'] });
    if (!rewardTargetSchema.safeParse(safeJson(row.reward_model.ground_truth)).success) context.addIssue({ code: 'custom', message: 'ground_truth is not a reward target', path: ['reward_model', 'ground_truth'] });
  });

/** One verl row. */
export type VerlRow = z.infer<typeof verlRowSchema>;

/** One EasyR1 row (see the module comment). */
export const easyR1RowSchema = z
  .object({
    problem: z.string().min(1),
    answer: z.string().min(2),
    videos: z.array(z.array(z.string().min(1)).min(1)),
    data_source: z.string(),
    sample_id: z.string(),
    task: z.string(),
    answer_text: z.string(),
  })
  .superRefine((row, context) => {
    const placeholders = (row.problem.match(/<video>/g) ?? []).length;
    if (placeholders !== row.videos.length) context.addIssue({ code: 'custom', message: `${placeholders} <video> placeholders for ${row.videos.length} videos`, path: ['videos'] });
    if (row.problem.includes('<image>')) context.addIssue({ code: 'custom', message: '<image> placeholder in a video dataset', path: ['problem'] });
    if (!rewardTargetSchema.safeParse(safeJson(row.answer)).success) context.addIssue({ code: 'custom', message: 'answer is not a reward target', path: ['answer'] });
  });

/** One EasyR1 row. */
export type EasyR1Row = z.infer<typeof easyR1RowSchema>;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The rate a frame list was sampled at, frames per second, from its frames' source times: (n − 1)
 * over the time from the first to the last; `undefined` for fewer than two timed frames.
 */
export function frameListSampleFps(times: ReadonlyArray<number | null>): number | undefined {
  const timed = times.filter((time): time is number => time !== null);
  if (timed.length < 2) return undefined;
  const span = timed[timed.length - 1] - timed[0];
  return span > 0 ? Math.round(((timed.length - 1) / span) * 1000) / 1000 : undefined;
}

/** The prompt with every `<image>` turned into `<video>`, and the media as frame lists (paths per `pathStyle`) with their sample rates. */
function videoForm(sample: TrainingSample, options: ExportOptions): { prompt: string; videos: string[][]; sampleFps: Array<number | undefined> } {
  const base = options.relativeTo ?? options.datasetDirectory;
  const path = (frame: string): string => {
    const absolute = isAbsolute(frame) ? frame : resolve(options.datasetDirectory, frame);
    return options.pathStyle === 'relative' ? relative(base, absolute).split(sep).join('/') : absolute;
  };
  return {
    prompt: sample.prompt.replace(/<image>/g, '<video>'),
    videos: sample.media.map((item) => (item.type === 'video' ? item.frames.map(path) : [path(item.frame)])),
    sampleFps: sample.media.map((item) => (item.type === 'video' ? frameListSampleFps(item.times) : undefined)),
  };
}

/** The reward target of a sample as the JSON text exported as ground truth. */
export function groundTruthText(target: RewardTarget): string {
  return JSON.stringify(target);
}

/** verl rows of samples (validated). @throws LongVidError `BAD_INPUT` when a row fails {@link verlRowSchema}. */
export function toVerlRows(samples: readonly TrainingSample[], options: ExportOptions): VerlRow[] {
  return samples.map((sample, index) => {
    const { prompt, videos, sampleFps } = videoForm(sample, options);
    const row: VerlRow = {
      data_source: options.dataSource ?? `longvid/${sample.task}`,
      prompt: [{ role: 'user', content: prompt }],
      videos: videos.map((video, k) => ({ video, sample_fps: sampleFps[k] ?? null })),
      ability: 'video',
      reward_model: { style: 'rule', ground_truth: groundTruthText(sample.target) },
      extra_info: { index, split: options.split ?? 'train', sample_id: sample.id, task: sample.task, answer: sample.answer },
    };
    return checkRow(verlRowSchema, row, sample.id);
  });
}

/** EasyR1 rows of samples (validated). @throws LongVidError `BAD_INPUT` when a row fails {@link easyR1RowSchema}. */
export function toEasyR1Rows(samples: readonly TrainingSample[], options: ExportOptions): EasyR1Row[] {
  return samples.map((sample) => {
    const { prompt, videos } = videoForm(sample, options);
    const row: EasyR1Row = { problem: prompt, answer: groundTruthText(sample.target), videos, data_source: options.dataSource ?? `longvid/${sample.task}`, sample_id: sample.id, task: sample.task, answer_text: sample.answer };
    return checkRow(easyR1RowSchema, row, sample.id);
  });
}

function checkRow<T>(schema: z.ZodType<T>, row: unknown, id: string): T {
  const parsed = schema.safeParse(row);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LongVidError('BAD_INPUT', `sample ${id} does not fit the engine's schema: ${issue.path.join('.')}: ${issue.message}`, { details: { id }, hint: 'Export samples written by longvid mvp/ssr synth.' });
  }
  return parsed.data;
}

const text = (name: string, repetition: 'OPTIONAL' | 'REQUIRED' = 'OPTIONAL') => ({ name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: repetition });
const list = (name: string) => [
  { name, repetition_type: 'OPTIONAL' as const, converted_type: 'LIST' as const, num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED' as const, num_children: 1 },
];

/** Parquet schema of verl rows (standard 3-level LIST encoding, as pyarrow writes it). */
function verlSchema() {
  return [
    { name: 'root', num_children: 6 },
    text('data_source', 'REQUIRED'),
    ...list('prompt'),
    { name: 'element', repetition_type: 'OPTIONAL' as const, num_children: 2 },
    text('role'),
    text('content'),
    ...list('videos'),
    { name: 'element', repetition_type: 'OPTIONAL' as const, num_children: 2 },
    ...list('video'),
    text('element'),
    { name: 'sample_fps', type: 'DOUBLE' as const, repetition_type: 'OPTIONAL' as const },
    text('ability'),
    { name: 'reward_model', repetition_type: 'OPTIONAL' as const, num_children: 2 },
    text('ground_truth'),
    text('style'),
    { name: 'extra_info', repetition_type: 'OPTIONAL' as const, num_children: 5 },
    { name: 'index', type: 'INT64' as const, repetition_type: 'OPTIONAL' as const },
    text('split'),
    text('sample_id'),
    text('task'),
    text('answer'),
  ];
}

function easyR1Schema() {
  return [
    { name: 'root', num_children: 7 },
    text('problem', 'REQUIRED'),
    text('answer', 'REQUIRED'),
    ...list('videos'),
    ...list('element'),
    text('element'),
    text('data_source'),
    text('sample_id'),
    text('task'),
    text('answer_text'),
  ];
}

/**
 * Writes a verl parquet file (atomically) and validates it by reading it back.
 * @returns the number of rows.
 * @throws LongVidError `BAD_INPUT` when there are no samples or a row fails the schema.
 */
export async function exportVerl(samples: readonly TrainingSample[], outputFile: string, options: ExportOptions): Promise<{ rows: number; file: string }> {
  if (samples.length === 0) throw new LongVidError('BAD_INPUT', 'nothing to export: no samples', { hint: 'Synthesise samples first (longvid mvp synth / ssr synth).' });
  const rows = toVerlRows(samples, options);
  const { parquetWriteBuffer } = parquetWriter();
  const buffer = parquetWriteBuffer({
    schema: verlSchema(),
    columnData: [
      { name: 'data_source', data: rows.map((row) => row.data_source) },
      { name: 'prompt', data: rows.map((row) => row.prompt) },
      { name: 'videos', data: rows.map((row) => row.videos) },
      { name: 'ability', data: rows.map((row) => row.ability) },
      { name: 'reward_model', data: rows.map((row) => ({ ground_truth: row.reward_model.ground_truth, style: row.reward_model.style })) },
      { name: 'extra_info', data: rows.map((row) => ({ ...row.extra_info, index: BigInt(row.extra_info.index) })) },
    ],
    kvMetadata: [{ key: 'longvid.format', value: 'verl-rlhf-dataset-v1' }],
  });
  const file = resolve(outputFile);
  await atomicWriteFile(file, new Uint8Array(buffer));
  await validateVerlFile(file);
  return { rows: rows.length, file };
}

/**
 * Writes an EasyR1 dataset file (atomically): JSONL when the name ends in `.jsonl`/`.json`, parquet
 * when it ends in `.parquet`; then validates it by reading it back.
 * @throws LongVidError `BAD_INPUT` for no samples, another extension, or a row failing the schema.
 */
export async function exportEasyR1(samples: readonly TrainingSample[], outputFile: string, options: ExportOptions): Promise<{ rows: number; file: string }> {
  if (samples.length === 0) throw new LongVidError('BAD_INPUT', 'nothing to export: no samples', { hint: 'Synthesise samples first (longvid mvp synth / ssr synth).' });
  const rows = toEasyR1Rows(samples, options);
  const file = resolve(outputFile);
  if (/\.jsonl?$/.test(file)) await atomicWriteFile(file, rows.map((row) => JSON.stringify(row)).join('\n') + '\n');
  else if (file.endsWith('.parquet')) {
    const { parquetWriteBuffer } = parquetWriter();
    const buffer = parquetWriteBuffer({
      schema: easyR1Schema(),
      columnData: (['problem', 'answer', 'videos', 'data_source', 'sample_id', 'task', 'answer_text'] as const).map((name) => ({ name, data: rows.map((row) => row[name]) })),
      kvMetadata: [{ key: 'longvid.format', value: 'easyr1-dataset-v1' }],
    });
    await atomicWriteFile(file, new Uint8Array(buffer));
  } else {
    throw new LongVidError('BAD_INPUT', `EasyR1 export: ${outputFile} must end in .jsonl or .parquet`, { details: { outputFile }, hint: 'Name the output train.jsonl or train.parquet.' });
  }
  await validateEasyR1File(file);
  return { rows: rows.length, file };
}

/** Reads the rows of a parquet file (hyparquet). */
export async function readParquetRows(file: string): Promise<Record<string, unknown>[]> {
  const { asyncBufferFromFile, parquetReadObjects } = parquetReader();
  return parquetReadObjects({ file: await asyncBufferFromFile(file) });
}

/** Options of the validators. */
export interface ValidateOptions {
  /** Also check that every frame file exists (relative paths against this directory). */
  checkFilesIn?: string;
}

function checkFiles(paths: string[], options: ValidateOptions, where: string): void {
  if (options.checkFilesIn === undefined) return;
  const missing = paths.find((path) => !existsSync(isAbsolute(path) ? path : join(options.checkFilesIn as string, path)));
  if (missing) throw new LongVidError('BAD_INPUT', `${where}: frame ${missing} does not exist`, { details: { frame: missing }, hint: 'Export from the dataset directory that holds the frames, or use absolute paths.' });
}

function validateRows<T>(rows: unknown[], schema: z.ZodType<T>, file: string): T[] {
  if (rows.length === 0) throw new LongVidError('BAD_INPUT', `${file} has no rows`, { details: { file }, hint: 'Export at least one sample.' });
  return rows.map((row, index) => {
    const parsed = schema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new LongVidError('BAD_INPUT', `${file} row ${index}: ${issue.path.join('.')}: ${issue.message}`, { details: { file, row: index }, hint: 'Re-export with longvid export.' });
    }
    return parsed.data;
  });
}

/**
 * Validates a verl parquet file against {@link verlRowSchema} (every row, placeholders matching videos, ground truth a reward target).
 * @throws LongVidError `BAD_INPUT` naming the first bad row.
 */
export async function validateVerlFile(file: string, options: ValidateOptions = {}): Promise<VerlRow[]> {
  const rows = validateRows(await readParquetRows(file), verlRowSchema, file);
  rows.forEach((row, index) => checkFiles(row.videos.flatMap((video) => video.video), options, `${file} row ${index}`));
  return rows;
}

/**
 * Validates an EasyR1 JSONL or parquet file against {@link easyR1RowSchema}.
 * @throws LongVidError `BAD_INPUT` naming the first bad row.
 */
export async function validateEasyR1File(file: string, options: ValidateOptions = {}): Promise<EasyR1Row[]> {
  const raw = file.endsWith('.parquet')
    ? await readParquetRows(file)
    : (await readFile(file, 'utf8'))
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => safeJson(line));
  const rows = validateRows(raw, easyR1RowSchema, file);
  rows.forEach((row, index) => checkFiles(row.videos.flat(), options, `${file} row ${index}`));
  return rows;
}
