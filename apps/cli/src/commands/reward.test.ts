import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../cli';

// The same OpenRLHF-shaped request the training package's reward-service test scores by hand.
const recorded = readFileSync(join(__dirname, '..', '..', '..', '..', 'packages', 'training', 'src', 'test-support', 'openrlhf-request.json'), 'utf8');

function sink(onWrite?: (text: string) => void): Writable & { text: string } {
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      stream.text += String(chunk);
      onWrite?.(stream.text);
      callback();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

describe('longvid reward serve', () => {
  it('serves OpenRLHF reward requests and stops after --max-requests', async () => {
    let announce: (url: string) => void = () => undefined;
    const listening = new Promise<string>((resolve) => {
      announce = resolve;
    });
    const stdout = sink((text) => {
      const match = /listening on (http:\/\/\S+)/.exec(text);
      if (match) announce(match[1]);
    });
    const stderr = sink();
    const finished = runCli(['reward', 'serve', '--port', '0', '--max-requests', '2'], { stdout, stderr, env: {} });
    const url = await listening;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/get_reward$/);
    const reply = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: recorded });
    expect(reply.status).toBe(200);
    const body = (await reply.json()) as { rewards: number[]; scores: number[]; extra_logs: { format_valid: number[] } };
    expect(body.rewards.map((reward) => Number(reward.toFixed(4)))).toEqual([1, 0.4, 0.6667, 0.5, 0.3333, 0.875, 0]);
    expect(body.extra_logs.format_valid).toEqual([1, 1, 1, 1, 1, 1, 0]);
    const bad = await fetch(url, { method: 'POST', body: '{"query": []}' });
    expect(bad.status).toBe(400);
    expect(await finished).toBe(0);
    expect(stdout.text).toMatch(/stopped after 2 requests/);
    expect(stderr.text).toMatch(/reward request 1: 7 queries, mean reward 0\.539 \(HTTP 200\)/);
  });
});
