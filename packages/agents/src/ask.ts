import { join } from 'node:path';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Answer, ModelCall, ObserverTool, OnProgress, Settings, TraceEvent, VideoInfo } from '@longvid/core';
import { Budget, LongVidError, loadSettings, redactSecrets, Trace } from '@longvid/core';
import type { FfmpegBinaries } from '@longvid/video';
import { CostLedger, type CostSummary } from './llm/call-cost';
import { VideoLlmCaptioner } from './backends/video-llm-captioner';
import { createLocalTools, ingestVideo, type ClipCaptioner, type IngestResult, type LocalTools } from '@longvid/ingest';
import type { ObserverBackbone, Planner, Reflector } from './spec/interfaces';
import { createChatModel } from './llm/chat-model';
import { LlmPlanner, LlmReflector } from './backends/llm-agents';
import { LocalObserver } from './backends/local-observer';
import { runAgentLoop } from './loop';
import { ModelCallCache } from './llm/model-call-cache';
import { ConcurrencyLimiter, type TransportOptions } from './llm/model-transport';
import { RulePlanner, RuleReflector } from './backends/rule-based';
import { VideoLlmObserver } from './backends/video-llm-observer';

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
  /** Force offline (local models and rule-based agents) even when an endpoint is configured. */
  offline?: boolean;
  /** Use the on-disk cache of model calls under `<cacheDir>/model-calls` (default true). */
  callCache?: boolean;
  /** Override how model calls are retried and limited (tests use short backoffs). */
  transport?: Partial<Omit<TransportOptions, 'limiter'>>;
  /** Replace the chat model of every LLM role (tests, custom backends). */
  chatModel?: BaseChatModel;
}

async function prepare(options: IngestVideoOptions): Promise<{ settings: Settings; tools: LocalTools }> {
  const settings = options.resolvedSettings ?? loadSettings({ overrides: options.settings }).settings;
  const needed = options.tools?.binaries && options.tools.ocr && options.tools.embedder ? undefined : await createLocalTools(settings);
  const tools: LocalTools = {
    binaries: options.tools?.binaries ?? needed!.binaries,
    ocr: options.tools?.ocr ?? needed!.ocr,
    embedder: options.tools?.embedder ?? needed!.embedder,
    detector: options.tools && 'detector' in options.tools ? options.tools.detector : needed?.detector,
    voiceActivity: options.tools && 'voiceActivity' in options.tools ? options.tools.voiceActivity : needed?.voiceActivity,
    // The pool holds the default models: used only when the caller replaced neither of them.
    perceptionPool: options.tools && 'perceptionPool' in options.tools ? options.tools.perceptionPool : options.tools?.ocr || (options.tools && 'detector' in options.tools) ? undefined : needed?.perceptionPool,
  };
  return { settings, tools };
}

/** The endpoint side of a question or an ingestion: models, limiter, cache, cost ledger. */
interface Online {
  chatModel: BaseChatModel;
  observerChatModel: BaseChatModel;
  observerModelName: string;
  transport: TransportOptions;
  callCache?: ModelCallCache;
}

function online(settings: Settings, options: IngestVideoOptions): Online | undefined {
  if (options.offline === true || (!settings.baseUrl && !options.chatModel)) return undefined;
  const chatModel = options.chatModel ?? createChatModel(settings);
  const observerModelName = settings.observerModel ?? settings.model;
  const observerChatModel = options.chatModel ?? (observerModelName === settings.model ? chatModel : createChatModel(settings, observerModelName));
  return {
    chatModel,
    observerChatModel,
    observerModelName,
    transport: { maxRetries: settings.maxRetries, timeoutMs: settings.timeoutMs, structuredOutput: settings.structuredOutput, ...options.transport, limiter: new ConcurrencyLimiter(settings.concurrency) },
    callCache: options.callCache === false ? undefined : new ModelCallCache(join(settings.cacheDir, 'model-calls')),
  };
}

function captionerFor(settings: Settings, endpoint: Online | undefined, videoPath: string, binaries: FfmpegBinaries, onCall: (call: ModelCall) => void): ((video: { info: VideoInfo; videoHash: string }) => ClipCaptioner) | undefined {
  if (!endpoint || !settings.ingestCaptions) return undefined;
  return ({ info, videoHash }) =>
    new VideoLlmCaptioner({
      model: endpoint.observerChatModel,
      modelName: endpoint.observerModelName,
      endpoint: settings.baseUrl && redactSecrets(settings.baseUrl),
      videoPath,
      video: info,
      binaries,
      videoKey: videoHash,
      cacheDir: settings.cacheDir,
      fps: settings.ingestFps,
      maxFramesPerClip: Math.min(8, settings.maxFramesPerCall),
      maxRetries: settings.maxRetries,
      transport: endpoint.transport,
      callCache: endpoint.callCache,
      onCall,
    });
}

