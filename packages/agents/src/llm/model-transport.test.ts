import { HumanMessage } from '@langchain/core/messages';
import type { ModelCall } from '@longvid/core';
import { LongVidError } from '@longvid/core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { summarizeCalls } from './call-cost';
import { createChatModel } from './chat-model';
import { ModelCallCache } from './model-call-cache';
import { classifyFailure, ConcurrencyLimiter, invokeWithRetries } from './model-transport';
import { sleep } from '@longvid/core';
import { invokeStructured } from './structured';
import { startScriptedOpenAIServer } from '../testing';

const settings = (baseUrl: string, timeoutMs = 2000) => ({ baseUrl, model: 'scripted-model', apiKey: 'k', timeoutMs, maxRetries: 0 });
const schema = z.object({ answer: z.string() });
const fast = { baseDelayMs: 10, maxDelayMs: 50 };

describe('ConcurrencyLimiter', () => {
  it('never lets more than the limit run, and serves waiters in order', async () => {
    const limiter = new ConcurrencyLimiter(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, (_, index) =>
        limiter.run(async () => {
          running += 1;
          most = Math.max(most, running);
          order.push(index);
          await sleep(5 + (index % 3) * 5);
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(limiter.inFlight).toBe(0);
  });

  it('rejects a waiter whose signal aborts, and gives its place away', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const release = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    release();
    const again = await limiter.acquire();
    expect(limiter.inFlight).toBe(1);
    again();
    expect(() => new ConcurrencyLimiter(0)).toThrow(/LONGVID_CONCURRENCY|positive integer/);
  });
});

describe('invokeWithRetries over HTTP (scripted OpenAI-protocol server)', () => {
  it('retries a 429 (honouring Retry-After) and a 503, then succeeds', async () => {
    const server = await startScriptedOpenAIServer((_, index) =>
      index === 0 ? { status: 429, headers: { 'retry-after': '0.2' }, body: { error: { message: 'slow down' } } } : index === 1 ? { status: 503 } : 'ok',
    );
    try {
      const { reply, attempts } = await invokeWithRetries(createChatModel(settings(server.baseUrl)), [new HumanMessage('hi')], { ...fast, maxRetries: 3 });
      expect(reply.content).toBe('ok');
      expect(attempts).toBe(3);
      expect(server.requests).toHaveLength(3);
      // The Retry-After of 0.2 s is waited for, not the 10 ms backoff.
      expect(server.requests[1].receivedAt! - server.requests[0].receivedAt!).toBeGreaterThanOrEqual(180);
    } finally {
      await server.close();
    }
  });

  it('retries a request that times out, and gives up naming LONGVID_TIMEOUT_MS when all do', async () => {
    const server = await startScriptedOpenAIServer((_, index) => (index === 0 ? { delayMs: 2000, content: 'late' } : index === 1 ? 'ok' : { delayMs: 2000, content: 'late' }));
    try {
      const model = createChatModel(settings(server.baseUrl, 300));
      const { reply, attempts } = await invokeWithRetries(model, [new HumanMessage('hi')], { ...fast, timeoutMs: 300, maxRetries: 2 });
      expect(reply.content).toBe('ok');
      expect(attempts).toBe(2);
      const error = await invokeWithRetries(model, [new HumanMessage('hi')], { ...fast, timeoutMs: 300, maxRetries: 1 }).catch((e: unknown) => e);
      expect(LongVidError.is(error) && error.code).toBe('ENDPOINT_ERROR');
      expect((error as LongVidError).toLine()).toContain('LONGVID_TIMEOUT_MS');
      expect((error as LongVidError).details.attempts).toBe(2);
    } finally {
      await server.close();
    }
  });

  it('does not retry a 400, and stops backing off when the signal aborts', async () => {
    const server = await startScriptedOpenAIServer((_, index) => (index === 0 ? { status: 400, body: { error: { message: 'bad request' } } } : { status: 503 }));
    try {
      const model = createChatModel(settings(server.baseUrl));
      const error = await invokeWithRetries(model, [new HumanMessage('hi')], { ...fast, maxRetries: 3 }).catch((e: unknown) => e);
      expect(classifyFailure(error)).toBe('fatal');
      expect(server.requests).toHaveLength(1);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const aborted = await invokeWithRetries(model, [new HumanMessage('hi')], { baseDelayMs: 5000, maxRetries: 3, signal: controller.signal }).catch((e: unknown) => e);
      expect(LongVidError.is(aborted) && aborted.code).toBe('ABORTED');
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('holds the concurrency limit per request', async () => {
    const server = await startScriptedOpenAIServer(() => ({ delayMs: 60, content: '{"answer": "x"}' }));
    try {
      const model = createChatModel(settings(server.baseUrl));
      const limiter = new ConcurrencyLimiter(2);
      await Promise.all(Array.from({ length: 6 }, () => invokeStructured(model, [new HumanMessage('hi')], schema, { transport: { limiter } })));
      expect(server.requests).toHaveLength(6);
      expect(server.maxConcurrent).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe('invokeStructured cost records and call cache', () => {
  it('records one call with its requests, tokens and latency, and a rerun comes from the cache', async () => {
    const server = await startScriptedOpenAIServer((_, index) => (index === 0 ? { status: 500 } : index === 1 ? 'not json' : '{"answer": "318"}'));
    try {
      const cache = new ModelCallCache(mkdtempSync(join(tmpdir(), 'longvid-calls-')));
      const calls: ModelCall[] = [];
      const options = {
        maxRetries: 1,
        transport: { ...fast, maxRetries: 1 },
        call: { role: 'reflector' as const, model: 'scripted-model', framesPerRequest: 3, round: 2, onCall: (call: ModelCall) => calls.push(call) },
        cache: { store: cache, parts: { question: 'locker?' } },
      };
      const model = createChatModel(settings(server.baseUrl));
      expect(await invokeStructured(model, [new HumanMessage('locker?')], schema, options)).toEqual({ answer: '318' });
      expect(calls).toHaveLength(1);
      // Every request carries the frames again, the failed 500 and the malformed reply's included.
      expect(calls[0]).toMatchObject({ role: 'reflector', model: 'scripted-model', attempts: 3, framesSent: 9, cached: false, round: 2 });
      expect(calls[0].inputTokens).toBeGreaterThan(0);
      expect(calls[0].outputTokens).toBeGreaterThan(0);
      expect(calls[0].latencySeconds).toBeGreaterThan(0);
      expect(await invokeStructured(model, [new HumanMessage('locker?')], schema, options)).toEqual({ answer: '318' });
      expect(server.requests).toHaveLength(3);
      expect(calls[1]).toMatchObject({ cached: true, attempts: 0, framesSent: 0, inputTokens: 0 });
      const summary = summarizeCalls(calls);
      expect(summary).toMatchObject({ calls: 1, cachedCalls: 1, requests: 3, framesSent: 9 });
      expect(summary.byRole.reflector?.calls).toBe(1);
    } finally {
      await server.close();
    }
  });
});
