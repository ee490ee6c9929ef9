/**
 * Safe output of text that came from outside (a file, a video, an endpoint): control characters
 * shown escaped so nothing can move the cursor, recolour or rewrite a terminal, and secrets
 * (API keys, `Authorization` values, URL credentials, key-like query parameters) redacted.
 */

/** What a redacted secret is replaced with. */
export const REDACTED = '[redacted]';

// C0 controls (with TAB, LF and CR), DEL, C1 controls, and the Unicode bidi overrides and isolates
// that reorder what a terminal shows (CVE-2021-42574 "Trojan Source").
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text safe to print on one terminal line: every control character (ESC, BEL, backspace, CR, LF,
 * TAB, DEL, C1) and bidi override is shown escaped (`\n`, `\r`, `\t`, `\x1b`, `\u009b`, `\u202e`), the rest
 * is unchanged. With `keepNewlines`, LF is kept (for multi-line output whose lines were built by
 * us). Linear time.
 */
export function terminalSafe(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(UNSAFE_CHARACTERS, (character) => {
    if (character === '\n') return options.keepNewlines ? '\n' : '\\n';
    if (character === '\r') return '\\r';
    if (character === '\t') return '\\t';
    const code = character.charCodeAt(0);
    // C0 as `\\x1b`; DEL, C1 and bidi as `\\u009b` (also a valid escape inside a JSON string).
    return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

// Query parameters whose value is a credential (`?api-key=…`, `&access_token=…`, `sig=…`).
const SECRET_PARAMETER = /([?&;](?:[\w.-]*(?:key|token|secret|password|passwd|pwd|signature|sig|auth|credential)[\w.-]*)=)[^&#\s"'<>]+/gi;
// `scheme://user:password@host` and `scheme://token@host`.
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@"'<>]+@/gi;
// `Authorization: Bearer …`, `"authorization":"…"`, `Bearer …`, `Basic …`, `x-api-key: …`, `api-key: …`.
const AUTHORIZATION = /\b((?:proxy-)?authorization|x-api-key|api[-_]?key)(["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|token)\s+)?[^\s"',;}&#]+/gi;
const BEARER = /\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
// Key-shaped tokens of common providers: OpenAI `sk-…`, Anthropic `sk-ant-…`, Hugging Face `hf_…`, GitHub `ghp_…`.
const KEY_SHAPED = /\b(?:sk-[A-Za-z0-9_-]{16,}|hf_[A-Za-z0-9]{16,}|gh[pousr]_[A-Za-z0-9]{20,})/g;

/**
 * Text with secrets replaced by {@link REDACTED}: each of `knownSecrets` (e.g. the configured API
 * key) wherever it appears, `Authorization`/`x-api-key`/`api-key` values, `Bearer`/`Basic`
 * credentials, credentials in URLs (`https://user:pass@host`), key-like query parameters
 * (`?api-key=…`, `&token=…`, `&sig=…`) and provider-shaped keys (`sk-…`, `hf_…`, `ghp_…`).
 * Secrets shorter than 4 characters in `knownSecrets` are ignored (they would redact ordinary words).
 */
export function redactSecrets(text: string, knownSecrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(URL_CREDENTIALS, `$1${REDACTED}@`)
    .replace(SECRET_PARAMETER, `$1${REDACTED}`)
    .replace(AUTHORIZATION, `$1$2${REDACTED}`)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(KEY_SHAPED, REDACTED);
}

/** {@link redactSecrets} then {@link terminalSafe}: what every string from outside goes through before a terminal. */
export function safeLine(text: string, knownSecrets: readonly (string | undefined)[] = []): string {
  return terminalSafe(redactSecrets(text, knownSecrets));
}
