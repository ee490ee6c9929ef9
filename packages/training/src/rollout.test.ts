import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sharedVideo } from '@longvid/core/testing';
import { startScriptedOpenAIServer } from '@longvid/agents/testing';
import { testBinaries } from '@longvid/video/testing';
import { readSamples } from './dataset';
import { groupAdvantages } from './grpo';
import { OpenAICompatiblePolicy, runRollouts, sampleMessages, writeRollouts } from './rollout';
import type { TrainingSample } from './samples';
import { synthesizeMvp } from './synthesize';
import { MockRolloutPolicy } from './testing';
import { temporaryDirectory } from './test-support/videos';

const directory = temporaryDirectory('rollout');
let samples: TrainingSample[];
let datasetDirectory: string;

beforeAll(async () => {
  datasetDirectory = join(directory, 'data');
  await synthesizeMvp(['sam2_01_dog.mp4', 'sam2_04_coffee.mp4'].map(sharedVideo), { outputDir: datasetDirectory, binaries: testBinaries(), read: { maxSide: 96, cacheDir: join(directory, 'cache') }, mvp: { samplesPerVideo: 1 } });
  samples = (await readSamples(datasetDirectory)).samples;
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const settingsFor = (baseUrl: string) => ({ baseUrl, apiKey: 'test', model: 'mvp-policy', timeoutMs: 10000, maxRetries: 0 });

describe('rollouts against an OpenAI-compatible endpoint (scripted server)', () => {
  it('sends every frame as an image, draws G answers per prompt, scores them and computes group advantages', async () => {
    const choice = samples.filter((sample) => sample.task === 'mvp_segment_choice');
    const pool = samples.filter((sample) => sample.task === 'mvp_frame_pool');
    const replies = ['<answer>A</answer>', '<answer>B</answer>', 'C', 'no idea'];
    const server = await startScriptedOpenAIServer((_request, index) => replies[index % replies.length]);
    try {
      const groups = await runRollouts([choice[0], pool[0]], new OpenAICompatiblePolicy(settingsFor(server.baseUrl)), { datasetDirectory, groupSize: 4, temperature: 0.9, concurrency: 1 });
      expect(server.requests.length).toBe(8);
      const first = server.requests[0].body;
      expect(first.model).toBe('mvp-policy');
      expect(first.temperature).toBe(0.9);
      const parts = first.messages[0].content as Array<{ type: string; image_url?: { url: string } }>;
      const frames = choice[0].media.reduce((sum, item) => sum + (item.type === 'video' ? item.frames.length : 1), 0);
      expect(parts.filter((part) => part.type === 'image_url').length).toBe(frames);
      expect(parts.find((part) => part.type === 'image_url')?.image_url?.url.startsWith('data:image/jpeg;base64,/9j/')).toBe(true);
      // Segment choice: rewards are the credits of A, B, C and 0 for the unparsable reply.
      const target = choice[0].target as { credits: number[] };
      const expected = [target.credits[0], target.credits[1], target.credits[2], 0];
      expect(groups[0].responses.map((response) => response.reward)).toEqual(expected);
      expect(groups[0].responses.map((response) => response.formatValid)).toEqual([true, true, true, false]);
      groups[0].responses.forEach((response, g) => expect(response.advantage).toBeCloseTo(groupAdvantages(expected)[g], 10));
      expect(groups[0].dropped).toBe(false);
      // Frame pool: the letters do not parse as frame numbers, so all four score 0 and the group is dropped.
      expect(groups[1].responses.map((response) => response.reward)).toEqual([0, 0, 0, 0]);
      expect(groups[1].dropped).toBe(true);
      expect(groups[1].responses.every((response) => response.advantage === 0)).toBe(true);
      const file = join(directory, 'rollouts.jsonl');
      await writeRollouts(groups, file);
      const lines = (await readFile(file, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { sampleId: string });
      expect(lines.map((line) => line.sampleId)).toEqual([choice[0].id, pool[0].id]);
    } finally {
      await server.close();
    }
  });

  it('reports an unreachable endpoint naming the setting', async () => {
    const server = await startScriptedOpenAIServer(() => 'A');
    const url = server.baseUrl;
    await server.close();
    await expect(runRollouts([samples[0]], new OpenAICompatiblePolicy(settingsFor(url)), { datasetDirectory, groupSize: 1 })).rejects.toMatchObject({ code: 'ENDPOINT_UNREACHABLE' });
  });

  it('works with any RolloutPolicy, e.g. the recording mock, and uses Dr. GRPO advantages on request', async () => {
    const sample = samples.find((entry) => entry.task === 'mvp_segment_choice') as TrainingSample;
    const policy = new MockRolloutPolicy(() => [`<answer>${sample.answer}</answer>`, '<answer>Z</answer>']);
    const [group] = await runRollouts([sample], policy, { datasetDirectory, groupSize: 2, scaleByStd: false });
    expect(group.responses.map((response) => response.advantage)).toEqual([0.5, -0.5]);
    expect(policy.calls[0].n).toBe(2);
    const messages = await sampleMessages(sample, datasetDirectory);
    expect(policy.calls[0].messages).toEqual(messages);
  });
});

describe.each([
  ['OpenAICompatiblePolicy', 'openai'],
  ['MockRolloutPolicy', 'mock'],
] as const)('RolloutPolicy contract: %s', (_name, kind) => {
  it('draws n texts for the same messages and names itself', async () => {
    const server = kind === 'openai' ? await startScriptedOpenAIServer((_request, index) => `answer ${index}`) : undefined;
    try {
      const policy = server ? new OpenAICompatiblePolicy(settingsFor(server.baseUrl)) : new MockRolloutPolicy(() => ['answer 0', 'answer 1', 'answer 2']);
      expect(policy.specificationVersion).toBe('v1');
      expect(policy.policyId.length).toBeGreaterThan(0);
      const reply = await policy.doSample({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Which candidate?' }] }], n: 3, temperature: 1 });
      expect(reply.texts).toEqual(['answer 0', 'answer 1', 'answer 2']);
      expect(reply.outputTokens).toBeGreaterThan(0);
    } finally {
      await server?.close();
    }
  });
});
