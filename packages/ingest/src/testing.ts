/**
 * Test doubles for the ingest package: a recording mock of the {@link ClipCaptioner} interface.
 * @packageDocumentation
 */
import type { CaptionRequest, CaptionResult, ClipCaptioner, NarrateRequest } from './captioner';

/** A clip captioner that returns scripted captions and summaries and records its requests. */
export class MockCaptioner implements ClipCaptioner {
  readonly specificationVersion = 'v1' as const;
  readonly captionerId = 'mock';
  readonly captionCalls: CaptionRequest[] = [];
  readonly narrateCalls: NarrateRequest[] = [];
  constructor(
    private readonly caption: (request: CaptionRequest) => CaptionResult,
    private readonly narrate: (request: NarrateRequest) => string = (request) => request.clips.map((clip) => clip.text).join(' Then '),
  ) {}
  async doCaption(request: CaptionRequest): Promise<CaptionResult> {
    this.captionCalls.push(request);
    return this.caption(request);
  }
  async doNarrate(request: NarrateRequest): Promise<string> {
    this.narrateCalls.push(request);
    return this.narrate(request);
  }
}
