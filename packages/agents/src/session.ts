import { join, resolve as resolvePath } from 'node:path';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Answer, ModelCall, ObserverTool, OnProgress, Resolution, Settings, TraceEvent, VideoInfo } from '@longvid/core';
import { Budget, LongVidError, loadSettings, redactSecrets, Trace } from '@longvid/core';
import type { ClipCaptioner, IngestBackends, IngestResult, LocalTools } from '@longvid/ingest';
import { createLocalTools, ingestVideo, releaseLocalModels } from '@longvid/ingest';
import type { MemoryStore } from '@longvid/memory';
import type { FfmpegBinaries } from '@longvid/video';
import { probeVideo, resolveFfmpeg } from '@longvid/video';
import { LlmPlanner, LlmReflector } from './backends/llm-agents';
import { LocalObserver } from './backends/local-observer';
import { RulePlanner, RuleReflector } from './backends/rule-based';
import { ObservedEvidenceReflector, UniformPlanner } from './backends/uniform';
import { VideoLlmCaptioner } from './backends/video-llm-captioner';
import { VideoLlmObserver } from './backends/video-llm-observer';
import { createChatModel } from './llm/chat-model';
import { CostLedger, type CostSummary } from './llm/call-cost';
import { ModelCallCache } from './llm/model-call-cache';
import { ConcurrencyLimiter, type TransportOptions } from './llm/model-transport';
import { createLibraryOperations, type LibraryOperations } from './library/library-session';
import { runAgentLoop } from './loop';
import type { ObserverBackbone, Planner, Reflector } from './spec/interfaces';
import { TOOL_CATALOGUE } from './spec/tools';
import { uniformBaseline, type UniformAskResult } from './uniform';

/** Options of {@link createSession}. */
export interface SessionOptions {
  /** Setting overrides (they win over env and config file). */
  settings?: Partial<Settings>;
  /** Fully resolved settings; when given, `settings` and the environment are not read. */
  resolvedSettings?: Settings;
  /** Replace local tools (tests, custom models); the rest are loaded from the settings. */
  tools?: Partial<LocalTools>;
  /** Force offline (local models and rule-based agents) even when an endpoint is configured. */
  offline?: boolean;
  /** Use the on-disk cache of model calls under `<cacheDir>/model-calls` (default true). */
  callCache?: boolean;
  /** Override how model calls are retried (tests use short backoffs); the limiter is the session's. */
  transport?: Partial<Omit<TransportOptions, 'limiter'>>;
  /** Replace the chat model of every LLM role (tests, custom backends). */
  chatModel?: BaseChatModel;
}

