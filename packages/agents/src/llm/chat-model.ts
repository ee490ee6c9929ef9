import { ChatOpenAI } from '@langchain/openai';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Settings, VideoInfo } from '@longvid/core';
import type { FfmpegBinaries } from '@longvid/video';
import { LongVidError } from '@longvid/core';

/**
 * Creates a LangChain `ChatOpenAI` for any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama)
 * from settings: `baseUrl`, `apiKey`, `model` (or `modelName` when given), `timeoutMs`.
 * The client itself does not retry (`maxRetries: 0`): retries with backoff on 429/5xx/timeouts
 * are done by {@link invokeWithRetries}, which counts them and holds the concurrency limit.
 * @throws LongVidError `BAD_SETTING` when `baseUrl` is unset.
 */
export function createChatModel(settings: Pick<Settings, 'baseUrl' | 'apiKey' | 'model' | 'timeoutMs' | 'maxRetries'>, modelName: string = settings.model): ChatOpenAI {
  if (!settings.baseUrl) {
    throw new LongVidError('BAD_SETTING', 'no OpenAI-compatible endpoint is configured', { hint: 'set LONGVID_BASE_URL (--base-url), e.g. http://localhost:8000/v1' });
  }
  return new ChatOpenAI({
    model: modelName,
    apiKey: settings.apiKey ?? 'not-needed',
    temperature: 0,
    maxRetries: 0,
    timeout: settings.timeoutMs,
    configuration: { baseURL: settings.baseUrl },
  });
}

/** What a video-LLM backend (observer, captioner) is given: the model, the video and where to cache. */
export interface VideoModelOptions {
  /** A LangChain chat model for a vision model; normally `createChatModel(settings, observerModel)`. */
  model: BaseChatModel;
  /** Model name for ids, cost records and cache keys. */
  modelName: string;
  /** Endpoint for error messages. */
  endpoint?: string;
  videoPath: string;
  /** What ffprobe said about the video (duration and size are used). */
  video: VideoInfo;
  binaries: FfmpegBinaries;
  /** Identity of the video in cache keys (its content hash). */
  videoKey: string;
  /** Cache directory: frames, encoded JPEGs, clips. */
  cacheDir: string;
}
