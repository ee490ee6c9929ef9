import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Settings, Span, TraceEvent } from '@longvid/core';
import { loadSettings, spanOverlap } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { MockOcrModel } from '@longvid/perception/testing';
import { sampleTimes } from '@longvid/video';
import { askUniform, askVideo, type AskOptions } from './ask';
import type { AskResult } from './session';
import { type ChatScript, DEV_LONG_VISIBLE_FACTS, requestMedia, requestRole, requestUserText, scriptedVideoModel, startScriptedOpenAIServer, type RecordedChatRequest, type ScriptedOpenAIServer } from './testing';

/**
 * The whole online path on the real dev_long.mp4: ingestion with video-LLM captions, then the LLM
 * planner, the video-LLM observer and the LLM reflector, all talking over HTTP to the scripted
 * OpenAI-protocol server through LangChain ChatOpenAI. The scripted model answers only from what it
 * is sent (frame timestamps against the MANIFEST ground truth), so the loop must look in the right
 * places to answer. Local OCR is replaced by a mock that reads nothing (the offline OCR path has
 * its own tests, and it is the slowest part of ingestion): what memory knows of the video comes
 * from the video LLM's captions alone.
 */
const video = sharedVideo('dev_long.mp4');
const subtitles = sharedVideo('dev_long.srt');
const cacheDir = mkdtempSync(join(tmpdir(), 'longvid-video-llm-'));
const fastRetries = { baseDelayMs: 20, maxDelayMs: 100 };
const readsNothing = new MockOcrModel();

function settingsFor(server: ScriptedOpenAIServer, overrides: Partial<Settings> = {}): Settings {
  return loadSettings({ env: {}, overrides: { cacheDir, baseUrl: server.baseUrl, model: 'scripted-vlm', maxRetries: 1, timeoutMs: 5000, ...overrides } }).settings;
}

async function ask(server: ScriptedOpenAIServer, question: string, options: AskOptions = {}, overrides: Partial<Settings> = {}): Promise<AskResult> {
  return askVideo(video, question, { resolvedSettings: settingsFor(server, overrides), callCache: false, transport: fastRetries, tools: { ocr: readsNothing }, ...options });
}

const byRole = (requests: RecordedChatRequest[], role: string) => requests.filter((r) => requestRole(r) === role);
const observedEvidenceAt = (result: AskResult, span: Span) => result.answer.evidence.some((e) => e.round >= 1 && spanOverlap(e.span, span) > 0);

function checkFrames(request: RecordedChatRequest): number[] {
  const media = requestMedia(request);
  const stamps = media.map((m) => (m.kind === 'image' ? m.timestamp : undefined));
  expect(stamps.every((t) => t !== undefined)).toBe(true);
  expect(stamps).toEqual([...stamps].sort((a, b) => a! - b!));
  return stamps as number[];
}

