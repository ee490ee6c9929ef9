import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startScriptedOpenAIServer } from '@longvid/agents/testing';
import { sharedVideo } from '@longvid/core/testing';
import { cliHarness } from './test-support/cli-harness';

/**
 * Bad paths, hostile file names and a hostile endpoint on the real sam2_02_cups.mp4: every failure
 * is one line naming the path and the fix, found before any work; nothing from a file or an
 * endpoint reaches the terminal as an escape sequence; the API key is never printed.
 */
const video = sharedVideo('sam2_02_cups.mp4');
const workDir = mkdtempSync(join(tmpdir(), 'longvid-hostile-'));

const oneLine = (text: string) => text.trimEnd().split('\n').length === 1 && !text.includes('\u001b');

describe('longvid with bad paths and hostile input', () => {
  it('a cache directory that is a file fails at once with one line naming it and LONGVID_CACHE_DIR', async () => {
    const file = join(workDir, 'not-a-dir');
    writeFileSync(file, 'x');
    const started = performance.now();
    const run = await cliHarness({ env: { LONGVID_CACHE_DIR: file } })('ask', video, 'How many cups?', '--no-progress');
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toBe(true);
    expect(run.stderr).toContain(`cache directory ${file}`);
    expect(run.stderr).toMatch(/ENOTDIR|EEXIST/);
    expect(run.stderr).toContain('LONGVID_CACHE_DIR');
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('a trace path in a missing directory fails before any work, naming --trace', async () => {
    const cacheDir = join(workDir, 'cache-trace');
    const run = await cliHarness({ env: { LONGVID_CACHE_DIR: cacheDir } })('ask', video, 'How many cups?', '--trace', '/nonexistent/dir/t.json', '--no-progress');
    expect(run.code).toBe(1);
    expect(oneLine(run.stderr)).toBe(true);
    expect(run.stderr).toContain('trace file /nonexistent/dir/t.json cannot be written');
    expect(run.stderr).toContain('ENOENT');
    expect(run.stderr).toContain('--trace');
    // No work was done: nothing was ingested.
    expect(existsSync(cacheDir)).toBe(false);
  });

  it('rejects duplicate --choices as bad usage', async () => {
    const run = await cliHarness({ env: { LONGVID_CACHE_DIR: join(workDir, 'cache') } })('ask', video, 'How many cups?', '--choices', '3|2|3');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the option "3" is given twice');
  });

  it('shows escape sequences and newlines in a file name escaped, on one line', async () => {
    const run = await cliHarness({ env: { LONGVID_CACHE_DIR: join(workDir, 'cache') } })('ask', video, 'How many cups?', '--subtitles', join(workDir, 'evil\u001b[2J\u001b]0;pwned\u0007\nname.srt'), '--no-progress');
    expect(run.code).not.toBe(0);
    expect(oneLine(run.stderr)).toBe(true);
    expect(run.stderr).toContain('evil\\x1b[2J\\x1b]0;pwned\\x07\\nname.srt');
  });

  it('never prints the API key an endpoint echoes back in its error', async () => {
    const key = 'sk-test-0123456789abcdefSECRET';
    const server = await startScriptedOpenAIServer((request) => ({ status: 400, body: { error: { message: `bad request from Authorization: ${String(request.headers.authorization)}\u001b[31m` } } }));
    try {
      const env = { LONGVID_CACHE_DIR: join(workDir, 'cache-online'), LONGVID_BASE_URL: server.baseUrl, LONGVID_API_KEY: key, LONGVID_MAX_RETRIES: '0', LONGVID_INGEST_CAPTIONS: 'false' };
      const run = await cliHarness({ env })('ask', video, 'How many cups?', '--no-progress', '--workers', '0');
      expect(server.requests.length).toBeGreaterThan(0);
      expect(server.requests[0].headers.authorization).toBe(`Bearer ${key}`);
      expect(run.code).toBe(1);
      expect(oneLine(run.stderr)).toBe(true);
      expect(run.stderr).toContain('HTTP 400');
      expect(run.stderr).not.toContain(key);
      expect(run.stderr).not.toContain('SECRET');
      expect(run.stderr).toContain('[redacted]');
    } finally {
      await server.close();
    }
  });
});
