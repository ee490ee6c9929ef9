import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedVideo } from '@longvid/core/testing';
import { scoreResponse, trainingSampleSchema } from '@longvid/training';
import { cliHarness } from '../test-support/cli-harness';

const workDir = mkdtempSync(join(tmpdir(), 'longvid-cli-ssr-'));
const env = { LONGVID_CACHE_DIR: join(workDir, 'cache') };
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const cli = cliHarness({ env, cwd: workDir });

describe('longvid ssr synth', () => {
  it('writes jigsaw, anomaly and counting samples whose exact answers score 1', async () => {
    const run = await cli('ssr', 'synth', sharedVideo('sam2_bedroom.mp4'), sharedVideo('mmaction2_basketball_gym.mp4'), '--out', 'ssr', '--samples-per-video', '2', '--max-side', '128', '--perturbations', 'invert,swap', '--no-progress');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Wrote 12 samples/);
    const samples = readFileSync(join(workDir, 'ssr', 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => trainingSampleSchema.parse(JSON.parse(line)));
    expect(new Set(samples.map((sample) => sample.task))).toEqual(new Set(['ssr_jigsaw', 'ssr_anomaly', 'ssr_counting']));
    for (const sample of samples) {
      expect(scoreResponse(sample.target, `<answer>${sample.answer}</answer>`).reward).toBe(1);
      if (sample.task === 'ssr_anomaly') expect(['invert', 'swap']).toContain(sample.metadata.perturbation);
    }
  });

  it('rejects an unknown task', async () => {
    const run = await cli('ssr', 'synth', sharedVideo('sam2_bedroom.mp4'), '--out', 'x', '--tasks', 'jigsaw,juggling');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/use some of jigsaw, anomaly, counting/);
  });
});
