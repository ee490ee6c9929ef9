import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OnProgress, Settings } from '@longvid/core';
import { atomicWriteFile, LongVidError, progress, throwIfAborted } from '@longvid/core';
import { ChatOpenAI } from '@langchain/openai';
import { endpointError } from '@longvid/perception';
import { groupAdvantages, groupStatistics, hasZeroVariance } from './grpo';
import { type FormatOptions, scoreResponse } from './rewards';
import type { TrainingSample } from './samples';

/** One part of an OpenAI chat message: text or an image (data or http URL). */
export type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/** An OpenAI-format chat message. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string | ChatContentPart[];
}

/** A sampling request to a policy. */
export interface PolicySampleRequest {
  messages: ChatMessage[];
  /** How many responses to draw (G). */
  n: number;
  /** Sampling temperature. */
  temperature: number;
  /** Most tokens per response. */
  maxTokens?: number;
  signal?: AbortSignal;
}

/**
 * A policy that answers prompts: the model under training, served somewhere (versioned like the
 * Vercel AI SDK's model interfaces). Mocks live in `@longvid/training/testing`.
 */
export interface RolloutPolicy {
  readonly specificationVersion: 'v1';
  /** Name for rollout files (model name at the endpoint). */
  readonly policyId: string;
  /** Draws `n` responses to the same messages. */
  doSample(request: PolicySampleRequest): Promise<{ texts: string[]; inputTokens: number; outputTokens: number }>;
}

/**
 * A {@link RolloutPolicy} over any OpenAI-compatible chat endpoint (vLLM serving the policy under
 * training, OpenAI, Ollama) through LangChain's `ChatOpenAI`, sampling at the request's temperature.
 * Draws the G responses as G requests (every server supports it; vLLM's prefix cache makes the
 * repeated prompt cheap).
 */
export class OpenAICompatiblePolicy implements RolloutPolicy {
  readonly specificationVersion = 'v1' as const;
  readonly policyId: string;

  constructor(private readonly settings: Pick<Settings, 'baseUrl' | 'apiKey' | 'model' | 'timeoutMs' | 'maxRetries'>) {
    this.policyId = settings.model;
  }

  async doSample(request: PolicySampleRequest): Promise<{ texts: string[]; inputTokens: number; outputTokens: number }> {
    if (!this.settings.baseUrl) {
      throw new LongVidError('BAD_SETTING', 'no OpenAI-compatible endpoint is configured for rollouts', { hint: 'set LONGVID_BASE_URL (--base-url) to the server of the policy, e.g. http://localhost:8000/v1 for vLLM' });
    }
    const model = new ChatOpenAI({
      model: this.settings.model,
      apiKey: this.settings.apiKey ?? 'not-needed',
      temperature: request.temperature,
      maxTokens: request.maxTokens,
      maxRetries: this.settings.maxRetries,
      timeout: this.settings.timeoutMs,
      configuration: { baseURL: this.settings.baseUrl },
    });
    const texts: string[] = [];
    let inputTokens = 0;
    let outputTokens = 0;
    for (let k = 0; k < request.n; k += 1) {
      throwIfAborted(request.signal);
      try {
        const reply = await model.invoke(
          request.messages.map((message) => ({ type: message.role === 'user' ? ('human' as const) : message.role === 'assistant' ? ('ai' as const) : ('system' as const), content: message.content })),
          { signal: request.signal },
        );
        const content = reply.content;
        texts.push(typeof content === 'string' ? content : content.map((part) => ('text' in part && typeof part.text === 'string' ? part.text : '')).join(''));
        inputTokens += reply.usage_metadata?.input_tokens ?? 0;
        outputTokens += reply.usage_metadata?.output_tokens ?? 0;
      } catch (error) {
        throw endpointError(error, this.settings.baseUrl ?? 'the endpoint');
      }
    }
    return { texts, inputTokens, outputTokens };
  }
}

/**
 * The chat messages of a sample for an OpenAI-compatible vision model: the prompt text split at its
 * `<video>`/`<image>` placeholders, each video replaced by its frames and each image by itself, as
 * base64 JPEG data URLs read from the dataset directory.
 * @throws LongVidError `BAD_INPUT` when the placeholders and media do not match; file errors as is.
 */
