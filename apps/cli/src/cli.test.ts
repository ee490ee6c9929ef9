import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spanOverlap } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { cliHarness } from './test-support/cli-harness';
import { askJsonSchema, ingestJsonSchema } from './json-output';

/**
 * End to end, offline, on the real dev_long.mp4 (../shared/data/videos): the questions of the
 * foundation issue, their multiple-choice forms, memory reuse, and bad input.
 */
const video = sharedVideo('dev_long.mp4');
const subtitles = sharedVideo('dev_long.srt');
const workDir = mkdtempSync(join(tmpdir(), 'longvid-cli-'));
const env = { LONGVID_CACHE_DIR: join(workDir, 'cache') };

const cli = cliHarness({ env, cwd: workDir });

async function askJson(...argv: string[]) {
  const run = await cli('ask', ...argv, '--json', '--no-progress');
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return askJsonSchema.parse(JSON.parse(run.stdout));
}

const overlaps = (evidence: { start: number; end: number }[], start: number, end: number) => evidence.some((e) => spanOverlap(e, { start, end }) > 0);

describe('longvid on dev_long.mp4 (offline)', () => {
  let ingestSeconds = 0;

  beforeAll(async () => {
    const run = await cli('ingest', video, '--json', '--no-progress');
    expect(run.code).toBe(0);
    const json = ingestJsonSchema.parse(JSON.parse(run.stdout));
    expect(json.memory.reused).toBe(false);
    expect(json.memory.events).toBeGreaterThanOrEqual(10);
    ingestSeconds = json.ingestSeconds;
  });

  it('answers the locker number, 318, with evidence at 21–24 s, reusing the stored memory', async () => {
    const json = await askJson(video, 'What is the locker number?');
    expect(json.answer).toBe('318');
    expect(overlaps(json.evidence, 21, 24)).toBe(true);
    expect(json.offline).toBe(true);
    expect(json.memory.reused).toBe(true);
    expect(json.timings.ingestSeconds).toBeLessThan(ingestSeconds / 2);
    expect(json.framesObserved).toBeGreaterThan(0);
    expect(json.framesObserved).toBeLessThanOrEqual(96);
  });

  it('answers when the train leaves, 7:45, with evidence at 88.5–91.5 s', async () => {
    const json = await askJson(video, 'What time does the train leave?');
    expect(json.answer).toBe('7:45');
    expect(overlaps(json.evidence, 88.5, 91.5)).toBe(true);
  });

  it('answers where the package is from the subtitles, with evidence at 71–74 s', async () => {
    const json = await askJson(video, 'Where is the package?', '--subtitles', subtitles);
    expect(json.answer.toLowerCase()).toContain('blue van');
    expect(overlaps(json.evidence, 71, 74)).toBe(true);
  });

  it('picks the right option of each question as multiple choice', async () => {
    const locker = await askJson(video, 'What is the locker number?', '--choices', '381|813|318|183');
    expect(locker).toMatchObject({ choiceIndex: 2, choiceLetter: 'C', answer: '318' });
    expect(overlaps(locker.evidence, 21, 24)).toBe(true);
    const train = await askJson(video, 'What time does the train leave?', '--choices', '7:15|8:45|7:45|17:45');
    expect(train).toMatchObject({ choiceIndex: 2, answer: '7:45' });
    expect(overlaps(train.evidence, 88.5, 91.5)).toBe(true);
    const parcel = await askJson(video, 'Where is the package?', '--subtitles', subtitles, '--choices', 'In the red car|In the blue van|On the train|In a locker');
    expect(parcel).toMatchObject({ choiceIndex: 1, answer: 'In the blue van' });
    expect(overlaps(parcel.evidence, 71, 74)).toBe(true);
  });

  it('prints a human answer with mm:ss evidence spans, and writes the trace', async () => {
    const tracePath = join(workDir, 'trace.json');
    const run = await cli('ask', video, 'What is the locker number?', '--trace', tracePath, '--no-progress');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Answer: 318$/m);
    expect(run.stdout).toMatch(/00:2\d–00:2\d {2}ocr: "LOCKER 318"/);
    expect(run.stdout).toContain('Mode: offline');
    const trace = JSON.parse(readFileSync(tracePath, 'utf8')) as { events: { type: string }[] };
    const types = trace.events.map((e) => e.type);
    expect(types[0]).toBe('memory');
    expect(types).toEqual(expect.arrayContaining(['plan', 'observation', 'reflection', 'answer']));
  });

  it('fails with one line naming a missing file', async () => {
    const run = await cli('ask', join(workDir, 'nope.mp4'), 'What is the locker number?', '--no-progress');
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('nope.mp4');
    expect(run.stderr).toMatch(/not found|no such file|does not exist/i);
  });

  it('fails with one line naming a file that is not a video', async () => {
    const notVideo = join(workDir, 'notes.mp4');
    writeFileSync(notVideo, 'these are meeting notes, not a video\n'.repeat(50));
    // With progress on (off a terminal): no `probing...` line before the error about the same file.
    const run = await cli('ask', notVideo, 'What is the locker number?');
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^longvid: error: /);
    expect(run.stderr).toContain('notes.mp4');
    expect(run.stderr).toMatch(/not a video|no video stream|cannot read/i);
  });

  it('fails with one line naming a truncated video', async () => {
    const truncated = join(workDir, 'truncated.mp4');
    const size = statSync(video).size;
    writeFileSync(truncated, readFileSync(video).subarray(0, Math.floor(size / 2)));
    const run = await cli('ask', truncated, 'What is the locker number?', '--no-progress');
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('truncated.mp4');
    expect(run.stderr).toMatch(/truncated|corrupt/i);
  });

  it('fails with one line naming a truncated faststart video (header intact, data cut)', async () => {
    const faststart = join(workDir, 'faststart.mp4');
    const ffmpeg = require.resolve('@ffmpeg-installer/linux-x64/ffmpeg');
    execFileSync(ffmpeg, ['-v', 'error', '-y', '-i', video, '-c', 'copy', '-movflags', '+faststart', faststart]);
    const truncated = join(workDir, 'faststart-cut.mp4');
    copyFileSync(faststart, truncated);
    writeFileSync(truncated, readFileSync(faststart).subarray(0, Math.floor(statSync(faststart).size * 0.6)));
    const run = await cli('ask', truncated, 'What is the locker number?', '--no-progress');
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('faststart-cut.mp4');
    expect(run.stderr).toMatch(/truncated|corrupt/i);
  });

  it('names LONGVID_BASE_URL when the endpoint is unreachable', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address() as { port: number };
        server.close(() => resolve(address.port));
      });
    });
    const run = await cli('ask', video, 'What is the locker number?', '--base-url', `http://127.0.0.1:${port}/v1`, '--no-progress');
    expect(run.code).not.toBe(0);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('LONGVID_BASE_URL');
    expect(run.stderr).toContain(`127.0.0.1:${port}`);
  });

  it('rejects bad usage with exit code 2', async () => {
    const run = await cli('ask', video, 'Which?', '--choices', 'only-one');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^longvid: error: .*at least two options/);
    const workers = await cli('ingest', video, '--workers', 'two');
    expect(workers.code).toBe(2);
    expect(workers.stderr).toMatch(/^longvid: error: .*--workers/);
    const missing = await cli('ingest');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^longvid: error: missing required argument 'video'/);
  });
});
