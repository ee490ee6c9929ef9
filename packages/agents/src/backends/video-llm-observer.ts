import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { ModelCall, ObservationKind, Span } from '@longvid/core';
import { spanLength } from '@longvid/core';
import type { MemoryStore } from '@longvid/memory';
import { extractFrames, scaledSize } from '@longvid/video';
import { z } from 'zod';
import type { ObserveRequest, ObserveResult, ObserverBackbone } from '../spec/interfaces';
import { planSampling, RESOLUTION_MAX_SIDE } from '../spec/sampling';
import { toolUsesFrames } from '../spec/tools';
import type { VideoModelOptions } from '../llm/chat-model';
import { clipPart, cutClip, formatSeconds, framesToParts, type ContentPart, type ImageDetail, type VideoTransport } from '../llm/media-parts';
import type { ModelCallCache } from '../llm/model-call-cache';
import type { TransportOptions } from '../llm/model-transport';
import { renderPrompt, type PromptName } from '../llm/prompts';
import { cachedReply, invokeStructured, MAX_MODEL_TEXT_CHARS } from '../llm/structured';
import { fenceVideoText } from '../llm/video-text';

/** The prompt file of each observer mode. */
export const OBSERVER_PROMPTS: Record<'frames' | 'video', PromptName> = { frames: 'observer.v1', video: 'observer-video.v1' };

/** The evidence a video LLM returns (zod-validated; times are checked against the request after). */
export const observerReplySchema = z.object({
  evidence: z
    .array(
      z.object({
        start: z.number().finite(),
        end: z.number().finite(),
        description: z.string().min(1).max(MAX_MODEL_TEXT_CHARS),
        confidence: z.number().min(0).max(1),
        kind: z.enum(['text', 'caption', 'object']).optional(),
      }),
    )
    .max(20),
});

/** A reply of {@link observerReplySchema}. */
export type ObserverReply = z.infer<typeof observerReplySchema>;

/**
 * Turns a model-reported time span into one inside `bounds`, or undefined: the model's spans are
 * never trusted. Reversed spans are put in order; a span overlapping `bounds` is clamped to it; a
 * point inside is widened by `pad` seconds each side (within bounds); a span outside is dropped.
 */
export function clampReportedSpan(start: number, end: number, bounds: Span, pad: number): Span | undefined {
  const low = Math.min(start, end);
  const high = Math.max(start, end);
  if (high < bounds.start || low > bounds.end) return undefined;
  if (high - low <= 1e-9) return { start: Math.max(bounds.start, low - pad), end: Math.min(bounds.end, high + pad) };
  const clamped = { start: Math.max(bounds.start, low), end: Math.min(bounds.end, high) };
  return clamped.end > clamped.start ? clamped : undefined;
}

/** Options of {@link VideoLlmObserver}. */
export interface VideoLlmObserverOptions extends VideoModelOptions {
  /** `frames` (default): timestamped image parts; `video`: the clip as one `video_url` part. */
  mode?: 'frames' | 'video';
  /** How a clip is sent in `video` mode (default `data-url`). */
  videoTransport?: VideoTransport;
  /** OpenAI image `detail` of each frame (default `auto`). */
  imageDetail?: ImageDetail;
  /** Most frames in one call (default 32); a longer request is split into consecutive calls. */
  maxFramesPerCall?: number;
  /** Episodic memory: what it holds for the span goes into the request. */
  memory?: MemoryStore;
  /** Observer for the tools that need no frames (`subtitles`, `memory`), e.g. the local one. */
  fallback?: ObserverBackbone;
  /** Extra attempts after a malformed reply (default 2). */
  maxRetries?: number;
  /** Timeouts, retries with backoff and the shared concurrency limit. */
  transport?: TransportOptions;
  /** On-disk call cache, keyed by model, video, span, fps, resolution, detail, mode, tool, question and prompt version. */
  callCache?: ModelCallCache;
  /** One cost record per call. */
  onCall?: (call: ModelCall) => void;
}

