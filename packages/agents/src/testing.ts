/**
 * Test doubles for the agents package: a scripted local HTTP server speaking the OpenAI
 * chat-completions protocol (so the real LangChain client and HTTP path are exercised), and
 * recording mocks of the planner, reflector and observer interfaces.
 * @packageDocumentation
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Plan, Reflection } from '@longvid/core';
import type { ObserveRequest, ObserveResult, ObserverBackbone, PlanInput, Planner, ReflectInput, Reflector } from './interfaces';

/** A chat-completions request as the scripted server received it. */
export interface RecordedChatRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: { model: string; messages: { role: string; content: unknown }[]; [key: string]: unknown };
}

/** What a script step answers: a reply text, an HTTP error, or a delay (to trigger timeouts). */
export type ScriptedReply = string | { status: number; body?: unknown } | { delayMs: number; content: string };

/** Decides the reply to each request; `index` counts requests from 0. */
export type ChatScript = (request: RecordedChatRequest, index: number) => ScriptedReply;

/** A running scripted server. */
export interface ScriptedOpenAIServer {
  /** Base URL to give the client, ending in `/v1`. */
  baseUrl: string;
  /** Every request received, in order. */
  requests: RecordedChatRequest[];
  close(): Promise<void>;
}

/**
 * Starts a local HTTP server on 127.0.0.1 that answers `POST /v1/chat/completions` from a
 * script, in the OpenAI chat-completions response format with `usage` token counts (prompt
 * tokens = characters/4 of the request, completion tokens = characters/4 of the reply).
 */
export async function startScriptedOpenAIServer(script: ChatScript): Promise<ScriptedOpenAIServer> {
  const requests: RecordedChatRequest[] = [];
  const server: Server = createServer((req, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
        return;
      }
      const recorded: RecordedChatRequest = { path: req.url, headers: req.headers, body: JSON.parse(raw) };
      const index = requests.length;
      requests.push(recorded);
      const reply = script(recorded, index);
      const send = (content: string): void => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            id: `chatcmpl-${index}`,
            object: 'chat.completion',
            created: Math.floor(Date.now() / 1000),
            model: recorded.body.model,
            choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
            usage: { prompt_tokens: Math.ceil(raw.length / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: Math.ceil(raw.length / 4) + Math.ceil(content.length / 4) },
          }),
        );
      };
      if (typeof reply === 'string') send(reply);
      else if ('status' in reply) res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body ?? { error: { message: `scripted ${reply.status}` } }));
      else setTimeout(() => send(reply.content), reply.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Text of the messages of a recorded request, joined (for assertions). */
export function requestText(request: RecordedChatRequest): string {
  return request.body.messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content))).join('\n');
}

/** A planner that returns scripted plans per round and records its inputs. */
export class MockPlanner implements Planner {
  readonly specificationVersion = 'v1' as const;
  readonly plannerId = 'mock';
  readonly calls: PlanInput[] = [];
  constructor(private readonly plans: (input: PlanInput) => Plan) {}
  async doPlan(input: PlanInput): Promise<Plan> {
    this.calls.push(input);
    return this.plans(input);
  }
}

/** A reflector that returns scripted reflections and records its inputs. */
export class MockReflector implements Reflector {
  readonly specificationVersion = 'v1' as const;
  readonly reflectorId = 'mock';
  readonly calls: ReflectInput[] = [];
  constructor(private readonly reflect: (input: ReflectInput) => Reflection) {}
  async doReflect(input: ReflectInput): Promise<Reflection> {
    this.calls.push(input);
    return this.reflect(input);
  }
}

/** An observer backbone that returns scripted results and records its requests. */
export class MockObserver implements ObserverBackbone {
  readonly specificationVersion = 'v1' as const;
  readonly observerId = 'mock';
  readonly calls: ObserveRequest[] = [];
  constructor(private readonly observe: (request: ObserveRequest) => ObserveResult) {}
  async doObserve(request: ObserveRequest): Promise<ObserveResult> {
    this.calls.push(request);
    return this.observe(request);
  }
}
