import { join } from 'node:path';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Answer, OnProgress, Settings, TraceEvent, VideoInfo } from '@longvid/core';
import { Budget, LongVidError, loadSettings, Trace } from '@longvid/core';
import type { OcrModel, TextEmbedder } from '@longvid/perception';
import { createOcrModel, HashingEmbedder } from '@longvid/perception';
import type { FfmpegBinaries } from '@longvid/video';
import { resolveFfmpeg } from '@longvid/video';
import { ingestVideo, type IngestResult } from './ingest';
import type { ObserverBackbone, Planner, Reflector } from './interfaces';
import { createChatModel, LlmPlanner, LlmReflector } from './llm';
import { LocalObserver } from './local-observer';
import { runAgentLoop } from './loop';
import { RulePlanner, RuleReflector } from './rule-based';
import type { CallUsage } from './structured';

/** Local tools an ingestion or a question needs. */
export interface LocalTools {
  binaries: FfmpegBinaries;
  ocr: OcrModel;
  embedder: TextEmbedder;
}

const ocrModels = new Map<string, Promise<OcrModel>>();

/**
 * Resolves ffmpeg/ffprobe and loads the local OCR model (once per process and model directory)
 * and the local hashing embedder.
 * @throws LongVidError `FFMPEG_NOT_FOUND`, `MODEL_NOT_FOUND`, `MODEL_FAILED`.
 */
export async function createLocalTools(settings: Settings): Promise<LocalTools> {
  const binaries = resolveFfmpeg({ ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath, searchPath: settings.searchPath });
  const key = settings.ocrModelDir ?? '(default)';
  let ocr = ocrModels.get(key);
  if (!ocr) {
    ocr = createOcrModel({ modelDir: settings.ocrModelDir });
    ocrModels.set(key, ocr);
    ocr.catch(() => ocrModels.delete(key));
  }
  return { binaries, ocr: await ocr, embedder: new HashingEmbedder() };
}

/** Options of {@link ingest} and {@link askVideo}. */
export interface IngestVideoOptions {
  /** Setting overrides (they win over env and config file). */
  settings?: Partial<Settings>;
  /** Fully resolved settings; when given, `settings` and the environment are not read. */
  resolvedSettings?: Settings;
  /** Subtitle sidecar (.srt or .vtt). */
  subtitlesPath?: string;
  onProgress?: OnProgress;
  signal?: AbortSignal;
  /** Replace local tools (tests, custom models). */
  tools?: Partial<LocalTools>;
}

async function prepare(options: IngestVideoOptions): Promise<{ settings: Settings; tools: LocalTools }> {
  const settings = options.resolvedSettings ?? loadSettings({ overrides: options.settings }).settings;
  const needed = options.tools?.binaries && options.tools.ocr && options.tools.embedder ? undefined : await createLocalTools(settings);
  const tools: LocalTools = {
    binaries: options.tools?.binaries ?? needed!.binaries,
    ocr: options.tools?.ocr ?? needed!.ocr,
    embedder: options.tools?.embedder ?? needed!.embedder,
  };
  return { settings, tools };
}

/**
 * Ingests a video into episodic memory (or loads the stored memory). See {@link ingestVideo}.
 * @throws LongVidError for a bad video, subtitle file, setting or model.
 */
export async function ingest(videoPath: string, options: IngestVideoOptions = {}): Promise<IngestResult> {
  const { settings, tools } = await prepare(options);
  return ingestVideo(videoPath, { settings, ...tools, subtitlesPath: options.subtitlesPath, onProgress: options.onProgress, signal: options.signal });
}

/** Options of {@link askVideo}. */
export interface AskOptions extends IngestVideoOptions {
  /** Multiple-choice options (without letters). */
  choices?: string[];
  /** Force offline (rule-based agents) even when an endpoint is configured. */
  offline?: boolean;
  /** Called with each trace event as it happens. */
  onTrace?: (event: TraceEvent) => void;
  /** Replace the planner, reflector, observer or chat model (tests, custom backends). */
  planner?: Planner;
  reflector?: Reflector;
  observer?: ObserverBackbone;
  chatModel?: BaseChatModel;
}

/** The result of {@link askVideo}. */
export interface AskResult {
  answer: Answer;
  /** Rounds of plan–observe–reflect used. */
  rounds: number;
  /** Frames the observer looked at while answering (ingestion keyframes not included). */
  framesUsed: number;
  /** True when no endpoint was used (rule-based planner/reflector, local observer). */
  offline: boolean;
  backends: { planner: string; reflector: string; observer: string; embedder: string; model?: string; endpoint?: string };
  /** LLM calls and tokens (zero offline). */
  usage: { calls: number; inputTokens: number; outputTokens: number };
  video: VideoInfo;
  memory: { directory: string; reused: boolean; events: number; ingestSeconds: number };
  /** Seconds: `ingest` = ingestion or loading memory in this call, `answer` = the agent loop. */
  timings: { ingestSeconds: number; answerSeconds: number; totalSeconds: number };
  trace: TraceEvent[];
}