describe('askVideo with the video-LLM observer (scripted OpenAI-protocol server)', () => {
  let server: ScriptedOpenAIServer;
  let confidence: (round: number) => number = () => 0.9;
  let inject: ((request: RecordedChatRequest, index: number) => ReturnType<ChatScript> | undefined) | undefined;

  beforeAll(async () => {
    const model = scriptedVideoModel({ reflectorConfidence: (round) => confidence(round) });
    server = await startScriptedOpenAIServer((request, index) => inject?.(request, index) ?? model(request, index));
  });
  afterAll(() => server.close());
  beforeEach(() => {
    confidence = () => 0.9;
    inject = undefined;
  });

  it('answers the dev_long questions from what the video LLM saw, in one round when it is sure', async () => {
    const first = server.requests.length;
    const locker = await ask(server, 'What is the locker number?');
    expect(locker.answer.answer).toBe('318');
    expect(locker.answer.sufficient).toBe(true);
    expect(observedEvidenceAt(locker, { start: 21, end: 24 })).toBe(true);
    expect(locker.rounds).toBe(1);
    expect(locker.backends.observer).toBe('video-llm:scripted-vlm');
    // Ingestion captioned every clip with the video LLM; memory holds the captions.
    expect(locker.ingestCost.byRole.caption?.calls).toBeGreaterThanOrEqual(10);
    expect(byRole(server.requests.slice(first), 'caption').length).toBe(locker.ingestCost.byRole.caption?.calls);
    // One event per clip; the narrative layer's scene summaries are written by the video LLM too.
    expect(locker.memory.events).toBe(locker.ingestCost.byRole.caption!.calls);
    expect(locker.ingestCost.byRole.narrative?.calls).toBeGreaterThanOrEqual(2);

    const plan = locker.trace.find((e): e is Extract<TraceEvent, { type: 'plan' }> => e.type === 'plan')!;
    const watched = plan.plan.steps.filter((s) => s.tool === 'watch');
    expect(watched.some((s) => spanOverlap(s.span, { start: 21, end: 24 }) > 0)).toBe(true);
    const observerRequests = byRole(server.requests.slice(first), 'observer');
    expect(observerRequests.length).toBeGreaterThanOrEqual(1);
    for (const request of observerRequests) {
      // Each call's frames lie in one planned region, in time order.
      const stamps = checkFrames(request);
      expect(watched.some((s) => stamps.every((t) => t >= s.span.start && t <= s.span.end))).toBe(true);
    }
    // Cost of the question: every call of every role, with frames, tokens and latency.
    expect(locker.cost.byRole.planner?.calls).toBe(1);
    expect(locker.cost.byRole.reflector?.calls).toBe(1);
    expect(locker.cost.byRole.observer?.framesSent).toBe(locker.framesUsed);
    expect(locker.cost.framesSent).toBe(locker.framesUsed);
    expect(locker.cost.inputTokens).toBeGreaterThan(locker.framesUsed * 84);
    expect(locker.cost.outputTokens).toBeGreaterThan(0);
    expect(locker.cost.latencySeconds).toBeGreaterThan(0);
    expect(locker.usage).toEqual({ calls: locker.cost.requests, inputTokens: locker.cost.inputTokens, outputTokens: locker.cost.outputTokens });
    expect(locker.trace.filter((e) => e.type === 'model-call')).toHaveLength(locker.cost.calls);

    const train = await ask(server, 'What time does the train leave?');
    expect(train.answer.answer).toBe('7:45');
    expect(observedEvidenceAt(train, { start: 88.5, end: 91.5 })).toBe(true);

    const parcel = await ask(server, 'Where is the package?', { subtitlesPath: subtitles });
    expect(parcel.answer.answer.toLowerCase()).toContain('blue van');
    expect(observedEvidenceAt(parcel, { start: 71, end: 74 })).toBe(true);

    const choice = await ask(server, 'What time does the train leave?', { choices: ['7:15', '8:45', '7:45', '17:45'] });
    expect(choice.answer).toMatchObject({ choiceIndex: 2, answer: '7:45' });
  });

  it('answers "What happens in the video?" from the narrative the video LLM wrote at ingestion, citing its scene summaries', async () => {
    const first = server.requests.length;
    const result = await ask(server, 'What happens in the video?');
    const requests = server.requests.slice(first);
    const narrative = result.answer.evidence;
    // Every scene summary, in time order, from the start of the video to its end; nothing else.
    expect(narrative.length).toBeGreaterThanOrEqual(2);
    expect(narrative.every((e) => e.tool === 'memory:narrative' && e.kind === 'summary' && e.round === 0 && e.attributes?.source === 'summarizer')).toBe(true);
    expect(narrative.map((e) => e.span.start)).toEqual([...narrative.map((e) => e.span.start)].sort((a, b) => a - b));
    expect(narrative[0].span.start).toBe(0);
    expect(narrative.at(-1)!.span.end).toBeCloseTo(result.video.duration, 0);
    // The summaries say what the video LLM saw in the clips: every scene of the MANIFEST, in order.
    const scenes = DEV_LONG_VISIBLE_FACTS.filter((fact) => fact.kind === 'scene').map((fact) => result.answer.answer.indexOf(fact.text.split('; ')[0]));
    expect(scenes.every((position) => position >= 0)).toBe(true);
    expect(scenes).toEqual([...scenes].sort((a, b) => a - b));
    expect(result.answer.sufficient).toBe(true);
    // The planner saw the narrative and looked at nothing; the reflector cited the summaries' ids.
    const [planner] = byRole(requests, 'planner');
    expect(requestUserText(planner)).toContain('(memory:narrative, confidence 0.80, round 0)');
    expect(result.framesUsed).toBe(0);
    const [reflector] = byRole(requests, 'reflector');
    expect(requestUserText(reflector)).toContain('narrative layer of memory');
    expect(narrative.map((e) => e.id).every((id) => requestUserText(reflector).includes(`- ${id} [`))).toBe(true);
  });

  it('asks for another round when the reflector is not confident enough, zooming in at higher fps and resolution', async () => {
    confidence = (round) => (round === 1 ? 0.5 : 0.9);
    const first = server.requests.length;
    const result = await ask(server, 'What is the locker number?', {}, { confidenceThreshold: 0.7 });
    expect(result.rounds).toBe(2);
    expect(result.answer).toMatchObject({ answer: '318', sufficient: true, confidence: 0.9 });
    const plans = result.trace.filter((e): e is Extract<TraceEvent, { type: 'plan' }> => e.type === 'plan');
    expect(plans).toHaveLength(2);
    const zoom = plans[1].plan.steps[0];
    expect(zoom).toMatchObject({ tool: 'watch', fps: 4, resolution: 'high' });
    const second = byRole(server.requests.slice(first), 'observer').at(-1)!;
    const stamps = checkFrames(second);
    expect(stamps).toEqual(sampleTimes(zoom.span, 4).map((t) => Number(t.toFixed(2))));
    // "high" asks for 1280 px; dev_long is 640x360 and frames are never upscaled.
    expect(requestMedia(second).every((m) => m.width === 640 && m.height === 360)).toBe(true);
    expect(byRole(server.requests.slice(first), 'reflector').map((r) => requestUserText(r).match(/^Round (\d+)/m)?.[1])).toEqual(['1', '2']);
  });

  it('survives a malformed reply, a 429 and a timeout', async () => {
    const seen = { observer: 0, planner: 0, reflector: 0 };
    inject = (request) => {
      const role = requestRole(request);
      if (role === 'observer' && seen.observer++ === 0) return 'The frames show a locker, I think.';
      if (role === 'planner' && seen.planner++ === 0) return { status: 429, headers: { 'retry-after': '0' } };
      if (role === 'reflector' && seen.reflector++ === 0) return { delayMs: 4000, content: '{}' };
      return undefined;
    };
    const result = await ask(server, 'What is the locker number?', {}, { timeoutMs: 1000 });
    expect(result.answer.answer).toBe('318');
    expect(observedEvidenceAt(result, { start: 21, end: 24 })).toBe(true);
    expect(seen).toMatchObject({ planner: 2, reflector: 2 });
    expect(seen.observer).toBe(result.cost.byRole.observer!.calls + 1);
    expect(result.cost.byRole.planner).toMatchObject({ calls: 1, requests: 2 });
    expect(result.cost.byRole.reflector).toMatchObject({ calls: 1, requests: 2 });
    expect(result.cost.byRole.observer!.requests).toBe(result.cost.byRole.observer!.calls + 1);
    expect(result.trace.some((e) => e.type === 'error')).toBe(false);
  });

  it('keeps going when the observer stays malformed, and still answers in the last round', async () => {
    inject = (request) => (requestRole(request) === 'observer' ? 'no JSON here' : undefined);
    const result = await ask(server, 'What is the locker number?', {}, { maxRounds: 2, maxFrames: 16 });
    const errors = result.trace.filter((e) => e.type === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toMatchObject({ round: 1 });
    expect(result.rounds).toBe(2);
    expect(result.answer.sufficient).toBe(false);
    expect(result.answer.answer).not.toBe('');
  });

  it('must answer in the last round: an empty answer there is asked again', async () => {
    let reflectorReplies = 0;
    inject = (request) => (requestRole(request) === 'reflector' && reflectorReplies++ === 0 ? '{"sufficient": false, "answer": "", "confidence": 0.1, "evidenceIds": []}' : undefined);
    const first = server.requests.length;
    const result = await ask(server, 'What is the locker number?', {}, { maxRounds: 1 });
    const reflections = byRole(server.requests.slice(first), 'reflector');
    expect(reflections).toHaveLength(2);
    expect(String(reflections[0].body.messages[0].content)).toContain('This is the last round');
    expect(requestUserText(reflections[1])).toContain('give an answer');
    expect(result.answer.answer).toBe('318');
  });

  it('sends clips as video_url parts in video mode', async () => {
    const first = server.requests.length;
    const result = await ask(server, 'What time does the train leave?', {}, { observer: 'video' });
    expect(result.answer.answer).toBe('7:45');
    expect(result.backends.observer).toBe('video-llm:scripted-vlm:video');
    const clips = byRole(server.requests.slice(first), 'observer-video');
    expect(clips.length).toBeGreaterThanOrEqual(1);
    for (const request of clips) {
      const media = requestMedia(request);
      expect(media.map((m) => m.kind)).toEqual(['video']);
      expect(media[0].url.startsWith('data:video/mp4;base64,')).toBe(true);
    }
    expect(result.cost.byRole.observer?.framesSent).toBe(result.framesUsed);
  });

  it('costs zero calls when the same question is asked again (on-disk call cache)', async () => {
    // The other tests run without the call cache, so nothing is cached yet.
    const first = await ask(server, 'What is the locker number?', { callCache: true });
    expect(first.cost.cachedCalls).toBe(0);
    const before = server.requests.length;
    const again = await ask(server, 'What is the locker number?', { callCache: true });
    expect(server.requests.length).toBe(before);
    expect(again.cost).toMatchObject({ calls: 0, requests: 0, framesSent: 0, inputTokens: 0, cachedCalls: first.cost.calls });
    expect(again.ingestCost.calls).toBe(0);
    expect(again.answer).toEqual(first.answer);
    expect(again.framesUsed).toBe(first.framesUsed);
  });

  it('runs the --uniform baseline: N uniform frames sent once to the same model', async () => {
    const first = server.requests.length;
    const few = await askUniform(video, 'What is the locker number?', { frames: 32, resolvedSettings: settingsFor(server), callCache: false, transport: fastRetries });
    const requests = server.requests.slice(first);
    expect(requests).toHaveLength(1);
    expect(requestRole(requests[0])).toBe('baseline');
    const stamps = checkFrames(requests[0]);
    expect(stamps).toEqual(sampleTimes({ start: 0, end: few.video.duration }, 32 / few.video.duration).map((t) => Number(t.toFixed(2))));
    expect(requestMedia(requests[0]).every((m) => m.width === 640 && m.height === 360)).toBe(true);
    expect(few).toMatchObject({ mode: 'uniform', framesUsed: 32, rounds: 1, memory: null });
    expect(few.cost).toMatchObject({ calls: 1, framesSent: 32 });
    expect(few.cost.byRole.baseline?.inputTokens).toBeGreaterThan(32 * 299);
    const many = await askUniform(video, 'What is the locker number?', { frames: 128, resolution: 'low', resolvedSettings: settingsFor(server), callCache: false, transport: fastRetries });
    expect(many.cost.framesSent).toBe(128);
    expect(requestMedia(server.requests.at(-1)!).every((m) => m.width === 320)).toBe(true);
    // 128 frames are 0.94 s apart, so some fall on the 3-second caption.
    expect(many.answer.answer).toBe('318');
    expect(many.answer.evidence.some((e) => spanOverlap(e.span, { start: 21, end: 24 }) > 0)).toBe(true);
  });
});
