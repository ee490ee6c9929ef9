import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scriptedVideoModel, startScriptedOpenAIServer } from '@longvid/agents/testing';
import { sharedVideo } from '@longvid/core/testing';
import { runLongvid, runProcess, type ProcessRun } from './test-support/process-harness';

/**
 * The built `longvid` (and a script calling `askVideo`) as real child processes, on real clips
 * with the default settings (the perception worker pool included): each command ends as soon as
 * its work is done, on success, on error and when cancelled, and leaves nothing in the temporary
 * directory or under `~/.cache/Microsoft` (both pointed at fresh folders for the children).
 */

/** Longest time a command may take from its last line of output to its exit, ms. */
const EXIT_AFTER_LAST_LINE_MS = 3000;

const workDir = mkdtempSync(join(tmpdir(), 'longvid-process-'));
const childTmp = join(workDir, 'tmp');
const childHome = join(workDir, 'home');
mkdirSync(childTmp);
mkdirSync(childHome);
const agentsDist = join(__dirname, '..', '..', '..', 'packages', 'agents', 'dist', 'index.js');

/** The environment of every child: only what a user's shell would give, with its own cache, home and temp folders. */
function environment(cacheName: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  return { PATH: process.env.PATH, HOME: childHome, TMPDIR: childTmp, LONGVID_CACHE_DIR: join(workDir, cacheName), ...extra };
}

function segments(cacheName: string): string[] {
  const root = join(workDir, cacheName, 'checkpoints');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((dir) => readdirSync(join(root, dir)).filter((name) => /^segment-\d+\.json$/.test(name)));
}

/** Ingestion stats of the memory a run printed (`Stored in <dir>`). */
function storedStats(run: ProcessRun): Record<string, number> {
  const directory = /Stored in (.+)/.exec(run.stdout)?.[1];
  if (!directory) throw new Error(`no memory directory in: ${run.stdout}`);
  return (JSON.parse(readFileSync(join(directory.trim(), 'manifest.json'), 'utf8')) as { stats: Record<string, number> }).stats;
}

function expectPromptExit(run: ProcessRun): void {
  expect(run.signal).toBeNull();
  expect(run.lastOutputToExitMs).toBeLessThan(EXIT_AFTER_LAST_LINE_MS);
}

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('longvid as a child process', () => {
  const talkingHead = sharedVideo('sadtalker_WDA_AlexandriaOcasioCortez_000.mp4');
  const devLong = sharedVideo('dev_long.mp4');

  it('ingests a clip with an audio track and exits at once', async () => {
    // --no-progress: under load a progress line may reach stderr before the clip is done; no other output may.
    const run = await runLongvid(['ingest', talkingHead, '--no-progress'], { env: environment('talking-head') });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Memory built: \d+ events/);
    expect(storedStats(run).speechSegments).toBeGreaterThan(0);
    expectPromptExit(run);
  });

  it('rebuilds memory from complete checkpoints (no keyframe for the workers) and exits at once', async () => {
    // Subtitles change the memory but not the keyframe checkpoints of the previous test.
    const run = await runLongvid(['ingest', talkingHead, '--subtitles', sharedVideo('dev_long.srt')], { env: environment('talking-head') });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Memory built/);
    expect(storedStats(run).resumedSegments).toBe(1);
    expectPromptExit(run);
  });

  it('fails on an unreachable endpoint with one error line and exits at once', async () => {
    const run = await runLongvid(['ask', sharedVideo('sam2_bedroom.mp4'), 'What is on the bed?', '--base-url', 'http://127.0.0.1:9/v1'], {
      env: environment('unreachable', { LONGVID_MAX_RETRIES: '0' }),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^longvid: error: cannot reach the OpenAI-compatible endpoint at http:\/\/127\.0\.0\.1:9\/v1.*LONGVID_BASE_URL/)]);
    expectPromptExit(run);
  });

  it('fails when the cache directory is a file, without leaving its ffmpeg child running', async () => {
    // The first checkpoint cannot be written while ffmpeg is still decoding the rest of the video.
    const notADirectory = join(workDir, 'cache-file');
    writeFileSync(notADirectory, 'not a directory\n');
    const run = await runLongvid(['ingest', devLong, '--no-progress'], { env: { ...environment('unused'), LONGVID_CACHE_DIR: notADirectory } });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^longvid: error: .*cache-file/)]);
    expectPromptExit(run);
  });

  it('stops on SIGINT mid-ingest with exit 130, keeps the finished checkpoint, and resumes from it', async () => {
    const cancelled = await runLongvid(['ingest', devLong], { env: environment('interrupted'), interrupt: () => (segments('interrupted').length > 0 ? 'SIGINT' : undefined) });
    expect(cancelled.code).toBe(130);
    expect(cancelled.stdout).toBe('');
    expect(cancelled.stderr.trim().split('\n').pop()).toBe('longvid: cancelled; ingestion resumes from 01:00 next time');
    expectPromptExit(cancelled);
    expect(segments('interrupted')).toEqual(['segment-000000.json']);

    const resumed = await runLongvid(['ingest', devLong, '--no-progress'], { env: environment('interrupted') });
    expect(resumed.code).toBe(0);
    expect(storedStats(resumed).resumedSegments).toBe(1);
    expectPromptExit(resumed);
  });

  it('stops on SIGTERM with exit 143', async () => {
    // Sent once the models are loaded and the video is being read.
    const run = await runLongvid(['ingest', devLong, '--no-progress'], { env: environment('terminated'), interrupt: ({ elapsedMs }) => (elapsedMs > 2500 ? 'SIGTERM' : undefined) });
    expect(run.code).toBe(143);
    expect(run.stderr).toMatch(/^longvid: cancelled(; ingestion resumes from 0\d:00 next time)?\n$/);
    expectPromptExit(run);
  });

  it('lets a script that awaits askVideo exit by itself', async () => {
    const script = join(workDir, 'ask-script.js');
    writeFileSync(
      script,
      `const { askVideo } = require(${JSON.stringify(agentsDist)});
askVideo(${JSON.stringify(sharedVideo('sam2_bedroom.mp4'))}, 'What is on the bed?').then((result) => console.log('answer:', result.answer.answer));\n`,
    );
    const run = await runProcess([script], { env: environment('library') });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^answer: /);
    expectPromptExit(run);
  });

  it('lets a script that asks through an endpoint (HTTP connections, the call limiter) exit by itself', async () => {
    const server = await startScriptedOpenAIServer(scriptedVideoModel());
    try {
      const script = join(workDir, 'ask-online-script.js');
      writeFileSync(
        script,
        `const { askVideo } = require(${JSON.stringify(agentsDist)});
askVideo(${JSON.stringify(sharedVideo('sam2_bedroom.mp4'))}, 'What is on the bed?').then((result) => console.log('calls:', result.usage.calls));\n`,
      );
      const run = await runProcess([script], { env: environment('library-online', { LONGVID_BASE_URL: server.baseUrl, LONGVID_MODEL: 'scripted-vlm', LONGVID_API_KEY: 'test-key' }) });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(Number(/^calls: (\d+)/.exec(run.stdout)?.[1])).toBeGreaterThan(0);
      expectPromptExit(run);
    } finally {
      await server.close();
    }
  });

  it('left nothing in the temporary directory and no onnxruntime telemetry under the home directory', () => {
    expect(readdirSync(childTmp)).toEqual([]);
    expect(existsSync(join(childHome, '.cache', 'Microsoft'))).toBe(false);
  });
});
