import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scriptedVideoModel, startScriptedOpenAIServer, type ScriptedOpenAIServer } from '@longvid/agents/testing';
import type { TraceEvent } from '@longvid/core';
import { spanOverlap } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { cliHarness } from '../test-support/cli-harness';
import { askJsonSchema } from '../json-output';

/**
 * `longvid ask` against an OpenAI-compatible endpoint (the scripted local server playing a video
 * LLM from the dev_long.mp4 ground truth): cost in `--json` and the trace, the call cache on a
 * rerun, and the `--uniform N` baseline.
 */
const video = sharedVideo('dev_long.mp4');
const workDir = mkdtempSync(join(tmpdir(), 'longvid-cli-online-'));

describe('longvid ask with an endpoint (scripted OpenAI-protocol server)', () => {
  let server: ScriptedOpenAIServer;
  let env: Record<string, string>;

  // The environment is set once the server is up; the harness reads it at each run.
  const cli = cliHarness({
    get env() {
      return env;
    },
    cwd: workDir,
  });

  async function askJson(...argv: string[]) {
    const run = await cli('ask', ...argv, '--json', '--no-progress');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return askJsonSchema.parse(JSON.parse(run.stdout));
  }

  beforeAll(async () => {
    server = await startScriptedOpenAIServer(scriptedVideoModel());
    env = { LONGVID_CACHE_DIR: join(workDir, 'cache'), LONGVID_BASE_URL: server.baseUrl, LONGVID_MODEL: 'scripted-vlm', LONGVID_API_KEY: 'test-key' };
  });
  afterAll(() => server.close());

  it('reports frames sent, tokens and latency per question, and a rerun costs zero calls', async () => {
    const tracePath = join(workDir, 'trace.json');
    const json = await askJson(video, 'What is the locker number?', '--trace', tracePath);
    expect(json.answer).toBe('318');
    expect(json.evidence.some((e) => e.round >= 1 && spanOverlap(e, { start: 21, end: 24 }) > 0)).toBe(true);
    expect(json).toMatchObject({ mode: 'agent', offline: false, backends: { observer: 'video-llm:scripted-vlm', observerModel: 'scripted-vlm' } });
    expect(json.cost.framesSent).toBe(json.framesObserved);
    expect(json.cost.framesSent).toBeGreaterThan(0);
    expect(json.cost.inputTokens).toBeGreaterThan(json.cost.framesSent * 84);
    expect(json.cost.outputTokens).toBeGreaterThan(0);
    expect(json.cost.latencySeconds).toBeGreaterThan(0);
    expect(Object.keys(json.cost.byRole).sort()).toEqual(['observer', 'planner', 'reflector']);
    expect(json.usage.llmCalls).toBe(json.cost.requests);
    expect(json.ingestCost.byRole.caption?.calls).toBeGreaterThan(0);

    const trace = JSON.parse(readFileSync(tracePath, 'utf8')) as { events: TraceEvent[] };
    const calls = trace.events.flatMap((e) => (e.type === 'model-call' ? [e.call] : []));
    expect(calls.length).toBe(json.cost.calls);
    expect(calls.reduce((sum, c) => sum + c.framesSent, 0)).toBe(json.cost.framesSent);
    expect(calls.reduce((sum, c) => sum + c.inputTokens, 0)).toBe(json.cost.inputTokens);
    expect(calls.every((c) => c.latencySeconds > 0 && c.model === 'scripted-vlm')).toBe(true);

    const before = server.requests.length;
    const again = await askJson(video, 'What is the locker number?');
    expect(server.requests.length).toBe(before);
    expect(again.cost).toMatchObject({ calls: 0, requests: 0, framesSent: 0, inputTokens: 0, outputTokens: 0, cachedCalls: json.cost.calls });
    expect(again.usage.llmCalls).toBe(0);
    expect(again.answer).toBe('318');

    const human = await cli('ask', video, 'What is the locker number?', '--no-progress', '--no-cache');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Cost: \d+ model calls · \d+ frames sent · \d+\+\d+ tokens · [\d.]+ s in calls$/m);
    expect(server.requests.length).toBeGreaterThan(before);
  });

  it('runs the --uniform baseline with the same model', async () => {
    const json = await askJson(video, 'What is the locker number?', '--uniform', '32', '--resolution', 'low');
    expect(json).toMatchObject({ mode: 'uniform', framesObserved: 32, rounds: 1, memory: { events: 0 } });
    expect(json.cost).toMatchObject({ calls: 1, framesSent: 32 });
    expect(json.cost.byRole.baseline?.inputTokens).toBeGreaterThan(32 * 84);
    const human = await cli('ask', video, 'What is the locker number?', '--uniform', '32', '--resolution', 'low', '--no-progress');
    expect(human.stdout).toContain('Mode: uniform baseline (32 frames sent once to scripted-vlm');
    expect(human.stdout).toMatch(/^Cost: 0 model calls \(\+1 from cache\)/m);
  });

  it('runs the same --uniform baseline offline: N frames read by the local observer in one round', async () => {
    const offline = cliHarness({ env: { LONGVID_CACHE_DIR: join(workDir, 'cache') }, cwd: workDir });
    const run = await offline('ask', video, 'What is the locker number?', '--uniform', '8', '--no-progress', '--json');
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json).toMatchObject({ mode: 'uniform', offline: true, rounds: 1, framesObserved: 8, backends: { planner: 'uniform-8' } });
    expect(json.backends.reflector).toContain('observed evidence only');
  });
});
