import type { Observation, Span } from '@longvid/core';

/** One clip to caption at ingestion. */
export interface CaptionRequest {
  /** The clip, seconds. */
  span: Span;
  /** Position of the clip in the video's clip list, from 0. */
  clipIndex: number;
}

/** What a {@link ClipCaptioner} says about a clip. */
export interface CaptionResult {
  /** Caption and on-screen text observations, spans within the clip (seconds). */
  observations: Observation[];
  /** Frames looked at. */
  framesUsed: number;
}

/** One scene (a narrative group of consecutive events) to summarise. */
export interface NarrateRequest {
  /** The scene, seconds. */
  span: Span;
  /** What each of its clips shows and says (captions, objects, on-screen text, words spoken), in order. */
  clips: { span: Span; text: string }[];
  /** The previous scene's summary, for continuity; absent for the first. */
  previous?: string;
}

/**
 * Describes clips at ingestion (the memory's captions) and writes the narrative layer's summaries
 * (one per scene, as the summarizer of `buildNarrative` in `@longvid/memory`). Implementation: a video LLM at an OpenAI-compatible endpoint
 * (`VideoLlmCaptioner` of `@longvid/agents`, made by the session); the mock is `MockCaptioner` of
 * `@longvid/ingest/testing`. Versioned like the Vercel AI SDK's `LanguageModelV2`.
 * `doCaption` and `doNarrate` may throw LongVidError `ABORTED`, `ENDPOINT_UNREACHABLE`,
 * `ENDPOINT_ERROR` or `MALFORMED_LLM_REPLY`; ingestion then stops and resumes from its checkpoints.
 */
export interface ClipCaptioner {
  readonly specificationVersion: 'v1';
  /** Identifies the model and prompt versions; part of the memory's cache key. */
  readonly captionerId: string;
  doCaption(request: CaptionRequest, options?: { signal?: AbortSignal }): Promise<CaptionResult>;
  /** @returns the summary text of the scene. */
  doNarrate(request: NarrateRequest, options?: { signal?: AbortSignal }): Promise<string>;
}