/** Options of {@link Session.ingest}. */
export interface SessionIngestOptions {
  /** Subtitle sidecar (.srt or .vtt). */
  subtitlesPath?: string;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** What {@link Session.ingest} returns: the ingestion and what its model calls (captions, narrative) cost. */
export interface IngestVideoResult extends IngestResult {
  /** Calls made by this ingestion (captions and narrative when an endpoint is set; zeros otherwise or when memory was reused). */
  cost: CostSummary;
}

/**
 * What an agent factory is given for one question: the settings, the ingested video, the local
 * tools, the model-call recorder of the question, and the session's default agents (built on
 * demand), so a factory can wrap or replace one of them.
 */
export interface AgentContext {
  settings: Settings;
  /** True when no endpoint is used. */
  offline: boolean;
  videoPath: string;
  /** The ingested video: probe, content hash, memory, subtitles. */
  video: IngestVideoResult;
  tools: LocalTools;
  /** The observer mode (`observer` setting, `auto` resolved). */
  mode: 'local' | 'frames' | 'video';
  /** Records one model call of this question (cost ledger and trace). */
  onCall: (call: ModelCall) => void;
  /** The planner the session would use: LLM online, rule-based offline. */
  defaultPlanner(): Planner;
  /** The reflector the session would use: LLM online, rule-based offline. */
  defaultReflector(): Reflector;
  /** The observer the session would use: the video-LLM observer online (modes `frames`/`video`), else {@link localObserver}. */
  defaultObserver(): ObserverBackbone;
  /** The local observer (OCR, detector, subtitles, memory) of this video. */
  localObserver(): LocalObserver;
}

/** An agent, or a factory that makes it for one question from its {@link AgentContext}. */
export type AgentFactory<T> = T | ((context: AgentContext) => T);

/** Options of {@link Session.ask}. */
export interface SessionAskOptions extends SessionIngestOptions {
  /** Multiple-choice options (without letters). */
  choices?: string[];
  /** Called with each trace event as it happens. */
  onTrace?: (event: TraceEvent) => void;
  /** Replace the planner, reflector or observer (an instance or a factory). */
  planner?: AgentFactory<Planner>;
  reflector?: AgentFactory<Reflector>;
  observer?: AgentFactory<ObserverBackbone>;
  /** Budget for this question (default the `maxRounds` and `maxFrames` settings). */
  budget?: { maxRounds?: number; maxFrames?: number };
  /**
   * Answer from this stored memory of the video instead of ingesting it (a library's memory: the
   * embedded one of the cache directory, or PostgreSQL): the file is only probed. The memory must
   * have been built with the session's embedder (`MEMORY_MISMATCH` otherwise).
   */
  memory?: MemoryStore;
}

/** The result of {@link Session.ask}. */
export interface AskResult {
  /** `agent`: the plan–observe–reflect loop; `uniform`: the uniform baseline run through it offline. */
  mode: 'agent' | 'uniform';
  answer: Answer;
  /** Rounds of plan–observe–reflect used. */
  rounds: number;
  /** Frames the observer looked at while answering (ingestion keyframes not included). */
  framesUsed: number;
  /** True when no endpoint was used (rule-based planner/reflector, local observer). */
  offline: boolean;
  /**
   * Every model used, by role: the ingestion's (`ocr`, `detector`, `vad`, `recognizer`, `embedder`,
   * `captioner`; null where none was used, see `IngestBackends` of `@longvid/ingest`; all null for
   * the uniform baseline) and the question's (`planner`, `reflector`, `observer`, the chat `model`
   * and `endpoint`, the observer's `observerModel`).
   */
  backends: Record<Exclude<keyof IngestBackends, 'embedder'>, string | null> & { planner: string; reflector: string; observer: string; embedder: string; model?: string; endpoint?: string; observerModel?: string };
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

/** Options of {@link Session.askUniform}. */
export interface SessionUniformOptions extends SessionIngestOptions {
  /** Frames sampled uniformly over the whole video (≥ 1). */
  frames: number;
  /** Frame resolution (default `medium`, 640 px). */
  resolution?: Resolution;
  /** Multiple-choice options (without letters). */
  choices?: string[];
  onTrace?: (event: TraceEvent) => void;
  /** Replace the observer (offline baseline only; e.g. one that reuses identical requests). */
  observer?: AgentFactory<ObserverBackbone>;
}

/**
 * One composition root: settings, local models, the endpoint's chat models, one concurrency
 * limit and one call cache for every question asked through it, about one video or across a
 * library of videos ({@link LibraryOperations}: `library`, `addToLibrary`, `askLibrary`, `searchLibrary`).
 */
export interface Session extends LibraryOperations {
  readonly settings: Settings;
  /** True when no endpoint is used (no `baseUrl` and no chat model, or `offline`). */
  readonly offline: boolean;
  /** The tools (ffmpeg, OCR, embedder, detector, voice activity, speech recognizer), loaded once. */
  tools(): Promise<LocalTools>;
  /**
   * Ingests a video into episodic memory (or loads the stored memory); online (with
   * `ingestCaptions`) clips are captioned and the narrative layer written by the video LLM.
   * @throws LongVidError for a bad video, subtitle file, setting or model; endpoint errors; `ABORTED`.
   */
  ingest(videoPath: string, options?: SessionIngestOptions): Promise<IngestVideoResult>;
  /**
   * Answers a question: ingest (or load) memory, then the plan–observe–reflect loop with the
   * session's agents, or those the options give (instances or factories).
   * @throws LongVidError `BAD_INPUT` (empty question, fewer than two choices, a choice given twice), ingestion errors,
   *   endpoint errors, `MALFORMED_LLM_REPLY`, `ABORTED`.
   */
  ask(videoPath: string, question: string, options?: SessionAskOptions): Promise<AskResult>;
  /**
   * The uniform baseline, the one the CLI (`--uniform N`) and the eval runner (`uniform-N`) use:
   * `frames` frames sampled uniformly over the whole video. Online: sent once to the video LLM,
   * which answers directly (no memory). Offline: one round of the loop whose planner reads the N
   * frames with the local observer and whose reflector sees only what they showed.
   * @throws LongVidError `BAD_INPUT` (frames below 1, fewer than two choices, a choice given twice), as {@link ask}.
   */
  askUniform(videoPath: string, question: string, options: SessionUniformOptions): Promise<AskResult | UniformAskResult>;
  /** Releases the local models and worker threads (see `releaseLocalModels`); idempotent. */
  dispose(): Promise<void>;
}

/** The observer mode a question runs with: settings `observer`, with `auto` resolved. */
export function observerMode(settings: Pick<Settings, 'observer' | 'baseUrl'>, isOnline: boolean): 'local' | 'frames' | 'video' {
  if (!isOnline) return 'local';
  return settings.observer === 'auto' ? 'frames' : settings.observer;
}

/** The endpoint side of a session: models, limiter, cache. */
interface Online {
  chatModel: BaseChatModel;
  observerChatModel: BaseChatModel;
  observerModelName: string;
  transport: TransportOptions;
  callCache?: ModelCallCache;
}

function validateQuestion(question: string, choices: string[] | undefined): void {
  if (!question.trim()) throw new LongVidError('BAD_INPUT', 'the question is empty', { hint: 'ask a question, e.g. "What is the locker number?"' });
  if (choices && choices.length < 2) {
    throw new LongVidError('BAD_INPUT', 'multiple choice needs at least two options', { details: { choices }, hint: 'pass --choices "A|B|C|D"' });
  }
  const seen = new Set<string>();
  for (const choice of choices ?? []) {
    const key = choice.trim().toLowerCase();
    if (seen.has(key)) throw new LongVidError('BAD_INPUT', `the option ${JSON.stringify(choice)} is given twice`, { details: { choices }, hint: 'give each option once' });
    seen.add(key);
  }
}

function resolve<T>(factory: AgentFactory<T> | undefined, context: AgentContext): T | undefined {
  return typeof factory === 'function' ? (factory as (context: AgentContext) => T)(context) : factory;
}

/**
 * Creates a session: the one place where settings become models and agents. Offline by default
 * (rule-based planner and reflector, local observer); with `baseUrl` set (or `chatModel` given)
 * the planner and reflector are LLM agents, the observer a video LLM (`observer` setting), and
 * ingestion captions clips. All the session's model calls share one concurrency limit
 * (`concurrency`), one retry policy and one on-disk call cache. Local models load on first use.
 * @throws LongVidError `BAD_SETTING` for a bad setting (from the settings loader).
 */
export function createSession(options: SessionOptions = {}): Session {
  const settings = options.resolvedSettings ?? loadSettings({ overrides: options.settings }).settings;
  const isOffline = options.offline === true || (!settings.baseUrl && !options.chatModel);
  let endpoint: Online | undefined;
  const online = (): Online | undefined => {
    if (isOffline) return undefined;
    if (!endpoint) {
      const chatModel = options.chatModel ?? createChatModel(settings);
      const observerModelName = settings.observerModel ?? settings.model;
      endpoint = {
        chatModel,
        observerChatModel: options.chatModel ?? (observerModelName === settings.model ? chatModel : createChatModel(settings, observerModelName)),
        observerModelName,
        transport: { maxRetries: settings.maxRetries, timeoutMs: settings.timeoutMs, structuredOutput: settings.structuredOutput, ...options.transport, limiter: new ConcurrencyLimiter(settings.concurrency) },
        callCache: options.callCache === false ? undefined : new ModelCallCache(join(settings.cacheDir, 'model-calls')),
      };
    }
    return endpoint;
  };
  let loaded: Promise<LocalTools> | undefined;
  const tools = (): Promise<LocalTools> => {
    loaded ??= loadTools(settings, options.tools, !isOffline && Boolean(settings.baseUrl));
    loaded.catch(() => (loaded = undefined));
    return loaded;
  };

  const captionerFor = (videoPath: string, binaries: FfmpegBinaries, onCall: (call: ModelCall) => void): ((video: { info: VideoInfo; videoHash: string }) => ClipCaptioner) | undefined => {
    const model = online();
    if (!model || !settings.ingestCaptions) return undefined;
    return ({ info, videoHash }) =>
      new VideoLlmCaptioner({
        model: model.observerChatModel,
        modelName: model.observerModelName,
        endpoint: settings.baseUrl && redactSecrets(settings.baseUrl),
        videoPath,
        video: info,
        binaries,
        videoKey: videoHash,
        cacheDir: settings.cacheDir,
        fps: settings.ingestFps,
        maxFramesPerClip: Math.min(8, settings.maxFramesPerCall),
        maxRetries: settings.maxRetries,
        transport: model.transport,
        callCache: model.callCache,
        onCall,
      });
  };

  const ingest = async (videoPath: string, ingestOptions: SessionIngestOptions = {}): Promise<IngestVideoResult> => {
    const local = await tools();
    const ledger = new CostLedger();
    const result = await ingestVideo(videoPath, {
      settings,
      ...local,
      subtitlesPath: ingestOptions.subtitlesPath,
      onProgress: ingestOptions.onProgress,
      signal: ingestOptions.signal,
      captioner: captionerFor(videoPath, local.binaries, ledger.record),
      captionConcurrency: settings.concurrency,
      transcriptionConcurrency: settings.concurrency,
    });
    return { ...result, cost: ledger.summary() };
  };

  /** A stored memory as an ingestion result: the video probed, the models read from the memory's parameters. */
  const storedMemory = async (videoPath: string, memory: MemoryStore, signal: AbortSignal | undefined): Promise<IngestVideoResult> => {
    const started = performance.now();
    const local = await tools();
    const { params, stats, embedderId, videoHash } = memory.manifest;
    if (embedderId !== local.embedder.embedderId) {
      throw new LongVidError('MEMORY_MISMATCH', `the memory of ${videoPath} was built with the embedder ${embedderId}, this session embeds with ${local.embedder.embedderId}`, {
        details: { path: videoPath, embedderId, sessionEmbedder: local.embedder.embedderId },
        hint: 'ask with the settings the video was ingested with (embeddingModel, baseUrl)',
      });
    }
    const info = await probeVideo(resolvePath(videoPath), local.binaries, { signal });
    const model = (key: string): string | null => (typeof params[key] === 'string' ? (params[key] as string) : null);
    return {
      info,
      videoHash,
      memory,
      memoryDirectory: 'directory' in memory && typeof memory.directory === 'string' ? memory.directory : '',
      reused: true,
      seconds: (performance.now() - started) / 1000,
      ingestSeconds: stats?.ingestSeconds ?? 0,
      subtitles: [],
      backends: { ocr: model('ocr') ?? 'unknown', detector: model('detector'), vad: model('speech'), recognizer: model('transcription'), embedder: embedderId, captioner: model('captions') },
      cost: new CostLedger().summary(),
    };
  };

  const ask = async (videoPath: string, question: string, askOptions: SessionAskOptions = {}, mode: AskResult['mode'] = 'agent'): Promise<AskResult> => {
    const started = performance.now();
    validateQuestion(question, askOptions.choices);
    const local = await tools();
    const model = online();
    const ingested = askOptions.memory ? await storedMemory(videoPath, askOptions.memory, askOptions.signal) : await ingest(videoPath, askOptions);
    const answerStarted = performance.now();
    const trace = new Trace(askOptions.onTrace);
    const ledger = new CostLedger((call) => trace.add({ type: 'model-call', call }));
    const observerKind = observerMode(settings, model !== undefined);
    const endpointName = settings.baseUrl && redactSecrets(settings.baseUrl);
    const llmOptions = model && {
      model: model.chatModel,
      modelName: settings.model,
      endpoint: endpointName,
      maxRetries: settings.maxRetries,
      onCall: ledger.record,
      transport: model.transport,
      callCache: model.callCache,
    };
    let local_: LocalObserver | undefined;
    const localObserver = (): LocalObserver =>
      (local_ ??= new LocalObserver({
        videoPath,
        binaries: local.binaries,
        ocr: local.ocr,
        detector: local.detector,
        subtitles: ingested.subtitles,
        memory: ingested.memory,
        frameCacheDir: join(settings.cacheDir, 'frames'),
        videoKey: ingested.videoHash,
      }));
    // The tools the LLM planner may plan: frames go to a video LLM (`watch`) unless the observer is local; `detect` needs a detector.
    const plannerTools = (Object.keys(TOOL_CATALOGUE) as ObserverTool[]).filter((tool) => (tool === 'watch' ? observerKind !== 'local' : tool === 'detect' ? local.detector !== undefined : true));
    const context: AgentContext = {
      settings,
      offline: model === undefined,
      videoPath,
      video: ingested,
      tools: local,
      mode: observerKind,
      onCall: ledger.record,
      defaultPlanner: () => (llmOptions ? new LlmPlanner({ ...llmOptions, tools: plannerTools }) : new RulePlanner()),
      defaultReflector: () => (llmOptions ? new LlmReflector({ ...llmOptions, confidenceThreshold: settings.confidenceThreshold }) : new RuleReflector()),
      defaultObserver: () =>
        model && observerKind !== 'local'
          ? new VideoLlmObserver({
              model: model.observerChatModel,
              modelName: model.observerModelName,
              endpoint: endpointName,
              videoPath,
              video: ingested.info,
              binaries: local.binaries,
              videoKey: ingested.videoHash,
              cacheDir: settings.cacheDir,
              mode: observerKind,
              imageDetail: settings.imageDetail,
              maxFramesPerCall: settings.maxFramesPerCall,
              memory: ingested.memory,
              fallback: localObserver(),
              maxRetries: settings.maxRetries,
              transport: model.transport,
              callCache: model.callCache,
              onCall: ledger.record,
            })
          : localObserver(),
      localObserver,
    };
    const planner = resolve(askOptions.planner, context) ?? context.defaultPlanner();
    const reflector = resolve(askOptions.reflector, context) ?? context.defaultReflector();
    const given = resolve(askOptions.observer, context);
    const observer = given ?? context.defaultObserver();
    const isLocal = observer === local_;
    const result = await runAgentLoop({
      question,
      choices: askOptions.choices,
      duration: ingested.info.duration,
      memory: ingested.memory,
      embedder: local.embedder,
      planner,
      reflector,
      observer,
      budget: new Budget({ maxRounds: askOptions.budget?.maxRounds ?? settings.maxRounds, maxFrames: askOptions.budget?.maxFrames ?? settings.maxFrames }),
      trace,
      // What the agents can ask for: a detector for object questions, a video LLM for scene questions.
      hasDetector: given ? undefined : local.detector !== undefined,
      hasDescriber: given ? undefined : !isLocal,
      confidenceThreshold: settings.confidenceThreshold,
      observeConcurrency: isLocal ? 1 : settings.concurrency,
      signal: askOptions.signal,
    });
    const finished = performance.now();
    const cost = ledger.summary();
    return {
      mode,
      answer: result.answer,
      rounds: result.rounds,
      framesUsed: result.framesUsed,
      offline: model === undefined,
      backends: {
        ...ingested.backends,
        planner: planner.plannerId,
        reflector: reflector.reflectorId,
        observer: observer.observerId,
        embedder: local.embedder.embedderId,
        model: model ? settings.model : undefined,
        endpoint: model ? endpointName : undefined,
        observerModel: !model || isLocal ? undefined : model.observerModelName,
      },
      usage: { calls: cost.requests, inputTokens: cost.inputTokens, outputTokens: cost.outputTokens },
      cost,
      ingestCost: ingested.cost,
      modelCalls: [...ledger.calls],
      video: ingested.info,
      memory: { directory: ingested.memoryDirectory, reused: ingested.reused, events: (await ingested.memory.events()).length, ingestSeconds: ingested.ingestSeconds },
      timings: { ingestSeconds: (answerStarted - started) / 1000, answerSeconds: (finished - answerStarted) / 1000, totalSeconds: (finished - started) / 1000 },
      trace: result.trace.events,
    };
  };

  const askOne = (videoPath: string, question: string, askOptions?: SessionAskOptions): Promise<AskResult> => ask(videoPath, question, askOptions);
  return {
    settings,
    offline: isOffline,
    tools,
    ingest,
    ask: askOne,
    ...createLibraryOperations({ settings, offline: isOffline, tools, ingest, ask: askOne, validateQuestion }),
    async askUniform(videoPath, question, uniformOptions) {
      if (!Number.isInteger(uniformOptions.frames) || uniformOptions.frames < 1) {
        throw new LongVidError('BAD_INPUT', `--uniform needs a positive number of frames, got ${uniformOptions.frames}`, { details: { frames: uniformOptions.frames }, hint: 'pass e.g. --uniform 32' });
      }
      const model = online();
      if (model) {
        validateQuestion(question, uniformOptions.choices);
        // The online baseline needs ffmpeg only, not the local models.
        const binaries = options.tools?.binaries ?? resolveFfmpeg({ ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath, searchPath: settings.searchPath });
        return uniformBaseline(videoPath, question, { ...uniformOptions, settings, model: model.observerChatModel, modelName: model.observerModelName, transport: model.transport, callCache: model.callCache, binaries });
      }
      return ask(
        videoPath,
        question,
        {
          ...uniformOptions,
          planner: new UniformPlanner({ frames: uniformOptions.frames, resolution: uniformOptions.resolution }),
          reflector: (context) => new ObservedEvidenceReflector(context.defaultReflector()),
          budget: { maxRounds: 1, maxFrames: uniformOptions.frames },
        },
        'uniform',
      );
    },
    dispose: releaseLocalModels,
  };
}

async function loadTools(settings: Settings, given: Partial<LocalTools> | undefined, online: boolean): Promise<LocalTools> {
  const needed = given?.binaries && given.ocr && given.embedder ? undefined : await createLocalTools(settings, online);
  return {
    binaries: given?.binaries ?? needed!.binaries,
    ocr: given?.ocr ?? needed!.ocr,
    embedder: given?.embedder ?? needed!.embedder,
    detector: given && 'detector' in given ? given.detector : needed?.detector,
    voiceActivity: given && 'voiceActivity' in given ? given.voiceActivity : needed?.voiceActivity,
    recognizer: given && 'recognizer' in given ? given.recognizer : needed?.recognizer,
    // The pool holds the default models: used only when the caller replaced neither of them.
    perceptionPool: given && 'perceptionPool' in given ? given.perceptionPool : given?.ocr || (given && 'detector' in given) ? undefined : needed?.perceptionPool,
  };
}