/** What {@link ingest} returns: the ingestion and what its model calls (ingest captions) cost. */
export interface IngestVideoResult extends IngestResult {
  /** Calls made by this ingestion (captions and narrative when an endpoint is set; zeros otherwise or when memory was reused). */
  cost: CostSummary;
}

/**
 * Ingests a video into episodic memory (or loads the stored memory). See {@link ingestVideo}.
 * When an endpoint is set (and `ingestCaptions` is on) each clip is also captioned by the video
 * LLM and the narrative layer is written.
 * @throws LongVidError for a bad video, subtitle file, setting or model; endpoint errors.
 */
export async function ingest(videoPath: string, options: IngestVideoOptions = {}): Promise<IngestVideoResult> {
  const { settings, tools } = await prepare(options);
  const ledger = new CostLedger();
  const endpoint = online(settings, options);
  const result = await ingestVideo(videoPath, {
    settings,
    ...tools,
    subtitlesPath: options.subtitlesPath,
    onProgress: options.onProgress,
    signal: options.signal,
    captioner: captionerFor(settings, endpoint, videoPath, tools.binaries, ledger.record),
    captionConcurrency: settings.concurrency,
  });
  return { ...result, cost: ledger.summary() };
}

/** Options of {@link askVideo}. */
export interface AskOptions extends IngestVideoOptions {
  /** Multiple-choice options (without letters). */
  choices?: string[];
  /** Called with each trace event as it happens. */
  onTrace?: (event: TraceEvent) => void;
  /** Replace the planner, reflector or observer (tests, custom backends). */
  planner?: Planner;
  reflector?: Reflector;
  observer?: ObserverBackbone;
}

/** The result of {@link askVideo}. */
export interface AskResult {
  /** `agent`: the plan–observe–reflect loop. */
  mode: 'agent';
  answer: Answer;
  /** Rounds of plan–observe–reflect used. */
  rounds: number;
  /** Frames the observer looked at while answering (ingestion keyframes not included). */
  framesUsed: number;
  /** True when no endpoint was used (rule-based planner/reflector, local observer). */
  offline: boolean;
  backends: { planner: string; reflector: string; observer: string; embedder: string; model?: string; endpoint?: string; observerModel?: string };
  /** LLM HTTP requests (retries included) and tokens while answering (zero offline). */
  usage: { calls: number; inputTokens: number; outputTokens: number };
  /** What answering cost: model calls, cache hits, frames sent, tokens, latency, per role. */
  cost: CostSummary;
  /** What this call's ingestion cost (ingest captions; zeros when memory was reused or offline). */
  ingestCost: CostSummary;
  /** Every model call made while answering, in the order they finished. */
  modelCalls: ModelCall[];
  video: VideoInfo;
  memory: { directory: string; reused: boolean; events: number; ingestSeconds: number };
  /** Seconds: `ingest` = ingestion or loading memory in this call, `answer` = the agent loop. */
  timings: { ingestSeconds: number; answerSeconds: number; totalSeconds: number };
  trace: TraceEvent[];
}

/** The observer mode a question runs with: settings `observer`, with `auto` resolved. */
export function observerMode(settings: Pick<Settings, 'observer' | 'baseUrl'>, isOnline: boolean): 'local' | 'frames' | 'video' {
  if (!isOnline) return 'local';
  return settings.observer === 'auto' ? 'frames' : settings.observer;
}

