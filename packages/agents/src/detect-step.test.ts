import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, sharedDataDir, type TraceEvent } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { HashingEmbedder } from '@longvid/memory';
import { createObjectDetector, type ObjectDetector } from '@longvid/perception';
import { MockOcrModel } from '@longvid/perception/testing';
import { resolveFfmpeg } from '@longvid/video';
import { createSession } from './session';
import { TOOL_CATALOGUE } from './spec/tools';
import { requestRole, startScriptedOpenAIServer, type ScriptedOpenAIServer } from './testing';

/**
 * The online planner plans a `detect` step (scripted LLM at the local OpenAI-protocol server), and
 * the loop runs the object detector on that span: real dev_long.mp4 (3 water bottles on a table
 * from 9.56 to 49.43 s, ../shared/data/videos/MANIFEST.md) and the shared YOLOv8n detector.
 */
const video = sharedVideo('dev_long.mp4');
const models = join(sharedDataDir(__dirname)!, 'models', 'yolov8n-int8');
const DETECT_SPAN = { start: 20, end: 26 };

let detector: ObjectDetector;
let server: ScriptedOpenAIServer;
/** Frame times of each detector call made while a question is answered (not at ingestion). */
let questionCalls: number[][] | undefined;

beforeAll(async () => {
  detector = await createObjectDetector({ modelPath: join(models, 'yolov8n_quant.onnx'), labelsPath: join(models, 'labels.json') });
  server = await startScriptedOpenAIServer((request) => {
    const role = requestRole(request);
    if (role === 'planner') return JSON.stringify({ steps: [{ ...DETECT_SPAN, fps: 1, resolution: 'medium', tool: 'detect', reason: 'count the bottles' }] });
    if (role === 'reflector') return JSON.stringify({ sufficient: true, answer: '3', confidence: 0.9, evidenceIds: ['e1'], reason: 'the detector counted them' });
    return { status: 500, body: { error: { message: `unexpected ${role} request` } } };
  });
}, 60_000);
afterAll(async () => {
  await Promise.all([server?.close(), detector?.dispose()]);
});

function systemPrompt(request: ScriptedOpenAIServer['requests'][number]): string {
  return String(request.body.messages.find((message) => message.role === 'system')?.content);
}

function session(withDetector: boolean) {
  const { settings } = loadSettings({ env: {}, overrides: { cacheDir: mkdtempSync(join(tmpdir(), 'longvid-detect-step-')), baseUrl: server.baseUrl, model: 'scripted', observer: 'local', ingestCaptions: false, ingestWorkers: 0, maxRounds: 2 } });
  const recording: ObjectDetector = {
    specificationVersion: detector.specificationVersion,
    modelId: detector.modelId,
    labels: detector.labels,
    doDetect: (frames, options) => {
      questionCalls?.push(frames.map((frame) => frame.time));
      return detector.doDetect(frames, options);
    },
    dispose: async () => undefined,
  };
  return createSession({ resolvedSettings: settings, callCache: false, tools: { binaries: resolveFfmpeg({}), ocr: new MockOcrModel(), embedder: new HashingEmbedder(), detector: withDetector ? recording : undefined, voiceActivity: undefined } });
}

describe('the LLM planner plans detect from the tool catalogue', () => {
  it('plans a detect step and the loop runs the detector on that span', async () => {
    const asking = session(true);
    await asking.ingest(video);
    questionCalls = [];
    server.requests.length = 0;
    const trace: TraceEvent[] = [];
    const result = await asking.ask(video, 'How many bottles are on the table?', { onTrace: (event) => trace.push(event) });
    const calls = questionCalls;
    questionCalls = undefined;

    // The planner was offered detect, in the catalogue's words.
    const planner = server.requests.find((request) => requestRole(request) === 'planner')!;
    expect(systemPrompt(planner)).toContain(TOOL_CATALOGUE.detect.description);
    const plan = trace.find((event) => event.type === 'plan');
    expect(plan).toMatchObject({ plan: { steps: [{ tool: 'detect', span: DETECT_SPAN, fps: 1 }] } });
    // The detector ran once, on 6 frames inside the planned span (1 fps over 6 s).
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(6);
    for (const time of calls[0]) expect(time >= DETECT_SPAN.start && time <= DETECT_SPAN.end).toBe(true);
    // Its bottles are the evidence the answer cites.
    expect(result.framesUsed).toBe(6);
    expect(result.answer.answer).toBe('3');
    expect(result.answer.evidence[0]).toMatchObject({ tool: 'detector', attributes: { label: 'bottle' } });
    expect(result.answer.evidence[0].span.start).toBeGreaterThanOrEqual(DETECT_SPAN.start);
    expect(result.answer.evidence[0].span.end).toBeLessThanOrEqual(DETECT_SPAN.end);
  });

  it('without a detector, detect is not offered and a detect step the model plans anyway is dropped', async () => {
    server.requests.length = 0;
    const trace: TraceEvent[] = [];
    const result = await session(false).ask(video, 'How many bottles are on the table?', { onTrace: (event) => trace.push(event) });
    const planner = server.requests.find((request) => requestRole(request) === 'planner')!;
    expect(systemPrompt(planner)).toContain(TOOL_CATALOGUE.ocr.description);
    expect(systemPrompt(planner)).not.toContain('"detect"');
    expect(trace.find((event) => event.type === 'plan')).toMatchObject({ plan: { steps: [] } });
    expect(result.framesUsed).toBe(0);
  });
});