async function memoryContext(memory: MemoryStore | undefined, span: Span): Promise<string> {
  const events = (await memory?.eventsInSpan(span)) ?? [];
  if (events.length === 0) return '(nothing)';
  return events
    .slice(0, 10)
    .map((event) => `- [${event.span.start.toFixed(1)}–${event.span.end.toFixed(1)} s] ${event.text ? fenceVideoText(event.text.slice(0, 300), 'memory', event.span) : '(nothing recorded)'}`)
    .join('\n');
}

/**
 * Observer backbone backed by a video LLM at any OpenAI-compatible endpoint (for example an
 * MVP-trained Qwen2.5-VL served by vLLM, or a hosted model), through LangChain `ChatOpenAI`.
 *
 * For an `ocr` or `watch` request it samples frames of the span at the planner's fps and
 * resolution (longest side {@link RESOLUTION_MAX_SIDE}), lowering the fps so the frames fit
 * `request.maxFrames`, splits them into calls of at most `maxFramesPerCall` frames, and sends each
 * call the question, what memory already holds for the span and the frames: in `frames` mode as
 * base64 JPEG image parts each preceded by a `Frame at 21.25 s:` text part (prompt
 * `prompts/observer.v1.md`); in `video` mode as one `video_url` part holding the clip cut with
 * ffmpeg at that fps and size (prompt `prompts/observer-video.v1.md`; times in the reply are
 * seconds from the clip's start). The reply is zod-validated time-stamped evidence (start, end,
 * description, confidence); spans outside the call's span are clamped to it or dropped. Calls are
 * cached on disk, so a rerun makes none. `subtitles`, `memory` and `detect` requests go to `fallback` (the local observer with its detector).
 */
export class VideoLlmObserver implements ObserverBackbone {
  readonly specificationVersion = 'v1' as const;
  readonly observerId: string;
  private readonly mode: 'frames' | 'video';

  constructor(private readonly options: VideoLlmObserverOptions) {
    this.mode = options.mode ?? 'frames';
    this.observerId = `video-llm:${options.modelName}${this.mode === 'video' ? ':video' : ''}`;
  }

