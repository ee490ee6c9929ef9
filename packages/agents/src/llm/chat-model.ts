import { ChatOpenAI } from '@langchain/openai';
import type { Settings } from '@longvid/core';
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
