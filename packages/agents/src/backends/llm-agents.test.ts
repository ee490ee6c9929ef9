import type { ModelCall } from '@longvid/core';
import { loadSettings, type LongVidError } from '@longvid/core';
import type { PlanInput } from '../spec/interfaces';
import { observerMode } from '../session';
import { createChatModel } from '../llm/chat-model';
import { LlmPlanner } from './llm-agents';
import { requestText, startScriptedOpenAIServer } from '../testing';

const input: PlanInput = {
  question: 'What is the locker number?',
  duration: 120,
  round: 1,
  memoryHits: [],
  evidence: [],
  observed: [],
  framesLeft: 30,
  roundsLeft: 3,
};

describe('LlmPlanner (planner.v2, scripted OpenAI-protocol server)', () => {
  it('offers only the observer tools, and never trusts the regions it gets back', async () => {
    const reply = {
      steps: [
        { start: 110, end: 140, fps: 0.5, resolution: 'low', tool: 'watch', reason: 'past the end' },
        { start: 30, end: 20, fps: 9, resolution: 'high', tool: 'watch', reason: 'reversed, too dense' },
        { start: 40, end: 60, fps: 2, resolution: 'medium', tool: 'watch', reason: 'over budget' },
        { start: 0, end: 10, fps: 1, resolution: 'low', tool: 'ocr', reason: 'not on offer' },
        { start: 70, end: 75, fps: 1, resolution: 'low', tool: 'subtitles', reason: 'free' },
      ],
    };
    const server = await startScriptedOpenAIServer(() => JSON.stringify(reply));
    try {
      const calls: ModelCall[] = [];
      const { settings } = loadSettings({ env: {}, overrides: { baseUrl: server.baseUrl, model: 'scripted-planner' } });
      const planner = new LlmPlanner({ model: createChatModel(settings), modelName: 'scripted-planner', tools: ['watch', 'subtitles', 'memory'], onCall: (call) => calls.push(call) });
      const plan = await planner.doPlan(input);
      const system = requestText(server.requests[0]);
      expect(system).toContain('"watch": a video model looks at the frames');
      expect(system).not.toContain('"ocr":');
      expect(system).toContain('must not exceed 30');
      expect(plan.steps.map((s) => [s.span, Number(s.fps.toFixed(3)), s.resolution, s.tool])).toEqual([
        [{ start: 110, end: 120 }, 0.5, 'low', 'watch'],
        [{ start: 20, end: 30 }, 2.5, 'high', 'watch'],
        [{ start: 70, end: 75 }, 1, 'low', 'subtitles'],
      ]);
      // 5 + 25 frames: the budget of 30 is spent before the third "watch" region.
      const frames = plan.steps.filter((s) => s.tool === 'watch').reduce((sum, s) => sum + Math.ceil((s.span.end - s.span.start) * s.fps), 0);
      expect(frames).toBeLessThanOrEqual(30);
      expect(calls).toEqual([expect.objectContaining({ role: 'planner', model: 'scripted-planner', round: 1, framesSent: 0, cached: false })]);
    } finally {
      await server.close();
    }
  });
});

describe('endpoint settings', () => {
  it('reads observer mode, image detail, frames per call, concurrency, threshold and captions from the environment', () => {
    const { settings } = loadSettings({
      env: { LONGVID_OBSERVER: 'video', LONGVID_IMAGE_DETAIL: 'low', LONGVID_MAX_FRAMES_PER_CALL: '8', LONGVID_CONCURRENCY: '2', LONGVID_CONFIDENCE_THRESHOLD: '0.9', LONGVID_INGEST_CAPTIONS: 'false', LONGVID_OBSERVER_MODEL: 'qwen2.5-vl' },
      cwd: __dirname,
    });
    expect(settings).toMatchObject({ observer: 'video', imageDetail: 'low', maxFramesPerCall: 8, concurrency: 2, confidenceThreshold: 0.9, ingestCaptions: false, observerModel: 'qwen2.5-vl' });
    const defaults = loadSettings({ env: {}, cwd: __dirname }).settings;
    expect(defaults).toMatchObject({ observer: 'auto', imageDetail: 'auto', maxFramesPerCall: 32, concurrency: 4, confidenceThreshold: 0.7, ingestCaptions: true });
    expect(observerMode(defaults, false)).toBe('local');
    expect(observerMode(defaults, true)).toBe('frames');
    const bad = (() => {
      try {
        loadSettings({ env: { LONGVID_OBSERVER: 'vlm' }, cwd: __dirname });
      } catch (error) {
        return error as LongVidError;
      }
      return undefined;
    })();
    expect(bad?.code).toBe('BAD_SETTING');
    expect(bad?.toLine()).toContain('LONGVID_OBSERVER');
    expect(() => loadSettings({ env: { LONGVID_INGEST_CAPTIONS: 'maybe' }, cwd: __dirname })).toThrow(/ingestCaptions/);
  });
});
