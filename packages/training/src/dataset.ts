import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, truncate } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { atomicWriteFile, LongVidError } from '@longvid/core';
import { type Frame, writeFrameJpeg } from '@longvid/video';
import { type FrameFeatures, roundFeatures } from './frame-features';
import { type TrainingSample, trainingSampleSchema } from './samples';

/** File names inside a dataset directory. */
export const DATASET_FILES = { samples: 'samples.jsonl', manifest: 'manifest.json', features: 'features' } as const;

const manifestSchema = z.object({ schemaVersion: z.literal(1), kind: z.string(), options: z.unknown() });

/** Features of the key frames of one video, stored in `features/<videoId>.json` beside the frames. */
export const featureFileSchema = z.object({
  videoId: z.string(),
  frames: z.array(z.object({ file: z.string(), time: z.number().nullable(), histogram: z.array(z.number()), thumbnail: z.array(z.number()) })),
});

/** See {@link featureFileSchema}. */
export type FeatureFile = z.infer<typeof featureFileSchema>;

/**
 * An append-only, resumable dataset directory: `samples.jsonl` (one {@link TrainingSample} per line),
 * frame images under `frames/`, feature sidecars under `features/`, and `manifest.json` (the options
 * that made it). Frames are written (atomically) before the line that uses them is appended, so every
 * line on disk has its images; a torn last line from a killed run is cut off on open; samples whose id
 * is already present are skipped, so re-running the same command resumes where it stopped.
 */
export class DatasetWriter {
  private constructor(
    /** Absolute dataset directory. */
    readonly directory: string,
    private readonly ids: Set<string>,
  ) {}

  /**
   * Opens (or creates) a dataset directory.
   * @param kind what writes it (`mvp`, `ssr`), stored in the manifest.
   * @param options the synthesis options; a directory made with other options is refused.
   * @throws LongVidError `BAD_INPUT` when the directory holds a dataset made with other options, or a
   *   line of `samples.jsonl` is not a valid sample.
   */
  static async open(directory: string, kind: string, options: unknown): Promise<DatasetWriter> {
    const absolute = resolve(directory);
    await mkdir(absolute, { recursive: true });
    const manifestPath = join(absolute, DATASET_FILES.manifest);
    const manifest = { schemaVersion: 1 as const, kind, options };
    if (existsSync(manifestPath)) {
      const existing = manifestSchema.safeParse(JSON.parse(await readFile(manifestPath, 'utf8')));
      if (!existing.success || existing.data.kind !== kind || JSON.stringify(existing.data.options) !== JSON.stringify(options)) {
        throw new LongVidError('BAD_INPUT', `${absolute} already holds a dataset made with other options`, {
          details: { directory: absolute, existing: existing.success ? existing.data : undefined, requested: manifest },
          hint: 'Resume with exactly the same options and videos, or write to a new directory.',
        });
      }
    } else {
      await atomicWriteFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    }
    const samplesPath = join(absolute, DATASET_FILES.samples);
    const ids = new Set<string>();
    if (existsSync(samplesPath)) {
      const text = await readFile(samplesPath, 'utf8');
      const complete = text.lastIndexOf('\n') + 1;
      if (complete < text.length) await truncate(samplesPath, Buffer.byteLength(text.slice(0, complete)));
      for (const sample of parseSamples(text.slice(0, complete), samplesPath)) ids.add(sample.id);
    }
    return new DatasetWriter(absolute, ids);
  }

  /** Number of samples on disk. */
  get size(): number {
    return this.ids.size;
  }

  /** Whether a sample with this id is already written. */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Writes a frame as JPEG (quality 90) at a path relative to the dataset, unless it exists. */
  async writeFrame(relativePath: string, frame: Frame): Promise<void> {
    const path = join(this.directory, relativePath);
    if (!existsSync(path)) await writeFrameJpeg(frame, path, 90);
  }

  /** Writes the feature sidecar of a video (`features/<videoId>.json`), unless it exists. */
  async writeFeatures(videoId: string, frames: Array<{ file: string; time: number | null; features: FrameFeatures }>): Promise<void> {
    const path = join(this.directory, DATASET_FILES.features, `${videoId}.json`);
    if (existsSync(path)) return;
    const file: FeatureFile = { videoId, frames: frames.map(({ file: name, time, features }) => ({ file: name, time, ...roundFeatures(features) })) };
    await atomicWriteFile(path, JSON.stringify(file));
  }

  /** Appends a sample (validated) as one line, unless its id is present. @returns whether it was written. */
  async append(sample: TrainingSample): Promise<boolean> {
    if (this.ids.has(sample.id)) return false;
    const valid = trainingSampleSchema.parse(sample);
    await mkdir(dirname(join(this.directory, DATASET_FILES.samples)), { recursive: true });
    await appendFile(join(this.directory, DATASET_FILES.samples), `${JSON.stringify(valid)}\n`);
    this.ids.add(sample.id);
    return true;
  }
}

function parseSamples(text: string, path: string): TrainingSample[] {
  const samples: TrainingSample[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new LongVidError('BAD_INPUT', `${path}:${index + 1} is not JSON`, { details: { path, line: index + 1 }, hint: 'Each line of samples.jsonl must be one JSON sample; delete the broken line or re-run the synthesis.', cause: error });
    }
    const parsed = trainingSampleSchema.safeParse(json);
    if (!parsed.success) {
      throw new LongVidError('BAD_INPUT', `${path}:${index + 1} is not a valid sample (${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message})`, {
        details: { path, line: index + 1 },
        hint: 'Use a samples.jsonl written by `longvid mvp synth` or `longvid ssr synth`.',
      });
    }
    samples.push(parsed.data);
  });
  return samples;
}

/**
 * Reads and validates a `samples.jsonl` file (or the one in a dataset directory).
 * @throws LongVidError `FILE_NOT_FOUND` when missing; `BAD_INPUT` naming the first bad line.
 */
export async function readSamples(path: string): Promise<{ directory: string; samples: TrainingSample[] }> {
  let file = resolve(path);
  if (existsSync(file) && !file.endsWith('.jsonl')) file = join(file, DATASET_FILES.samples);
  if (!existsSync(file)) {
    throw new LongVidError('FILE_NOT_FOUND', `${file}: no such samples file`, { details: { path: file }, hint: 'Pass a samples.jsonl (or its dataset directory) written by `longvid mvp synth` or `longvid ssr synth`.' });
  }
  return { directory: dirname(file), samples: parseSamples(await readFile(file, 'utf8'), file) };
}

/**
 * Reads every feature sidecar of a dataset directory into a map from frame file (relative path) to features.
 * @throws LongVidError `BAD_INPUT` for a malformed sidecar.
 */
export async function readFeatureSidecars(directory: string, videoIds: Iterable<string>): Promise<Map<string, FrameFeatures>> {
  const map = new Map<string, FrameFeatures>();
  for (const videoId of new Set(videoIds)) {
    const path = join(directory, DATASET_FILES.features, `${videoId}.json`);
    if (!existsSync(path)) continue;
    const parsed = featureFileSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
    if (!parsed.success) throw new LongVidError('BAD_INPUT', `${path} is not a feature sidecar`, { details: { path }, hint: 'Re-run `longvid mvp synth` into a fresh directory.' });
    for (const frame of parsed.data.frames) map.set(frame.file, { histogram: frame.histogram, thumbnail: frame.thumbnail });
  }
  return map;
}