/**
 * Answers a question about a video, end to end: ingest (or load) episodic memory, then run the
 * plan–observe–reflect loop within the budget (`maxRounds`, `maxFrames`). Offline by default
 * (rule-based planner/reflector, local OCR observer); with `baseUrl` set, the planner and
 * reflector are LLM agents through LangChain `ChatOpenAI` against that OpenAI-compatible endpoint.
 *
 * @example
 * ```ts
 * import { askVideo } from '@longvid/agents';
 * const result = await askVideo('dev_long.mp4', 'What is the locker number?');
 * console.log(result.answer.answer, result.answer.evidence.map((e) => e.span));
 * ```
 * @param videoPath path of any video file ffmpeg can read.
 * @param question the question, in natural language.
 * @throws LongVidError: `FILE_NOT_FOUND`, `NOT_A_VIDEO`, `CORRUPT_VIDEO` (bad video),
 *   `SUBTITLES_INVALID`, `BAD_SETTING`, `MODEL_NOT_FOUND`, `ENDPOINT_UNREACHABLE` (names
 *   `LONGVID_BASE_URL`), `ENDPOINT_ERROR`, `MALFORMED_LLM_REPLY`, `ABORTED`.
 */
export async function askVideo(videoPath: string, question: string, options: AskOptions = {}): Promise<AskResult> {
  const started = performance.now();
  if (!question.trim()) throw new LongVidError('BAD_INPUT', 'the question is empty', { hint: 'ask a question, e.g. "What is the locker number?"' });
  if (options.choices && options.choices.length < 2) {
    throw new LongVidError('BAD_INPUT', 'multiple choice needs at least two options', { details: { choices: options.choices }, hint: 'pass --choices "A|B|C|D"' });
  }
  const { settings, tools } = await prepare(options);
  const ingested = await ingestVideo(videoPath, { settings, ...tools, subtitlesPath: options.subtitlesPath, onProgress: options.onProgress, signal: options.signal });
  const answerStarted = performance.now();

  const offline = options.offline === true || (!settings.baseUrl && !options.chatModel);
  const usage = { calls: 0, inputTokens: 0, outputTokens: 0 };
  const onUsage = (call: CallUsage): void => {
    usage.calls += 1;
    usage.inputTokens += call.inputTokens;
    usage.outputTokens += call.outputTokens;
  };
  let planner = options.planner;
  let reflector = options.reflector;
  if (!offline && (!planner || !reflector)) {
    const model = options.chatModel ?? createChatModel(settings);
    const llmOptions = { model, modelName: settings.model, endpoint: settings.baseUrl, maxRetries: settings.maxRetries, onUsage };
    planner ??= new LlmPlanner(llmOptions);
    reflector ??= new LlmReflector(llmOptions);
  }
  planner ??= new RulePlanner();
  reflector ??= new RuleReflector();
  const observer =
    options.observer ??
    new LocalObserver({
      videoPath,
      binaries: tools.binaries,
      ocr: tools.ocr,
      subtitles: ingested.subtitles,
      memory: ingested.memory,
      frameCacheDir: join(settings.cacheDir, 'frames'),
      videoKey: ingested.videoHash,
    });
  const trace = new Trace(options.onTrace);
  const result = await runAgentLoop({
    question,
    choices: options.choices,
    duration: ingested.info.duration,
    memory: ingested.memory,
    embedder: tools.embedder,
    planner,
    reflector,
    observer,
    budget: new Budget({ maxRounds: settings.maxRounds, maxFrames: settings.maxFrames }),
    trace,
    signal: options.signal,
  });
  const finished = performance.now();
  return {
    answer: result.answer,
    rounds: result.rounds,
    framesUsed: result.framesUsed,
    offline,
    backends: {
      planner: planner.plannerId,
      reflector: reflector.reflectorId,
      observer: observer.observerId,
      embedder: tools.embedder.embedderId,
      model: offline ? undefined : settings.model,
      endpoint: offline ? undefined : settings.baseUrl,
    },
    usage,
    video: ingested.info,
    memory: { directory: ingested.memoryDirectory, reused: ingested.reused, events: ingested.memory.events().length, ingestSeconds: ingested.ingestSeconds },
    timings: { ingestSeconds: (answerStarted - started) / 1000, answerSeconds: (finished - answerStarted) / 1000, totalSeconds: (finished - started) / 1000 },
    trace: result.trace.events,
  };
}
