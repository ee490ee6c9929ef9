import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings } from '@longvid/core';
import { responseOfQuery, scoreRewardRequest, startRewardServer } from './reward-service';

/**
 * A reward request in the shape OpenRLHF's `remote_rm_fn` posts (`{query, prompts, labels}`; queries
 * are the Qwen2.5-VL chat-template prompt followed by the response and `<|im_end|>`), with labels as
 * exported by `longvid export` (the reward target JSON). Written by hand following OpenRLHF's client,
 * not captured from a live OpenRLHF run.
 */
const recorded = JSON.parse(readFileSync(join(__dirname, 'test-support', 'openrlhf-request.json'), 'utf8')) as { query: string[]; prompts: string[]; labels: string[] };

// Hand-computed rewards of the recorded request, in order.
const EXPECTED = [
  1, // segment choice, the true letter C
  0.4, // segment choice B: the near distractor's credit (its IoU with the truth)
  0.5 * 1 + 0.5 * (1 / 3), // frame pool 3,5,1 for 3,1,5: right frames (F1 = 1), one of three positions
  0.5, // jigsaw 2,1,3 for 2,3,1: displacement 0 + 1 + 1 = 2 of ⌊9/2⌋ = 4
  1 / 3, // grounding 3-5 for 2-4: overlap 1 s, union 3 s
  (1 + (1 - 1 / 4)) / 2, // counting circle 2/2, square 3/4
  0, // no answer: format gate
];

