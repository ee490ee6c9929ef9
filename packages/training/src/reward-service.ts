import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { LongVidError } from '@longvid/core';
import { type FormatOptions, scoreResponse } from './rewards';
import { type RewardTarget, rewardTargetSchema } from './samples';

/**
 * A reward service speaking OpenRLHF's remote reward-model protocol (`--reward.remote_url`): `POST` a JSON
 * body `{ query: string[], prompts: string[], labels: string[] }` — `query[i]` is the prompt plus the
 * response as the trainer rendered it, `prompts[i]` the prompt, `labels[i]` the dataset's label (here
 * the sample's reward target as JSON, i.e. verl's `reward_model.ground_truth`) — and get
 * `{ rewards: number[], scores: number[], extra_logs: { format_valid: number[], <task>: number[] } }`.
 * `rewards` feed the advantages, `scores` (the same values in `[0, 1]`) OpenRLHF's dynamic filtering,
 * and every `extra_logs` entry has one number per query so OpenRLHF can concatenate them.
 */

/** Body of a reward request (OpenRLHF `remote_rm_fn`). */
export const rewardRequestSchema = z.object({
  query: z.array(z.string()).min(1),
  prompts: z.array(z.string()).optional(),
  labels: z.array(z.union([z.string(), z.record(z.string(), z.unknown())])),
});

/** Body of a reward reply. */
export interface RewardReply {
  rewards: number[];
  scores: number[];
  extra_logs: Record<string, number[]>;
}

/** The response part of a query: what follows the prompt (the whole query when the prompt is not in it). */
export function responseOfQuery(query: string, prompt: string | undefined): string {
  if (!prompt) return query;
  if (query.startsWith(prompt)) return query.slice(prompt.length);
  const at = query.lastIndexOf(prompt);
  return at >= 0 ? query.slice(at + prompt.length) : query;
}

/** Parses a label into a reward target. @throws LongVidError `BAD_INPUT` naming the label. */
export function parseRewardLabel(label: string | Record<string, unknown>, index = 0): RewardTarget {
  let value: unknown = label;
  if (typeof label === 'string') {
    try {
      value = JSON.parse(label);
    } catch {
      value = undefined;
    }
  }
  const parsed = rewardTargetSchema.safeParse(value);
  if (!parsed.success) {
    throw new LongVidError('BAD_INPUT', `labels[${index}] is not a reward target: ${typeof label === 'string' ? label.slice(0, 120) : JSON.stringify(label).slice(0, 120)}`, {
      details: { index },
      hint: 'Send the reward_model.ground_truth (or target) of samples exported by longvid export as the label (OpenRLHF --data.label_key).',
    });
  }
  return parsed.data;
}

/**
 * Scores one OpenRLHF request body (pure): validates it, takes the response out of each query, and
 * scores it against its label with {@link scoreResponse}.
 * @throws LongVidError `BAD_INPUT` for a malformed body or label, or lists of different lengths.
 */
