import type { FfmpegBinaries } from '@longvid/video';
import { createSession, type AskResult, type IngestVideoResult, type SessionAskOptions, type SessionIngestOptions, type SessionOptions, type SessionUniformOptions } from './session';
import type { UniformAskResult } from './uniform';

/** Options of {@link ingest}: a session's options and the ingestion's. */
export interface IngestVideoOptions extends SessionOptions, SessionIngestOptions {}

/** Options of {@link askVideo}: a session's options and the question's. */
export interface AskOptions extends SessionOptions, SessionAskOptions {}

/** Options of {@link askUniform}: a session's options and the baseline's. */
export interface UniformAskOptions extends SessionOptions, SessionUniformOptions {
  /** Replace ffmpeg/ffprobe resolution. */
  binaries?: FfmpegBinaries;
}

/**
 * Ingests a video into episodic memory (or loads the stored memory): a one-call convenience over
 * `createSession(options).ingest(videoPath, options)`. When an endpoint is set (and
 * `ingestCaptions` is on) each clip is also captioned by the video LLM and the narrative layer written.
 * @throws LongVidError for a bad video, subtitle file, setting or model; endpoint errors; `ABORTED`.
 */
export function ingest(videoPath: string, options: IngestVideoOptions = {}): Promise<IngestVideoResult> {
  return createSession(options).ingest(videoPath, options);
}

/**
 * Answers a question about a video, end to end — a one-call convenience over
 * `createSession(options).ask(videoPath, question, options)`: ingest (or load) episodic memory,
 * then run the plan–observe–reflect loop within the budget (`maxRounds`, `maxFrames`), stopping
 * early once the reflector is sufficiently sure (`confidenceThreshold`).
 *
 * Offline by default (rule-based planner/reflector, local OCR observer). With `baseUrl` set, the
 * planner and reflector are LLM agents through LangChain `ChatOpenAI` against that
 * OpenAI-compatible endpoint, the observer is a video LLM (`VideoLlmObserver`, `observer`
 * setting `frames` or `video`; `local` keeps the OCR observer), and ingestion captions each clip.
 * Every model call is recorded (model, frames sent, tokens, latency) in `cost`, `modelCalls` and
 * the trace, goes through one concurrency limit with retries on 429/5xx/timeouts, and is cached on
 * disk so a rerun of the same question makes no call. The local models stay loaded for the next
 * call (`releaseLocalModels` frees them).
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
export function askVideo(videoPath: string, question: string, options: AskOptions = {}): Promise<AskResult> {
  return createSession(options).ask(videoPath, question, options);
}

/**
 * The uniform baseline (`frames` frames spread evenly over the whole video), a one-call
 * convenience over `createSession(options).askUniform(...)`: online sent once to the video LLM,
 * offline read by the local observer in one round of the loop. See the session's `askUniform`.
 * @throws LongVidError `BAD_INPUT` (frames below 1, empty question, fewer than two choices), video
 *   and endpoint errors, `MALFORMED_LLM_REPLY`, `ABORTED`.
 */
export function askUniform(videoPath: string, question: string, options: UniformAskOptions): Promise<AskResult | UniformAskResult> {
  const tools = options.binaries ? { ...options.tools, binaries: options.binaries } : options.tools;
  return createSession({ ...options, tools }).askUniform(videoPath, question, options);
}