describe('OpenRLHF remote reward service', () => {
  it('scores the recorded request by hand-computed values', () => {
    const reply = scoreRewardRequest(recorded);
    expect(reply.rewards.length).toBe(EXPECTED.length);
    reply.rewards.forEach((reward, i) => expect(reward).toBeCloseTo(EXPECTED[i], 10));
    expect(reply.scores).toEqual(reply.rewards);
    expect(reply.extra_logs.format_valid).toEqual([1, 1, 1, 1, 1, 1, 0]);
    for (const values of Object.values(reply.extra_logs)) expect(values.length).toBe(EXPECTED.length);
    expect(reply.extra_logs.reward_ssr_jigsaw).toEqual([-1, -1, -1, 0.5, -1, -1, -1]);
  });

  it('answers the recorded request over HTTP as OpenRLHF expects, and rejects malformed bodies with 400', async () => {
    const served: number[] = [];
    const server = await startRewardServer({ port: 0, onRequest: (summary) => served.push(summary.status) });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/get_reward$/);
      const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(recorded) });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { rewards: number[]; scores: number[]; extra_logs: Record<string, number[]> };
      body.rewards.forEach((reward, i) => expect(reward).toBeCloseTo(EXPECTED[i], 10));
      expect(Object.keys(body).sort()).toEqual(['extra_logs', 'rewards', 'scores']);
      const bad = await fetch(server.url, { method: 'POST', body: JSON.stringify({ query: ['x'], labels: ['{"task":"nope"}'] }) });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: string }).error).toMatch(/labels\[0\]/);
      const mismatch = await fetch(server.url, { method: 'POST', body: JSON.stringify({ query: ['x', 'y'], labels: [recorded.labels[0]] }) });
      expect(mismatch.status).toBe(400);
      expect((await fetch(server.url.replace('/get_reward', '/health'))).status).toBe(200);
      expect(served).toEqual([200, 400, 400]);
    } finally {
      await server.close();
    }
  });

  it('takes the response out of the query with or without the prompt prefix', () => {
    expect(responseOfQuery('PROMPT answer', 'PROMPT ')).toBe('answer');
    expect(responseOfQuery('<s>PROMPT answer', 'PROMPT ')).toBe('answer');
    expect(responseOfQuery('just an answer', undefined)).toBe('just an answer');
  });

  const python = ((): boolean => {
    try {
      execFileSync('python3', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  (python ? it : it.skip)('the Python shim for verl and EasyR1 (engines/longvid_reward.py) gets the same rewards from the service', async () => {
    const server = await startRewardServer({ port: 0 });
    try {
      const script = [
        'import json, sys',
        `sys.path.insert(0, ${JSON.stringify(join(__dirname, '..', 'engines'))})`,
        'import longvid_reward as m',
        'request = json.load(sys.stdin)',
        'verl = [m.compute_score("longvid", q[len(p):], l) for q, p, l in zip(request["query"], request["prompts"], request["labels"])]',
        'easy = m.compute_score([{"response": q[len(p):], "ground_truth": l} for q, p, l in zip(request["query"], request["prompts"], request["labels"])])',
        'print(json.dumps({"verl": verl, "easyr1": easy}))',
      ].join('\n');
      const output = await new Promise<string>((resolve, reject) => {
        const child = execFile('python3', ['-c', script], { env: { PATH: loadSettings().settings.searchPath, LONGVID_REWARD_URL: server.url } }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
        child.stdin?.end(JSON.stringify(recorded));
      });
      const result = JSON.parse(output) as { verl: number[]; easyr1: Array<{ overall: number; format: number }> };
      result.verl.forEach((reward, i) => expect(reward).toBeCloseTo(EXPECTED[i], 10));
      result.easyr1.forEach((entry, i) => expect(entry.overall).toBeCloseTo(EXPECTED[i], 10));
      expect(result.easyr1.map((entry) => entry.format)).toEqual([1, 1, 1, 1, 1, 1, 0]);
    } finally {
      await server.close();
    }
  });

  const framePoolLabel = JSON.stringify({ task: 'mvp_frame_pool', order: [1, 4, 6], poolSize: 8 });

  it('scores a response ending in a chat-template end token like the bare response', () => {
    const queries = ['1, 4, 6', '1, 4, 6<|im_end|>', '1, 4, 6<|endoftext|>', '1, 4, 6</s>', '1, 4, 6<|eot_id|>', '<answer>1, 4, 6</answer><|im_end|>'];
    const reply = scoreRewardRequest({ query: queries, labels: queries.map(() => framePoolLabel) });
    expect(reply.rewards).toEqual(queries.map(() => 1));
    expect(reply.extra_logs.format_valid).toEqual(queries.map(() => 1));
  });

  it('answers a 4 MB degenerate <answer> body in under a second while /health keeps answering', async () => {
    const server = await startRewardServer({ port: 0 });
    const health = server.url.replace('/get_reward', '/health');
    try {
      // A policy stuck repeating an unclosed tag: quadratic for /<answer>([\s\S]*?)<\/answer>/g.
      const degenerate = '<answer>'.repeat(512 * 1024);
      expect(degenerate.length).toBe(4 * 1024 * 1024);
      const body = JSON.stringify({ query: [degenerate, `${degenerate}<answer>1, 4, 6</answer>`], labels: [framePoolLabel, framePoolLabel] });
      let polling = true;
      const healthLatencies: number[] = [];
      const poll = (async () => {
        while (polling) {
          const sent = performance.now();
          expect((await fetch(health)).status).toBe(200);
          healthLatencies.push(performance.now() - sent);
        }
      })();
      const sent = performance.now();
      const response = await fetch(server.url, { method: 'POST', body });
      const seconds = (performance.now() - sent) / 1000;
      polling = false;
      await poll;
      expect(response.status).toBe(200);
      expect(((await response.json()) as { rewards: number[] }).rewards).toEqual([0, 1]);
      expect(seconds).toBeLessThan(1);
      expect(healthLatencies.length).toBeGreaterThan(0);
      expect(Math.max(...healthLatencies)).toBeLessThan(1000);
    } finally {
      await server.close();
    }
  });

  it('stops a request past its time budget with HTTP 503 and stays up', async () => {
    const server = await startRewardServer({ port: 0, requestBudgetMs: 0 });
    try {
      const response = await fetch(server.url, { method: 'POST', body: JSON.stringify({ query: ['1, 4, 6', '1, 4, 6'], labels: [framePoolLabel, framePoolLabel] }) });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: string }).error).toMatch(/time budget of 0 ms/);
      expect((await fetch(server.url.replace('/get_reward', '/health'))).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