export async function sampleMessages(sample: TrainingSample, datasetDirectory: string): Promise<ChatMessage[]> {
  const pieces = sample.prompt.split(/(<video>|<image>)/);
  const placeholders = pieces.filter((piece) => piece === '<video>' || piece === '<image>');
  if (placeholders.length !== sample.media.length || placeholders.some((piece, i) => piece !== `<${sample.media[i].type}>`)) {
    throw new LongVidError('BAD_INPUT', `sample ${sample.id}: ${placeholders.length} placeholders for ${sample.media.length} media items`, { details: { id: sample.id }, hint: 'Use samples written by longvid mvp/ssr synth.' });
  }
  const image = async (path: string): Promise<ChatContentPart> => ({ type: 'image_url', image_url: { url: `data:image/jpeg;base64,${(await readFile(join(datasetDirectory, path))).toString('base64')}` } });
  const content: ChatContentPart[] = [];
  let mediaIndex = 0;
  for (const piece of pieces) {
    if (piece === '<video>' || piece === '<image>') {
      const item = sample.media[mediaIndex];
      mediaIndex += 1;
      if (item.type === 'image') content.push(await image(item.frame));
      else for (const frame of item.frames) content.push(await image(frame));
    } else if (piece.length > 0) content.push({ type: 'text', text: piece });
  }
  return [{ role: 'user', content }];
}

/** One scored response of a rollout group. */
export interface RolloutResponse {
  text: string;
  reward: number;
  formatValid: boolean;
  /** Group-relative advantage (0 in a dropped group). */
  advantage: number;
}

/** G responses to one sample, scored, with advantages. */
export interface RolloutGroup {
  sampleId: string;
  task: TrainingSample['task'];
  policyId: string;
  responses: RolloutResponse[];
  meanReward: number;
  /** Sample standard deviation of the rewards. */
  rewardStd: number;
  /** True when all rewards are equal: no learning signal, dropped from the update (DAPO). */
  dropped: boolean;
  inputTokens: number;
  outputTokens: number;
}

/** Options of {@link runRollouts}. */
export interface RolloutOptions extends FormatOptions {
  /** Dataset directory (frame paths are relative to it). */
  datasetDirectory: string;
  /** G, responses per prompt. Default 8. */
  groupSize?: number;
  /** Default 1.0. */
  temperature?: number;
  /** Default 512. */
  maxTokens?: number;
  /** Advantages scaled by the group std (GRPO) or not (Dr. GRPO). Default true. */
  scaleByStd?: boolean;
  /** Samples in flight at once. Default 2. */
  concurrency?: number;
  signal?: AbortSignal;
  /** `{ stage: 'rollout', unit: 'samples', done, total }`. */
  onProgress?: OnProgress;
}

/**
 * Rollouts for GRPO against a served policy: for each sample, draws G responses, scores each with
 * the sample's reward ({@link scoreResponse}), and computes group-relative advantages; groups whose
 * rewards are all equal are marked `dropped`.
 * @throws LongVidError from the policy (`ENDPOINT_UNREACHABLE`, `ENDPOINT_ERROR`...), `ABORTED`.
 */
export async function runRollouts(samples: readonly TrainingSample[], policy: RolloutPolicy, options: RolloutOptions): Promise<RolloutGroup[]> {
  const groupSize = options.groupSize ?? 8;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const groups: RolloutGroup[] = new Array(samples.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < samples.length) {
      const index = next;
      next += 1;
      throwIfAborted(options.signal);
      const sample = samples[index];
      const messages = await sampleMessages(sample, options.datasetDirectory);
      const { texts, inputTokens, outputTokens } = await policy.doSample({ messages, n: groupSize, temperature: options.temperature ?? 1, maxTokens: options.maxTokens ?? 512, signal: options.signal });
      const scored = texts.map((text) => ({ text, ...scoreResponse(sample.target, text, options) }));
      const rewards = scored.map((entry) => entry.reward);
      const dropped = hasZeroVariance(rewards);
      const advantages = dropped ? rewards.map(() => 0) : groupAdvantages(rewards, { scaleByStd: options.scaleByStd ?? true });
      const { mean, std } = groupStatistics(rewards);
      groups[index] = {
        sampleId: sample.id,
        task: sample.task,
        policyId: policy.policyId,
        responses: scored.map((entry, g) => ({ text: entry.text, reward: entry.reward, formatValid: entry.formatValid, advantage: advantages[g] })),
        meanReward: mean,
        rewardStd: std,
        dropped,
        inputTokens,
        outputTokens,
      };
      done += 1;
      options.onProgress?.(progress('rollout', done, samples.length));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, samples.length) }, worker));
  return groups;
}

/** Writes rollout groups as JSONL (one group per line), atomically. */
export async function writeRollouts(groups: readonly RolloutGroup[], path: string): Promise<void> {
  await atomicWriteFile(path, groups.map((group) => JSON.stringify(group)).join('\n') + (groups.length > 0 ? '\n' : ''));
}
