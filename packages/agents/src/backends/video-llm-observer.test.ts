import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelCall, VideoInfo } from '@longvid/core';
import { LongVidError } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { extractFrames, type FfmpegBinaries, probeVideo, resolveFfmpeg, sampleTimes, videoContentHash } from '@longvid/video';
import type { ObserveRequest } from '../spec/interfaces';
import { createChatModel } from '../llm/chat-model';
import { ModelCallCache } from '../llm/model-call-cache';
import { type ChatScript, jpegDimensions, MockObserver, requestMedia, requestRole, requestUserText, scriptedVideoModel, startScriptedOpenAIServer } from '../testing';
import { encodeJpegs, framesToParts, splitJpegStream } from '../llm/media-parts';
import { clampReportedSpan, VideoLlmObserver, type VideoLlmObserverOptions } from './video-llm-observer';
import { planSampling } from '../spec/sampling';

/**
 * The video-LLM observer on the real dev_long.mp4 against the scripted OpenAI-protocol server:
 * what each request carries (image parts, timestamps, resolution, video_url clips) and what comes
 * back (evidence clamped to the request, cost records, cache).
 */
const video = sharedVideo('dev_long.mp4');
let binaries: FfmpegBinaries;
let info: VideoInfo;
let videoKey: string;

beforeAll(async () => {
  binaries = resolveFfmpeg({});
  info = await probeVideo(video, binaries);
  videoKey = await videoContentHash(video);
});

const request = (overrides: Partial<ObserveRequest> = {}): ObserveRequest => ({
  span: { start: 19, end: 27 },
  fps: 2,
  maxFrames: 100,
  resolution: 'low',
  tool: 'watch',
  query: 'What is the locker number?',
  round: 1,
  ...overrides,
});

async function withServer<T>(script: ChatScript, run: (baseUrl: string, requests: Awaited<ReturnType<typeof startScriptedOpenAIServer>>['requests']) => Promise<T>): Promise<T> {
  const server = await startScriptedOpenAIServer(script);
  try {
    return await run(server.baseUrl, server.requests);
  } finally {
    await server.close();
  }
}

function observer(baseUrl: string, options: Partial<VideoLlmObserverOptions> = {}): VideoLlmObserver {
  return new VideoLlmObserver({
    model: createChatModel({ baseUrl, model: 'scripted-vlm', apiKey: 'k', timeoutMs: 10000, maxRetries: 0 }),
    modelName: 'scripted-vlm',
    endpoint: baseUrl,
    videoPath: video,
    video: info,
    binaries,
    videoKey,
    cacheDir: mkdtempSync(join(tmpdir(), 'longvid-observer-')),
    maxRetries: 1,
    ...options,
  });
}

describe('planSampling and clampReportedSpan', () => {
  it('samples the extractFrames grid, lowers fps to the budget and splits calls', () => {
    const plan = planSampling({ start: 10, end: 20 }, 2, 100, 32);
    expect(plan.times).toEqual(sampleTimes({ start: 10, end: 20 }, 2));
    expect(plan.chunks).toHaveLength(1);
    const capped = planSampling({ start: 10, end: 20 }, 5, 12, 32);
    expect(capped.times).toHaveLength(12);
    expect(capped.fps).toBeCloseTo(1.2);
    const split = planSampling({ start: 0, end: 10 }, 2, 100, 8);
    expect(split.chunks.map((c) => c.times.length)).toEqual([7, 7, 6]);
    expect(split.chunks[0].span.start).toBe(0);
    expect(split.chunks[2].span.end).toBe(10);
    expect(split.chunks[1].span.start).toBe(split.chunks[0].span.end);
    expect(split.chunks.flatMap((c) => c.times)).toEqual(split.times);
    expect(planSampling({ start: 5, end: 5 }, 2, 10, 8).times).toEqual([]);
  });

  it('never trusts a reported span: orders, clamps, widens points, drops outside', () => {
    const bounds = { start: 20, end: 30 };
    expect(clampReportedSpan(25, 22, bounds, 0.25)).toEqual({ start: 22, end: 25 });
    expect(clampReportedSpan(15, 22, bounds, 0.25)).toEqual({ start: 20, end: 22 });
    expect(clampReportedSpan(25, 25, bounds, 0.25)).toEqual({ start: 24.75, end: 25.25 });
    expect(clampReportedSpan(40, 45, bounds, 0.25)).toBeUndefined();
    expect(clampReportedSpan(-3, 5, bounds, 0.25)).toBeUndefined();
  });
});

