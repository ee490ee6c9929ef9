/**
 * Maps failures of calls to OpenAI-compatible endpoints (fetch, the `openai` SDK under LangChain) to
 * {@link LongVidError}s whose hints name the settings to fix.
 */
import { LongVidError } from '@longvid/core';

/**
 * The {@link LongVidError} for a failed endpoint call: `ABORTED` for an aborted request,
 * `ENDPOINT_ERROR` for an HTTP error status (401/403 → the API key, 404 → the model name / base
 * URL), `ENDPOINT_UNREACHABLE` for connection failures and timeouts, else `ENDPOINT_ERROR`.
 * A LongVidError is returned as is.
 * @param endpoint The URL called, named in the message and `details`.
 * @param modelSetting The setting naming the model, for 404 hints (e.g. `LONGVID_EMBEDDING_MODEL`).
 */
export function endpointError(error: unknown, endpoint: string, modelSetting = 'LONGVID_MODEL'): LongVidError {
  if (LongVidError.is(error)) return error;
  const failure = error as { message?: string; status?: number; code?: string; name?: string; cause?: { code?: string; message?: string } } | undefined;
  const message = failure?.message ?? String(error);
  if (failure?.name === 'AbortError' || /\baborted\b/i.test(message)) {
    return new LongVidError('ABORTED', 'the request was aborted', { details: { endpoint }, cause: error });
  }
  const status = failure?.status;
  if (status === 401 || status === 403) {
    return new LongVidError('ENDPOINT_ERROR', `${endpoint} refused the API key (HTTP ${status})`, {
      details: { endpoint, status },
      hint: 'set LONGVID_API_KEY (or OPENAI_API_KEY) to a valid key',
      cause: error,
    });
  }
  if (status === 404) {
    return new LongVidError('ENDPOINT_ERROR', `${endpoint} answered 404: ${message}`, {
      details: { endpoint, status },
      hint: `check ${modelSetting} (the model name) and LONGVID_BASE_URL (it usually ends in /v1)`,
      cause: error,
    });
  }
  if (status !== undefined) {
    return new LongVidError('ENDPOINT_ERROR', `${endpoint} failed with HTTP ${status}: ${message}`, { details: { endpoint, status }, cause: error });
  }
  const text = `${message} ${failure?.code ?? ''} ${failure?.cause?.code ?? ''} ${failure?.cause?.message ?? ''}`;
  if (/connection|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|fetch failed|socket|timed? ?out|ETIMEDOUT|UND_ERR/i.test(text)) {
    return new LongVidError('ENDPOINT_UNREACHABLE', `cannot reach the OpenAI-compatible endpoint at ${endpoint}: ${message}`, {
      details: { endpoint },
      hint: 'fix LONGVID_BASE_URL (--base-url), start the server, or unset it to run offline',
      cause: error,
    });
  }
  return new LongVidError('ENDPOINT_ERROR', `${endpoint} failed: ${message}`, { details: { endpoint }, cause: error });
}

/**
 * Checks the settings of an OpenAI-compatible model endpoint before any call.
 * @param what The endpoint's purpose in messages (`embeddings`, `transcription`).
 * @param baseUrl Must be an http(s) URL.
 * @param model Must be non-empty; `setting`/`environment` name where it is set, `example` a value.
 * @throws LongVidError `BAD_SETTING` naming the setting to fix.
 */
export function checkEndpointSettings(what: string, baseUrl: string | undefined, model: string | undefined, modelSetting: { setting: string; environment: string; example: string }): void {
  if (!/^https?:\/\//i.test(baseUrl ?? '')) {
    throw new LongVidError('BAD_SETTING', `the ${what} endpoint base URL must be an http(s) URL, got ${JSON.stringify(baseUrl)}`, {
      details: { baseUrl },
      hint: 'set LONGVID_BASE_URL (--base-url), e.g. http://localhost:8000/v1',
    });
  }
  if (!model) {
    throw new LongVidError('BAD_SETTING', `no ${what} model is configured`, {
      details: { setting: modelSetting.setting },
      hint: `set the setting \`${modelSetting.setting}\` (env ${modelSetting.environment}), e.g. ${modelSetting.example}`,
    });
  }
}

