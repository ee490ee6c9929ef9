import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedVideo } from '@longvid/core/testing';
import { startScriptedOpenAIServer } from '@longvid/agents/testing';
import { cliHarness } from '../test-support/cli-harness';

const workDir = mkdtempSync(join(tmpdir(), 'longvid-cli-grpo-'));
const env = { LONGVID_CACHE_DIR: join(workDir, 'cache') };
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const cli = cliHarness({ env, cwd: workDir });

describe('longvid grpo', () => {
  beforeAll(async () => {
    const run = await cli('mvp', 'synth', sharedVideo('sam2_02_cups.mp4'), sharedVideo('sam2_01_dog.mp4'), sharedVideo('sam2_04_coffee.mp4'), '--out', 'data', '--format', 'segment-choice', '--samples-per-video', '6', '--max-side', '96', '--no-progress');
    expect(run.code).toBe(0);
  });

  it('train-local trains on some videos, evaluates on held-out ones, and writes the curve and weights', async () => {
    const run = await cli('grpo', 'train-local', 'data', '--held-out-videos', 'sam2_04_coffee.mp4', '--steps', '20', '--evaluate-every', '10', '--out', 'policy.json', '--curve', 'curve.json', '--no-progress');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Trained on 12 segment-choice samples, evaluated on 6 held-out samples/);
    expect(run.stdout).toMatch(/Chance \(1\/K\) on held-out: 0\.250; final held-out accuracy [\d.]+ = [\d.]+× chance after 20 steps/);
    const curve = JSON.parse(readFileSync(join(workDir, 'curve.json'), 'utf8')) as { curve: Array<{ step: number }>; heldOutChance: number };
    expect(curve.curve.map((point) => point.step)).toEqual([0, 10, 20]);
    const weights = JSON.parse(readFileSync(join(workDir, 'policy.json'), 'utf8')) as { featureNames: string[]; linearKernel: number[] };
    expect(weights.linearKernel.length).toBe(weights.featureNames.length);
    const noHeldOut = await cli('grpo', 'train-local', 'data');
    expect(noHeldOut.code).toBe(2);
    expect(noHeldOut.stderr).toMatch(/no held-out set/);
  });

  it('rollout samples G answers per prompt from an OpenAI-compatible endpoint and writes scored groups', async () => {
    const server = await startScriptedOpenAIServer((_request, index) => ['<answer>A</answer>', '<answer>B</answer>'][index % 2]);
    try {
      const run = await cli('grpo', 'rollout', 'data', '--out', 'rollouts.jsonl', '--group-size', '2', '--limit', '3', '--base-url', server.baseUrl, '--model', 'policy-under-training', '--concurrency', '1', '--json', '--no-progress');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as { groups: number; responses: number; formatValid: number; policy: string };
      expect(summary).toMatchObject({ groups: 3, responses: 6, formatValid: 1, policy: 'policy-under-training' });
      expect(server.requests.length).toBe(6);
      const groups = readFileSync(join(workDir, 'rollouts.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { responses: Array<{ text: string; reward: number }> });
      expect(groups.length).toBe(3);
      expect(groups[0].responses.map((response) => response.text)).toEqual(['<answer>A</answer>', '<answer>B</answer>']);
    } finally {
      await server.close();
    }
    const offline = await cli('grpo', 'rollout', 'data', '--out', 'r.jsonl');
    expect(offline.code).toBe(1);
    expect(offline.stderr).toMatch(/LONGVID_BASE_URL/);
  });
});