describe('frame encoding', () => {
  it('encodes frames as JPEG files with one ffmpeg run, and with jpeg-js without ffmpeg', async () => {
    const frames = await extractFrames(video, binaries, { span: { start: 20, end: 23 }, fps: 1, maxSide: 320 });
    const files = await encodeJpegs(frames, binaries);
    expect(files).toHaveLength(3);
    expect(files.map((file) => jpegDimensions(file))).toEqual(frames.map(() => ({ width: 320, height: 180 })));
    expect(splitJpegStream(Buffer.concat(files)).map((file) => file.length)).toEqual(files.map((file) => file.length));
    expect(() => splitJpegStream(Buffer.from('not a jpeg'))).toThrow(/no JPEG start marker/);
    const cacheDir = mkdtempSync(join(tmpdir(), 'longvid-jpeg-'));
    const viaJs = await framesToParts(frames.slice(0, 1), { cacheDir, videoKey, detail: 'low' });
    const url = viaJs[1].type === 'image_url' ? viaJs[1].image_url.url : '';
    expect(jpegDimensions(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'))).toEqual({ width: 320, height: 180 });
    expect(viaJs[0]).toEqual({ type: 'text', text: `Frame at ${frames[0].time.toFixed(2)} s:` });
  });
});

describe('VideoLlmObserver (frames mode)', () => {
  it('sends each frame as a low-resolution JPEG after its timestamp, with the question and memory, and gets the caption back', async () => {
    await withServer(scriptedVideoModel(), async (baseUrl, requests) => {
      const calls: ModelCall[] = [];
      const memory = new MockObserver(() => ({ evidence: [], framesUsed: 0 }));
      const result = await observer(baseUrl, { imageDetail: 'low', onCall: (c) => calls.push(c), fallback: memory }).doObserve(request());
      expect(requests).toHaveLength(1);
      expect(requestRole(requests[0])).toBe('observer');
      const media = requestMedia(requests[0]);
      const expected = sampleTimes({ start: 19, end: 27 }, 2);
      expect(media).toHaveLength(expected.length);
      expect(media.every((m) => m.kind === 'image' && m.width === 320 && m.height === 180 && m.detail === 'low')).toBe(true);
      const stamps = media.map((m) => (m.kind === 'image' ? m.timestamp : undefined));
      expect(stamps).toEqual(expected.map((t) => Number(t.toFixed(2))));
      expect(requestUserText(requests[0])).toContain('Question: What is the locker number?');
      expect(requestUserText(requests[0])).toContain('Memory already holds for this span:');
      const locker = result.evidence.find((e) => e.text === 'LOCKER 318');
      expect(locker).toMatchObject({ kind: 'text', tool: 'watch' });
      expect(locker!.span.start).toBeGreaterThanOrEqual(20.5);
      expect(locker!.span.end).toBeLessThanOrEqual(24.5);
      expect(result.framesUsed).toBe(expected.length);
      expect(calls).toEqual([expect.objectContaining({ role: 'observer', model: 'scripted-vlm', framesSent: expected.length, attempts: 1, cached: false, round: 1, span: { start: 19, end: 27 } })]);
      expect(calls[0].inputTokens).toBeGreaterThanOrEqual(expected.length * 84);
      // subtitles and memory need no frames: they go to the fallback observer.
      await observer(baseUrl, { fallback: memory }).doObserve(request({ tool: 'subtitles' }));
      expect(memory.calls).toHaveLength(1);
      expect(requests).toHaveLength(1);
    });
  });

  it('asks for the planned resolution, caps frames at the budget and splits calls', async () => {
    await withServer(scriptedVideoModel(), async (baseUrl, requests) => {
      const medium = await observer(baseUrl).doObserve(request({ span: { start: 87, end: 93 }, resolution: 'medium', fps: 1 }));
      expect(requestMedia(requests[0]).every((m) => m.width === 640 && m.height === 360)).toBe(true);
      expect(medium.evidence.map((e) => e.text)).toContain('TRAIN LEAVES AT 7:45');
      const capped = await observer(baseUrl, { maxFramesPerCall: 5 }).doObserve(request({ span: { start: 0, end: 10 }, fps: 5, maxFrames: 12 }));
      expect(capped.framesUsed).toBe(12);
      const split = requests.slice(1);
      expect(split.map((r) => requestMedia(r).length)).toEqual([4, 4, 4]);
      // The calls run concurrently, so they may arrive in any order; each holds consecutive frames.
      const groups = split.map((r) => requestMedia(r).map((m) => (m.kind === 'image' ? m.timestamp! : NaN))).sort((a, b) => a[0] - b[0]);
      for (const group of groups) expect(group).toEqual([...group].sort((a, b) => a - b));
      const stamps = groups.flat();
      expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
      expect(new Set(stamps).size).toBe(12);
      expect(stamps[0]).toBeGreaterThanOrEqual(0);
      expect(stamps[stamps.length - 1]).toBeLessThan(10);
      expect(capped.evidence.some((e) => e.text.includes('blue mug'))).toBe(true);
    });
  });

  it('clamps or drops evidence the model places outside the request', async () => {
    const script: ChatScript = () =>
      JSON.stringify({
        evidence: [
          { start: 15, end: 22, description: 'starts before the span', confidence: 0.9 },
          { start: 50, end: 55, description: 'outside the span', confidence: 0.9 },
          { start: 23, end: 23, description: 'a point', confidence: 0.7, kind: 'object' },
        ],
      });
    await withServer(script, async (baseUrl) => {
      const result = await observer(baseUrl).doObserve(request());
      expect(result.evidence.map((e) => [e.text, e.span])).toEqual([
        ['starts before the span', { start: 19, end: 22 }],
        ['a point', { start: 22.75, end: 23.25 }],
      ]);
      expect(result.evidence[1].kind).toBe('object');
    });
  });

  it('asks again after a malformed reply, and gives up with MALFORMED_LLM_REPLY', async () => {
    const base = scriptedVideoModel();
    await withServer((req, index) => (index === 0 ? 'I see a locker.' : base(req, index)), async (baseUrl, requests) => {
      const result = await observer(baseUrl).doObserve(request());
      expect(requests).toHaveLength(2);
      expect(requestUserText(requests[1])).toContain('could not be used');
      expect(result.evidence.map((e) => e.text)).toContain('LOCKER 318');
    });
    await withServer(() => '{"evidence": [{"start": "soon"}]}', async (baseUrl) => {
      const error = await observer(baseUrl).doObserve(request()).catch((e: unknown) => e);
      expect(LongVidError.is(error) && error.code).toBe('MALFORMED_LLM_REPLY');
    });
  });

  it('answers a repeated request from the on-disk cache without extracting frames or calling', async () => {
    await withServer(scriptedVideoModel(), async (baseUrl, requests) => {
      const cacheDir = mkdtempSync(join(tmpdir(), 'longvid-observer-cache-'));
      const callCache = new ModelCallCache(join(cacheDir, 'model-calls'));
      const first = await observer(baseUrl, { cacheDir, callCache }).doObserve(request());
      const calls: ModelCall[] = [];
      // No ffmpeg and an empty frame cache: any frame extraction would fail.
      const noFfmpeg: FfmpegBinaries = { ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe', source: 'setting' };
      const emptyCacheDir = mkdtempSync(join(tmpdir(), 'longvid-observer-empty-'));
      const second = await observer(baseUrl, { cacheDir: emptyCacheDir, binaries: noFfmpeg, callCache, onCall: (c) => calls.push(c) }).doObserve(request());
      expect(requests).toHaveLength(1);
      expect(second).toEqual(first);
      expect(calls).toEqual([expect.objectContaining({ cached: true, framesSent: 0, attempts: 0 })]);
      // A different resolution or question is a different call.
      await observer(baseUrl, { cacheDir, callCache }).doObserve(request({ resolution: 'medium' }));
      await observer(baseUrl, { cacheDir, callCache }).doObserve(request({ query: 'What colour is the mug?' }));
      expect(requests).toHaveLength(3);
    });
  });
});

describe('VideoLlmObserver (video mode)', () => {
  it('sends the span as one video_url clip at the planned fps and size, and maps clip times back', async () => {
    await withServer(scriptedVideoModel(), async (baseUrl, requests) => {
      const result = await observer(baseUrl, { mode: 'video' }).doObserve(request({ span: { start: 86, end: 94 }, fps: 2, resolution: 'low' }));
      expect(requests).toHaveLength(1);
      expect(requestRole(requests[0])).toBe('observer-video');
      const media = requestMedia(requests[0]);
      expect(media).toHaveLength(1);
      expect(media[0]).toMatchObject({ kind: 'video', frames: 16, width: 320, height: 180 });
      expect(media[0].url.startsWith('data:video/mp4;base64,')).toBe(true);
      const train = result.evidence.find((e) => e.text === 'TRAIN LEAVES AT 7:45');
      expect(train).toBeDefined();
      expect(train!.span.start).toBeGreaterThanOrEqual(88);
      expect(train!.span.end).toBeLessThanOrEqual(92);
      expect(result.framesUsed).toBe(16);
    });
  });

  it('can send a file:// URL instead of uploading the clip', async () => {
    await withServer(scriptedVideoModel(), async (baseUrl, requests) => {
      await observer(baseUrl, { mode: 'video', videoTransport: 'file-url' }).doObserve(request({ span: { start: 20, end: 25 }, fps: 1 }));
      const media = requestMedia(requests[0]);
      expect(media[0].url.startsWith('file:///')).toBe(true);
      expect(media[0]).toMatchObject({ kind: 'video', frames: 5 });
    });
  });
});