/**
 * Answers a question about a video, end to end: ingest (or load) episodic memory, then run the
 * plan–observe–reflect loop within the budget (`maxRounds`, `maxFrames`), stopping early once the
 * reflector is sufficiently sure (`confidenceThreshold`).
 *
 * Offline by default (rule-based planner/reflector, local OCR observer). With `baseUrl` set, the
 * planner and reflector are LLM agents through LangChain `ChatOpenAI` against that
 * OpenAI-compatible endpoint, the observer is a video LLM ({@link VideoLlmObserver}, `observer`
 * setting `frames` or `video`; `local` keeps the OCR observer), and ingestion captions each clip.
 * Every model call is recorded (model, frames sent, tokens, latency) in `cost`, `modelCalls` and
 * the trace, goes through one concurrency limit with retries on 429/5xx/timeouts, and is cached on
 * disk so a rerun of the same question makes no call.
 *
 * @example
 * ```ts
 * import { askVideo } from '@longvid/agents';
 * const result = await askVideo('dev_long.mp4', 'What is the locker number?');
 * console.log(result.answer.answer, result.answer.evidence.map((e) => e.span));
 * await releaseLocalModels(); // optional: stop the worker threads now (Node exits without it)
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
  const endpoint = online(settings, options);
  const offline = endpoint === undefined;
  const ingestLedger = new CostLedger();
  const ingested = await ingestVideo(videoPath, {
    settings,
    ...tools,
    subtitlesPath: options.subtitlesPath,
    onProgress: options.onProgress,
    signal: options.signal,
    captioner: captionerFor(settings, endpoint, videoPath, tools.binaries, ingestLedger.record),
    captionConcurrency: settings.concurrency,
  });
  const answerStarted = performance.now();

  const trace = new Trace(options.onTrace);
  const ledger = new CostLedger((call) => trace.add({ type: 'model-call', call }));
  const mode = observerMode(settings, !offline);
  let planner = options.planner;
  let reflector = options.reflector;
  if (endpoint && (!planner || !reflector)) {
    const llmOptions = {
      model: endpoint.chatModel,
      modelName: settings.model,
      endpoint: settings.baseUrl && redactSecrets(settings.baseUrl),
      maxRetries: settings.maxRetries,
      onCall: ledger.record,
      transport: endpoint.transport,
      callCache: endpoint.callCache,
    };
    const plannerTools: ObserverTool[] = mode === 'local' ? ['ocr', 'subtitles', 'memory'] : ['watch', 'ocr', 'subtitles', 'memory'];
    planner ??= new LlmPlanner({ ...llmOptions, tools: plannerTools });
    reflector ??= new LlmReflector({ ...llmOptions, confidenceThreshold: settings.confidenceThreshold });
  }
  planner ??= new RulePlanner();
  reflector ??= new RuleReflector();
  const localObserver = new LocalObserver({
    videoPath,
    binaries: tools.binaries,
    ocr: tools.ocr,
    detector: tools.detector,
    subtitles: ingested.subtitles,
    memory: ingested.memory,
    frameCacheDir: join(settings.cacheDir, 'frames'),
    videoKey: ingested.videoHash,
  });
  const observer =
    options.observer ??
    (endpoint && mode !== 'local'
      ? new VideoLlmObserver({
          model: endpoint.observerChatModel,
          modelName: endpoint.observerModelName,
          endpoint: settings.baseUrl && redactSecrets(settings.baseUrl),
          videoPath,
          video: ingested.info,
          binaries: tools.binaries,
          videoKey: ingested.videoHash,
          cacheDir: settings.cacheDir,
          mode,
          imageDetail: settings.imageDetail,
          maxFramesPerCall: settings.maxFramesPerCall,
          memory: ingested.memory,
          fallback: localObserver,
          maxRetries: settings.maxRetries,
          transport: endpoint.transport,
          callCache: endpoint.callCache,
          onCall: ledger.record,
        })
      : localObserver);
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
    // What the agents can ask for: a detector for object questions, a video LLM for scene questions.
    hasDetector: options.observer ? undefined : tools.detector !== undefined,
    hasDescriber: options.observer ? undefined : observer !== localObserver,
    confidenceThreshold: settings.confidenceThreshold,
    observeConcurrency: observer === localObserver ? 1 : settings.concurrency,
    signal: options.signal,
  });
  const finished = performance.now();
  const cost = ledger.summary();
  return {
    mode: 'agent',
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
      endpoint: offline || !settings.baseUrl ? undefined : redactSecrets(settings.baseUrl),
      observerModel: offline || observer === localObserver ? undefined : endpoint?.observerModelName,
    },
    usage: { calls: cost.requests, inputTokens: cost.inputTokens, outputTokens: cost.outputTokens },
    cost,
    ingestCost: ingestLedger.summary(),
    modelCalls: [...ledger.calls],
    video: ingested.info,
    memory: { directory: ingested.memoryDirectory, reused: ingested.reused, events: ingested.memory.events().length, ingestSeconds: ingested.ingestSeconds },
    timings: { ingestSeconds: (answerStarted - started) / 1000, answerSeconds: (finished - answerStarted) / 1000, totalSeconds: (finished - started) / 1000 },
    trace: result.trace.events,
  };
}
