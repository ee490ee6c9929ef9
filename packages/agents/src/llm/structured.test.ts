import { HumanMessage } from '@langchain/core/messages';
import { LongVidError } from '@longvid/core';
import { z } from 'zod';
import { createChatModel } from './chat-model';
import { LlmReflector } from '../backends/llm-agents';
import { extractJson, invokeStructured, MAX_MODEL_ANSWER_CHARS } from './structured';
import { requestText, startScriptedOpenAIServer } from '../testing';

const settings = (baseUrl: string) => ({ baseUrl, model: 'scripted-model', apiKey: 'test-key', timeoutMs: 2000, maxRetries: 0 });
const schema = z.object({ answer: z.string(), confidence: z.number().min(0).max(1) });

describe('invokeStructured over HTTP (scripted OpenAI-protocol server)', () => {
  it('parses JSON replies, even fenced, through the real ChatOpenAI client', async () => {
    const server = await startScriptedOpenAIServer(() => 'Here you go:\n```json\n{"answer": "318", "confidence": 0.9}\n```');
    try {
      const usage: number[] = [];
      const value = await invokeStructured(createChatModel(settings(server.baseUrl)), [new HumanMessage('locker?')], schema, { onUsage: (u) => usage.push(u.inputTokens) });
      expect(value).toEqual({ answer: '318', confidence: 0.9 });
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0].body.model).toBe('scripted-model');
      expect(server.requests[0].headers.authorization).toBe('Bearer test-key');
      expect(usage[0]).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });

  it('retries a malformed reply, telling the model what was wrong', async () => {
    const server = await startScriptedOpenAIServer((_, index) => (index === 0 ? 'I think it is 318.' : index === 1 ? '{"answer": "318", "confidence": 7}' : '{"answer": "318", "confidence": 0.7}'));
    try {
      const value = await invokeStructured(createChatModel(settings(server.baseUrl)), [new HumanMessage('locker?')], schema, { maxRetries: 2 });
      expect(value.confidence).toBe(0.7);
      expect(server.requests).toHaveLength(3);
      expect(requestText(server.requests[1])).toContain('no JSON object');
      expect(requestText(server.requests[2])).toContain('confidence');
    } finally {
      await server.close();
    }
  });

  it('gives up with MALFORMED_LLM_REPLY carrying the reply', async () => {
    const server = await startScriptedOpenAIServer(() => 'not json at all');
    try {
      const error = await invokeStructured(createChatModel(settings(server.baseUrl)), [new HumanMessage('x')], schema, { maxRetries: 1 }).catch((e: unknown) => e);
      expect(LongVidError.is(error) && error.code).toBe('MALFORMED_LLM_REPLY');
      expect((error as LongVidError).details.reply).toBe('not json at all');
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('names LONGVID_BASE_URL when the endpoint is unreachable', async () => {
    const server = await startScriptedOpenAIServer(() => '{}');
    const baseUrl = server.baseUrl;
    await server.close();
    const error = await invokeStructured(createChatModel(settings(baseUrl)), [new HumanMessage('x')], schema, { endpoint: baseUrl }).catch((e: unknown) => e);
    expect(LongVidError.is(error) && error.code).toBe('ENDPOINT_UNREACHABLE');
    expect((error as LongVidError).toLine()).toContain('LONGVID_BASE_URL');
    expect((error as LongVidError).toLine()).toContain(baseUrl);
  });

  it('names LONGVID_API_KEY on 401', async () => {
    const server = await startScriptedOpenAIServer(() => ({ status: 401, body: { error: { message: 'bad key' } } }));
    try {
      const error = await invokeStructured(createChatModel(settings(server.baseUrl)), [new HumanMessage('x')], schema).catch((e: unknown) => e);
      expect((error as LongVidError).toLine()).toContain('LONGVID_API_KEY');
    } finally {
      await server.close();
    }
  });

  it('extracts the outermost JSON object', () => {
    expect(extractJson('x {"a": {"b": 1}} y')).toEqual({ a: { b: 1 } });
    expect(extractJson('```JSON\n{"a": 1}\n``` and {"b": 2}')).toEqual({ a: 1 });
    expect(() => extractJson('nothing')).toThrow(/no JSON/);
  });

  it('extracts in linear time from a multi-megabyte degenerate reply', () => {
    const started = performance.now();
    // Unclosed fences: quadratic for /```(?:json)?\s*([\s\S]*?)```/.
    expect(() => extractJson(`\`\`\`${' '.repeat(4 * 1024 * 1024)}`)).toThrow(/no JSON/);
    expect(() => extractJson('{'.repeat(4 * 1024 * 1024))).toThrow(/no JSON/);
    expect(extractJson(`${'x'.repeat(4 * 1024 * 1024)} {"x": 1}`)).toEqual({ x: 1 });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('asks again after a reply with no choices (choices: []) instead of crashing', async () => {
    const server = await startScriptedOpenAIServer((_, index) => (index === 0 ? { status: 200, body: { id: 'x', object: 'chat.completion', choices: [] } } : '{"answer": "318", "confidence": 0.8}'));
    try {
      const value = await invokeStructured(createChatModel(settings(server.baseUrl)), [new HumanMessage('locker?')], schema, { maxRetries: 1 });
      expect(value).toEqual({ answer: '318', confidence: 0.8 });
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
    const empty = await startScriptedOpenAIServer(() => ({ status: 200, body: { choices: [] } }));
    try {
      const error = await invokeStructured(createChatModel(settings(empty.baseUrl)), [new HumanMessage('locker?')], schema, { maxRetries: 1 }).catch((e: unknown) => e);
      expect(LongVidError.is(error) && error.code).toBe('MALFORMED_LLM_REPLY');
      expect((error as LongVidError).message).toMatch(/held no message/);
    } finally {
      await empty.close();
    }
  });

  it(`bounds the reflector's answer to ${MAX_MODEL_ANSWER_CHARS} characters: a 5 MB answer is malformed`, async () => {
    const huge = JSON.stringify({ sufficient: true, answer: 'A'.repeat(5 * 1024 * 1024), confidence: 0.9, evidenceIds: [], reason: '', missing: '' });
    const server = await startScriptedOpenAIServer(() => huge);
    try {
      const reflector = new LlmReflector({ model: createChatModel(settings(server.baseUrl)), modelName: 'scripted-model', maxRetries: 1 });
      const error = await reflector.doReflect({ question: 'locker?', duration: 10, round: 1, mustAnswer: false, evidence: [] }).catch((e: unknown) => e);
      expect(LongVidError.is(error) && error.code).toBe('MALFORMED_LLM_REPLY');
      expect((error as LongVidError).message).toMatch(/answer/);
      expect(String((error as LongVidError).details.reply).length).toBeLessThanOrEqual(2000);
      expect(server.requests).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});
