import { HumanMessage } from '@langchain/core/messages';
import type { StructuredOutputMode } from '@longvid/core';
import { LongVidError } from '@longvid/core';
import { z } from 'zod';
import { createChatModel } from './chat-model';
import { invokeStructured, replyJsonSchema, responseFormatRejected } from './structured';
import { startScriptedOpenAIServer, type ScriptedOpenAIServer } from '../testing';

/**
 * The `structuredOutput` setting against the scripted OpenAI-protocol server, through the real
 * ChatOpenAI client: `response_format` with the reply's JSON schema where the server takes it, and
 * `auto`'s one fall-back to prompt-and-validate, remembered per endpoint and model, where it does not.
 */
const schema = z.object({ answer: z.string(), confidence: z.number().min(0).max(1), spans: z.array(z.object({ start: z.number(), end: z.number() })) });
const reply = '{"answer": "318", "confidence": 0.9, "spans": [{"start": 12, "end": 14}]}';
const servers: ScriptedOpenAIServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

async function server(responseFormat: 'accept' | 'reject'): Promise<ScriptedOpenAIServer> {
  const started = await startScriptedOpenAIServer(() => reply, { responseFormat });
  servers.push(started);
  return started;
}

function ask(endpoint: ScriptedOpenAIServer, mode: StructuredOutputMode, model = 'scripted-model'): Promise<z.infer<typeof schema>> {
  const chat = createChatModel({ baseUrl: endpoint.baseUrl, model, apiKey: 'k', timeoutMs: 2000, maxRetries: 0 });
  return invokeStructured(chat, [new HumanMessage('Which locker? Reply with JSON.')], schema, { endpoint: endpoint.baseUrl, transport: { structuredOutput: mode, maxRetries: 0 }, call: { role: 'reflector', model } });
}

describe('structured output with response_format', () => {
  it('auto sends the zod schema as a JSON schema where the server takes it', async () => {
    const endpoint = await server('accept');
    expect(await ask(endpoint, 'auto')).toEqual({ answer: '318', confidence: 0.9, spans: [{ start: 12, end: 14 }] });
    expect(endpoint.requests).toHaveLength(1);
    const format = endpoint.requests[0].body.response_format as { type: string; json_schema: { name: string; schema: { type: string; properties: Record<string, unknown>; required: string[] } } };
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.name).toBe('reply');
    expect(format.json_schema.schema).toEqual(replyJsonSchema(schema));
    expect(Object.keys(format.json_schema.schema.properties)).toEqual(['answer', 'confidence', 'spans']);
    expect(format.json_schema.schema.required).toEqual(['answer', 'confidence', 'spans']);
    expect(format.json_schema.schema.properties.confidence).toMatchObject({ type: 'number', minimum: 0, maximum: 1 });
  });

  it('json_object sends JSON mode; prompt sends no response_format', async () => {
    const endpoint = await server('accept');
    await ask(endpoint, 'json_object');
    await ask(endpoint, 'prompt');
    expect(endpoint.requests.map((request) => request.body.response_format)).toEqual([{ type: 'json_object' }, undefined]);
  });

  it('auto falls back once to prompt-and-validate when the server rejects response_format, and remembers it per endpoint and model', async () => {
    const endpoint = await server('reject');
    expect(responseFormatRejected(endpoint.baseUrl, 'model-a')).toBe(false);
    expect((await ask(endpoint, 'auto', 'model-a')).answer).toBe('318');
    expect(endpoint.requests.map((request) => request.body.response_format === undefined)).toEqual([false, true]);
    expect(responseFormatRejected(endpoint.baseUrl, 'model-a')).toBe(true);
    // Remembered: the next call to that model asks in the prompt only.
    await ask(endpoint, 'auto', 'model-a');
    expect(endpoint.requests).toHaveLength(3);
    expect(endpoint.requests[2].body.response_format).toBeUndefined();
    // Another model at the same endpoint is tried with response_format first.
    await ask(endpoint, 'auto', 'model-b');
    expect(endpoint.requests.slice(3).map((request) => [request.body.model, request.body.response_format === undefined])).toEqual([
      ['model-b', false],
      ['model-b', true],
    ]);
  });

  it('json_schema does not fall back: the rejection is an endpoint error', async () => {
    const endpoint = await server('reject');
    const error = await ask(endpoint, 'json_schema', 'model-c').catch((e: unknown) => e);
    expect(LongVidError.is(error) && error.code).toBe('ENDPOINT_ERROR');
    expect((error as LongVidError).message).toContain('HTTP 400');
    expect(endpoint.requests).toHaveLength(1);
    expect(responseFormatRejected(endpoint.baseUrl, 'model-c')).toBe(false);
  });

  it('re-asks when a json_schema reply is not JSON (the client parses it and throws)', async () => {
    const endpoint = await startScriptedOpenAIServer((_, index) => (index === 0 ? 'The locker is 318.' : reply));
    servers.push(endpoint);
    const chat = createChatModel({ baseUrl: endpoint.baseUrl, model: 'model-d', apiKey: 'k', timeoutMs: 2000, maxRetries: 0 });
    const value = await invokeStructured(chat, [new HumanMessage('Which locker?')], schema, { endpoint: endpoint.baseUrl, transport: { structuredOutput: 'json_schema', maxRetries: 0 }, maxRetries: 1 });
    expect(value.answer).toBe('318');
    expect(endpoint.requests).toHaveLength(2);
    expect(JSON.stringify(endpoint.requests[1].body.messages)).toContain('could not be used');
  });

  it('the scripted server refuses a malformed response_format in accept mode', async () => {
    const endpoint = await server('accept');
    const response = await fetch(`${endpoint.baseUrl}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'm', messages: [], response_format: { type: 'json_schema', json_schema: { schema: { type: 'object' } } } }) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain('json_schema.name is required');
  });
});