  async doObserve(request: ObserveRequest, callOptions: { signal?: AbortSignal } = {}): Promise<ObserveResult> {
    // Tools without frames, and `detect` (the local object detector), go to the fallback observer.
    if (!toolUsesFrames(request.tool) || request.tool === 'detect') {
      return this.options.fallback ? this.options.fallback.doObserve(request, callOptions) : { evidence: [], framesUsed: 0 };
    }
    const { signal } = callOptions;
    const plan = planSampling(request.span, request.fps, request.maxFrames, this.options.maxFramesPerCall ?? 32);
    if (plan.times.length === 0) return { evidence: [], framesUsed: 0 };
    const maxSide = RESOLUTION_MAX_SIDE[request.resolution];
    const size = scaledSize(this.options.video.width, this.options.video.height, maxSide);
    const detail = this.options.imageDetail ?? 'auto';
    const prompt = OBSERVER_PROMPTS[this.mode];
    const context = await memoryContext(this.options.memory, request.span);
    const keyOf = (index: number): unknown => ({
      role: 'observer',
      model: this.options.modelName,
      prompt,
      mode: this.mode,
      video: this.options.videoKey,
      span: request.span,
      fps: plan.fps,
      resolution: request.resolution,
      size,
      detail,
      tool: request.tool,
      query: request.query,
      memory: context,
      chunk: [index, plan.chunks.length],
    });

    // Cache check first, so a rerun neither decodes frames nor calls the endpoint.
    const cache = this.options.callCache;
    const cached: (ObserverReply | undefined)[] = await Promise.all(
      plan.chunks.map(async (chunk, index) =>
        cache ? (await cachedReply({ store: cache, parts: keyOf(index) }, observerReplySchema, { role: 'observer', model: this.options.modelName, span: chunk.span, round: request.round, onCall: this.options.onCall }))?.value : undefined,
      ),
    );
    let frames: Awaited<ReturnType<typeof extractFrames>> | undefined;
    if (this.mode === 'frames' && cached.some((reply) => !reply)) {
      frames = await extractFrames(this.options.videoPath, this.options.binaries, { span: request.span, fps: plan.fps, maxSide }, { cacheDir: this.options.cacheDir, videoKey: this.options.videoKey, signal });
    }

    const replies = await Promise.all(
      plan.chunks.map(async (chunk, index) => {
        const hit = cached[index];
        if (hit) return { chunk, reply: hit };
        const parts: ContentPart[] = [
          {
            type: 'text',
            text: [
              `Question: ${request.query}`,
              request.tool === 'ocr' ? 'Focus: read the on-screen text exactly.' : 'Focus: whatever in the frames helps answer the question, on-screen text included.',
              this.mode === 'video'
                ? `The clip shows ${formatSeconds(chunk.span.start)} to ${formatSeconds(chunk.span.end)} of a ${formatSeconds(this.options.video.duration)} video: ${chunk.times.length} frames at ${Number(plan.fps.toFixed(4))} fps, ${size.width}x${size.height} pixels (resolution "${request.resolution}"). Report times in seconds from the start of the clip.`
                : `You see ${chunk.times.length} frames of ${formatSeconds(chunk.span.start)} to ${formatSeconds(chunk.span.end)} of a ${formatSeconds(this.options.video.duration)} video, sampled at ${Number(plan.fps.toFixed(4))} fps, ${size.width}x${size.height} pixels (resolution "${request.resolution}").`,
              `Memory already holds for this span:\n${context}`,
            ].join('\n'),
          },
        ];
        if (this.mode === 'video') {
          const path = await cutClip(this.options.videoPath, this.options.binaries, { span: chunk.span, fps: plan.fps, frames: chunk.times.length, width: size.width, height: size.height }, { cacheDir: this.options.cacheDir, videoKey: this.options.videoKey, signal });
          parts.push(await clipPart(path, this.options.videoTransport ?? 'data-url'));
        } else {
          const last = index === plan.chunks.length - 1;
          const chunkFrames = (frames ?? []).filter((frame) => frame.time >= chunk.span.start && (frame.time < chunk.span.end || (last && frame.time <= chunk.span.end)));
          parts.push(...(await framesToParts(chunkFrames, { cacheDir: this.options.cacheDir, videoKey: this.options.videoKey, detail, binaries: this.options.binaries, signal })));
        }
        parts.push({ type: 'text', text: 'Reply with only the JSON object.' });
        const reply = await invokeStructured(this.options.model, [new SystemMessage(renderPrompt(prompt, {})), new HumanMessage({ content: parts })], observerReplySchema, {
          maxRetries: this.options.maxRetries,
          signal,
          endpoint: this.options.endpoint,
          transport: this.options.transport,
          call: { role: 'observer', model: this.options.modelName, framesPerRequest: chunk.times.length, span: chunk.span, round: request.round, onCall: this.options.onCall },
          cache: cache && { store: cache, parts: keyOf(index), checked: true },
        });
        return { chunk, reply };
      }),
    );

    const half = 0.5 / plan.fps;
    const evidence: ObserveResult['evidence'] = [];
    for (const { chunk, reply } of replies) {
      const offset = this.mode === 'video' ? chunk.span.start : 0;
      for (const item of reply.evidence) {
        const span = clampReportedSpan(item.start + offset, item.end + offset, chunk.span, half);
        if (!span) continue;
        const kind: ObservationKind = item.kind ?? (request.tool === 'ocr' ? 'text' : 'caption');
        evidence.push({ kind, span, text: item.description.trim(), confidence: item.confidence, tool: request.tool });
      }
    }
    evidence.sort((a, b) => a.span.start - b.span.start);
    return { evidence, framesUsed: plan.times.length };
  }
}