export function scoreRewardRequest(body: unknown, options: FormatOptions = {}): RewardReply {
  const steps = scoringSteps(body, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The work of {@link scoreRewardRequest}, one query per step, so the server can hand the event loop
 * back between queries and stop a request that runs past its time budget.
 */
function* scoringSteps(body: unknown, options: FormatOptions): Generator<void, RewardReply> {
  const parsed = rewardRequestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LongVidError('BAD_INPUT', `bad reward request: ${issue.path.join('.') || 'body'}: ${issue.message}`, { details: { path: issue.path }, hint: 'POST {"query": [...], "prompts": [...], "labels": [...]} as OpenRLHF does.' });
  }
  const { query, prompts, labels } = parsed.data;
  if (labels.length !== query.length || (prompts && prompts.length !== query.length)) {
    throw new LongVidError('BAD_INPUT', `bad reward request: ${query.length} queries, ${prompts?.length ?? 0} prompts, ${labels.length} labels`, { details: { queries: query.length, labels: labels.length }, hint: 'Send one prompt and one label per query.' });
  }
  const rewards: number[] = [];
  const formatValid: number[] = [];
  const byTask: Record<string, number[]> = {};
  for (let i = 0; i < query.length; i += 1) {
    const target = parseRewardLabel(labels[i], i);
    const scored = scoreResponse(target, responseOfQuery(query[i], prompts?.[i]), options);
    rewards.push(scored.reward);
    formatValid.push(scored.formatValid ? 1 : 0);
    (byTask[`reward_${target.task}`] ??= new Array<number>(query.length).fill(Number.NaN))[i] = scored.reward;
    yield;
  }
  // One number per query in every log (NaN where another task's query sits would not survive JSON): use -1.
  const extra: Record<string, number[]> = { format_valid: formatValid };
  for (const [name, values] of Object.entries(byTask)) extra[name] = values.map((value) => (Number.isNaN(value) ? -1 : value));
  return { rewards, scores: [...rewards], extra_logs: extra };
}

/**
 * Scores a request like {@link scoreRewardRequest}, giving the event loop back between queries (so
 * `/health` and other requests are answered meanwhile) and stopping once `budgetMs` has passed.
 * @throws LongVidError `BAD_INPUT` as {@link scoreRewardRequest}; `ABORTED` (with `details.budgetMs`)
 *   past the budget.
 */
async function scoreWithinBudget(body: unknown, options: FormatOptions, budgetMs: number): Promise<RewardReply> {
  const started = performance.now();
  const steps = scoringSteps(body, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - started > budgetMs) {
      throw new LongVidError('ABORTED', `reward request ran past its time budget of ${budgetMs} ms`, { details: { budgetMs }, hint: 'send fewer queries per request or raise requestBudgetMs' });
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Options of {@link startRewardServer}. */
export interface RewardServerOptions extends FormatOptions {
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port; 0 picks a free one. Default 5000. */
  port?: number;
  /** Path of the reward endpoint. Default `/get_reward`. */
  path?: string;
  /** Largest request body, bytes. Default 64 MiB. */
  maxBodyBytes?: number;
  /**
   * Time budget of one reward request, milliseconds (default 10000): scoring gives the event loop
   * back after every query, and a request still scoring past its budget gets HTTP 503.
   */
  requestBudgetMs?: number;
  /** Called after each answered reward request. */
  onRequest?: (summary: { queries: number; meanReward: number; status: number }) => void;
}

/** A running reward service. */
export interface RewardServer {
  /** URL of the reward endpoint, e.g. `http://127.0.0.1:5000/get_reward` (give it to OpenRLHF as `--reward.remote_url`). */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the reward service (node:http): `POST <path>` scores a batch ({@link scoreRewardRequest});
 * `GET /health` answers `{ "status": "ok" }`; a malformed body gets HTTP 400 `{ error, hint }`, a
 * request past its time budget (`requestBudgetMs`) HTTP 503. Parsing is linear in the body
 * (`extractAnswerText`), and scoring hands the event loop back after every query, so one large or
 * degenerate request never stalls `/health` or other requests.
 * @throws Error when the port cannot be bound (e.g. EADDRINUSE).
 */
export async function startRewardServer(options: RewardServerOptions = {}): Promise<RewardServer> {
  const path = options.path ?? '/get_reward';
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const budgetMs = options.requestBudgetMs ?? 10000;
  const send = (response: ServerResponse, status: number, body: unknown): void => {
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && url === '/health') return send(response, 200, { status: 'ok' });
    if (request.method !== 'POST' || url !== path) return send(response, 404, { error: `no route ${request.method} ${url}`, hint: `POST ${path}` });
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        send(response, 413, { error: `request body over ${maxBodyBytes} bytes` });
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (response.writableEnded) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch (error) {
        send(response, 400, { error: `request body is not JSON (${(error as Error).message})`, hint: 'POST a JSON body.' });
        options.onRequest?.({ queries: 0, meanReward: 0, status: 400 });
        return;
      }
      scoreWithinBudget(body, options, budgetMs).then(
        (reply) => {
          send(response, 200, reply);
          options.onRequest?.({ queries: reply.rewards.length, meanReward: reply.rewards.reduce((sum, value) => sum + value, 0) / reply.rewards.length, status: 200 });
        },
        (error: unknown) => {
          const status = LongVidError.is(error) && error.code === 'ABORTED' ? 503 : 400;
          send(response, status, { error: LongVidError.is(error) ? error.message : String(error), hint: LongVidError.is(error) ? error.hint : undefined });
          options.onRequest?.({ queries: 0, meanReward: 0, status });
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 5000, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The OpenRLHF `train_ppo_ray` flags that point it at a reward service: `--reward.remote_url <url>`
 * and `--data.label_key <column>` (the dotted flags of current OpenRLHF, checked against
 * `engines/pinned/openrlhf.json`).
 * @param labelKey the dataset column holding the exported reward target (`answer` in EasyR1 JSONL).
 */
export function openRlhfRewardFlags(url: string, labelKey = 'answer'): string[] {
  return ['--reward.remote_url', url, '--data.label_key', labelKey];
}
