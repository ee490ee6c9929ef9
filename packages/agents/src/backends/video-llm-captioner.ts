import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { ModelCall, Observation, Resolution } from '@longvid/core';
import { spanLength } from '@longvid/core';
import type { CaptionRequest, CaptionResult, ClipCaptioner, NarrateRequest } from '@longvid/ingest';
import { extractFrames, scaledSize } from '@longvid/video';
import { z } from 'zod';
import type { VideoModelOptions } from '../llm/chat-model';
import { formatSeconds, framesToParts, type ImageDetail } from '../llm/media-parts';
import type { ModelCallCache } from '../llm/model-call-cache';
import type { TransportOptions } from '../llm/model-transport';
import { renderPrompt } from '../llm/prompts';
import { cachedReply, invokeStructured, MAX_MODEL_TEXT_CHARS } from '../llm/structured';
import { fenceVideoText } from '../llm/video-text';
import { planSampling, RESOLUTION_MAX_SIDE } from '../spec/sampling';

/** Prompt files of the captioner. */
export const CAPTION_PROMPTS = { caption: 'caption.v1', narrative: 'narrative.v2' } as const;

const captionReplySchema = z.object({
  caption: z.string().min(1).max(MAX_MODEL_TEXT_CHARS),
  onScreenText: z.array(z.string().max(MAX_MODEL_TEXT_CHARS)).max(50).default([]),
  confidence: z.number().min(0).max(1).default(0.5),
});

const narrativeReplySchema = z.object({ summary: z.string().min(1).max(MAX_MODEL_TEXT_CHARS) });

/** Options of {@link VideoLlmCaptioner}. */
export interface VideoLlmCaptionerOptions extends VideoModelOptions {
  /** Frames per second sampled in each clip (default 0.5); at least one frame per clip. */
  fps?: number;
  /** Most frames per clip, one call (default 8). */
  maxFramesPerClip?: number;
  /** Frame resolution (default `low`, 320 px). */
  resolution?: Resolution;
  /** OpenAI image `detail` (default `low`). */
  imageDetail?: ImageDetail;
  maxRetries?: number;
  transport?: TransportOptions;
  callCache?: ModelCallCache;
  onCall?: (call: ModelCall) => void;
}

/**
 * Captions clips with a video LLM at an OpenAI-compatible endpoint (prompt
 * `prompts/caption.v1.md`: frames of the clip as timestamped image parts → a caption, the
 * on-screen text and a confidence), and writes the narrative layer's summary of a scene from what
 * its clips show and say (prompt `prompts/narrative.v2.md`; the summarizer `buildNarrative` of
 * `@longvid/memory` calls at ingestion). Replies are zod-validated and retried
 * when malformed; calls are recorded for cost accounting and cached on disk.
 */
export class VideoLlmCaptioner implements ClipCaptioner {
  readonly specificationVersion = 'v1' as const;
  readonly captionerId: string;

  constructor(private readonly options: VideoLlmCaptionerOptions) {
    const resolution = options.resolution ?? 'low';
    this.captionerId = `video-llm:${options.modelName}:${CAPTION_PROMPTS.caption}:${CAPTION_PROMPTS.narrative}:${resolution}:${options.fps ?? 0.5}:${options.maxFramesPerClip ?? 8}`;
  }

  async doCaption(request: CaptionRequest, callOptions: { signal?: AbortSignal } = {}): Promise<CaptionResult> {
    const { span } = request;
    const length = spanLength(span);
    if (length <= 0) return { observations: [], framesUsed: 0 };
    const maxFrames = this.options.maxFramesPerClip ?? 8;
    const fps = Math.max(this.options.fps ?? 0.5, 1 / length);
    const plan = planSampling(span, fps, maxFrames, maxFrames);
    const resolution = this.options.resolution ?? 'low';
    const maxSide = RESOLUTION_MAX_SIDE[resolution];
    const size = scaledSize(this.options.video.width, this.options.video.height, maxSide);
    const detail = this.options.imageDetail ?? 'low';
    const system = renderPrompt(CAPTION_PROMPTS.caption, {});
    const header = `Clip ${request.clipIndex + 1}: ${formatSeconds(span.start)} to ${formatSeconds(span.end)}, ${plan.times.length} frames at ${size.width}x${size.height} pixels.`;
    const parts = { role: 'caption', model: this.options.modelName, prompt: CAPTION_PROMPTS.caption, video: this.options.videoKey, span, fps: plan.fps, resolution, size, detail };
    const cache = this.options.callCache;
    const cachedCaption = cache ? await cachedReply({ store: cache, parts }, captionReplySchema, { role: 'caption', model: this.options.modelName, span, onCall: this.options.onCall }) : undefined;
    let reply: z.infer<typeof captionReplySchema>;
    if (cachedCaption) {
      reply = cachedCaption.value;
    } else {
      const frames = await extractFrames(this.options.videoPath, this.options.binaries, { span, fps: plan.fps, maxSide }, { cacheDir: this.options.cacheDir, videoKey: this.options.videoKey, signal: callOptions.signal });
      const used = frames.slice(0, maxFrames);
      const content = [{ type: 'text' as const, text: header }, ...(await framesToParts(used, { cacheDir: this.options.cacheDir, videoKey: this.options.videoKey, detail, binaries: this.options.binaries, signal: callOptions.signal })), { type: 'text' as const, text: 'Reply with only the JSON object.' }];
      reply = await invokeStructured(this.options.model, [new SystemMessage(system), new HumanMessage({ content })], captionReplySchema, {
        maxRetries: this.options.maxRetries,
        signal: callOptions.signal,
        endpoint: this.options.endpoint,
        transport: this.options.transport,
        call: { role: 'caption', model: this.options.modelName, framesPerRequest: used.length, span, onCall: this.options.onCall },
        cache: cache && { store: cache, parts, checked: true },
      });
    }
    const tool = `caption:${this.options.modelName}`;
    const observations: Observation[] = [{ kind: 'caption', span: { ...span }, text: reply.caption.trim(), confidence: reply.confidence, tool }];
    for (const line of reply.onScreenText.map((text) => text.trim()).filter(Boolean)) {
      observations.push({ kind: 'text', span: { ...span }, text: line, confidence: reply.confidence, tool });
    }
    return { observations, framesUsed: plan.times.length };
  }

  async doNarrate(request: NarrateRequest, callOptions: { signal?: AbortSignal } = {}): Promise<string> {
    const system = renderPrompt(CAPTION_PROMPTS.narrative, {});
    const clips = request.clips.map((clip) => `- [${clip.span.start.toFixed(1)}–${clip.span.end.toFixed(1)} s] ${fenceVideoText(clip.text, 'clip', clip.span)}`).join('\n');
    const before = request.previous ? `Before this: ${fenceVideoText(request.previous, 'narrative')}\n\n` : '';
    const user = `${before}Clips from ${formatSeconds(request.span.start)} to ${formatSeconds(request.span.end)}:\n${clips}`;
    const reply = await invokeStructured(this.options.model, [new SystemMessage(system), new HumanMessage(user)], narrativeReplySchema, {
      maxRetries: this.options.maxRetries,
      signal: callOptions.signal,
      endpoint: this.options.endpoint,
      transport: this.options.transport,
      call: { role: 'narrative', model: this.options.modelName, span: request.span, onCall: this.options.onCall },
      cache: this.options.callCache && { store: this.options.callCache, parts: { role: 'narrative', model: this.options.modelName, prompt: CAPTION_PROMPTS.narrative, system, user } },
    });
    return reply.summary.trim();
  }
}
