import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedVideo } from '@longvid/core/testing';
import { trainingSampleSchema } from '@longvid/training';
import { cliHarness } from '../test-support/cli-harness';

const workDir = mkdtempSync(join(tmpdir(), 'longvid-cli-mvp-'));
const env = { LONGVID_CACHE_DIR: join(workDir, 'cache') };
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const cli = cliHarness({ env, cwd: workDir });

describe('longvid mvp synth', () => {
  it('writes MVP samples and frames from real videos, resumes, and reports JSON', async () => {
    const args = ['mvp', 'synth', sharedVideo('sam2_02_cups.mp4'), sharedVideo('sam2_03_blocks.mp4'), '--out', 'mvp', '--samples-per-video', '2', '--max-side', '128', '--candidates', '5', '--distractors', 'near,reversed,other-video,nearest', '--no-progress'];
    const first = await cli(...args, '--json');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as { written: number; total: number; samplesFile: string; videos: Array<{ keyFrames: number }> };
    expect(report.written).toBe(8);
    expect(report.videos.every((video) => video.keyFrames >= 9)).toBe(true);
    const lines = readFileSync(join(workDir, 'mvp', 'samples.jsonl'), 'utf8').trim().split('\n');
    const samples = lines.map((line) => trainingSampleSchema.parse(JSON.parse(line)));
    for (const sample of samples) {
      const distractors = sample.metadata.distractors as Record<string, number>;
      expect(distractors.far + distractors.shuffled).toBe(0);
      if (sample.task === 'mvp_segment_choice') expect(sample.media.length).toBe(2 + 5);
      for (const item of sample.media) for (const frame of item.type === 'video' ? item.frames : [item.frame]) expect(existsSync(join(workDir, 'mvp', frame))).toBe(true);
    }
    const again = await cli(...args);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Wrote 0 samples \(8 already there; 8 in all\)/);
    expect(again.stdout).toMatch(/sam2_02_cups\.mp4: \d+ key frames/);
  });

  it('takes a folder of videos and rejects bad options with exit code 2', async () => {
    const badType = await cli('mvp', 'synth', sharedVideo('sam2_02_cups.mp4'), '--out', 'x', '--distractors', 'sideways');
    expect(badType.code).toBe(2);
    expect(badType.stderr).toMatch(/use some of near, far, reversed, shuffled, other-video, nearest/);
    const missing = await cli('mvp', 'synth', join(workDir, 'nope.mp4'), '--out', 'x');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.mp4: no such file or directory/);
    const emptyFolder = await cli('mvp', 'synth', join(workDir, 'mvp', 'features'), '--out', 'y');
    expect(emptyFolder.code).toBe(2);
    expect(emptyFolder.stderr).toMatch(/no video files found/);
  });
});
