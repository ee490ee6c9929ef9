import { redactSecrets, safeLine, terminalSafe } from './safe-text';

describe('safe output', () => {
  it('shows control characters and bidi overrides escaped, on one line', () => {
    expect(terminalSafe('a\u001b[2Jb\nc\rd\te\u0007f\u007fg\u009bh\u202ei')).toBe('a\\x1b[2Jb\\nc\\rd\\te\\x07f\\u007fg\\u009bh\\u202ei');
    expect(terminalSafe('line 1\nline 2', { keepNewlines: true })).toBe('line 1\nline 2');
    expect(terminalSafe('LOCKER 318 · 7:45 é 日本')).toBe('LOCKER 318 · 7:45 é 日本');
    // Still a valid JSON string once escaped (the --json output goes through it).
    expect(JSON.parse(terminalSafe(JSON.stringify('x\u009by\u202ez')))).toBe('x\u009by\u202ez');
  });

  it('redacts API keys, Authorization values, URL credentials and key-like query parameters', () => {
    expect(redactSecrets('echo: Authorization: Bearer abcdefghijklmnop')).toBe('echo: Authorization: [redacted]');
    expect(redactSecrets('{"authorization":"Bearer abcdefghijklmnop","x":1}')).toBe('{"authorization":"[redacted]","x":1}');
    expect(redactSecrets('https://user:hunter2@example.com/v1')).toBe('https://[redacted]@example.com/v1');
    expect(redactSecrets('https://example.com/v1?api-key=abc123&model=m&access_token=t0k&sig=zz')).toBe('https://example.com/v1?api-key=[redacted]&model=m&access_token=[redacted]&sig=[redacted]');
    expect(redactSecrets('key sk-proj-abcdefghijklmnopqrstuv given')).toBe('key [redacted] given');
    expect(redactSecrets('the key my-own-key-9 leaked', ['my-own-key-9'])).toBe('the key [redacted] leaked');
    expect(redactSecrets('set LONGVID_API_KEY (or OPENAI_API_KEY) to a valid key')).toBe('set LONGVID_API_KEY (or OPENAI_API_KEY) to a valid key');
    expect(safeLine('x-api-key: s3cr3t\u001b[0m')).toBe('x-api-key: [redacted]');
  });
});
