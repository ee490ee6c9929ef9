import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, spanOverlap } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { askVideo } from './ask';
import { requestText, startScriptedOpenAIServer, type RecordedChatRequest } from './testing';

/**
 * The LLM path end to end on the real dev_long.mp4: LlmPlanner and LlmReflector talk to a
 * scripted local server over HTTP through LangChain ChatOpenAI; the observer is the real local
 * OCR observer. The script plays a sensible model: it plans a zoom where memory recalls the
 * question's words, and answers only from evidence an observation round produced.
 */
const video = sharedVideo('dev_long.mp4');
const cacheDir = mkdtempSync(join(tmpdir(), 'longvid-llm-'));

function scriptedModel(request: RecordedChatRequest, malformedFirstPlan: { pending: boolean }): string {
  const system = String(request.body.messages[0].content);
  const user = requestText(request);
  if (system.includes('You are the planner')) {
    if (malformedFirstPlan.pending) {
      malformedFirstPlan.pending = false;
      return 'Let me look around 21 seconds.';
    }
    const recalled = user.match(/- \[([\d.]+)–([\d.]+) s\][^\n]*LOCKER/);
    if (!recalled) return '{"steps": []}';
    return JSON.stringify({ steps: [{ start: Number(recalled[1]), end: Number(recalled[2]), fps: 2, resolution: 'medium', tool: 'ocr', reason: 'memory recalls LOCKER here' }] });
  }
  // On-screen text reaches the prompt fenced, as a JSON string labelled with its source and span.
  const observed = user.match(/- (e\d+) \[[^\]]+\] \(ocr[^)]*round [1-9]\) <video-text source="ocr" span="[^"]+">"LOCKER 318"<\/video-text>/);
  if (observed) return JSON.stringify({ sufficient: true, answer: '318', choiceIndex: null, confidence: 0.92, evidenceIds: [observed[1]], reason: 'the caption reads LOCKER 318' });
  return JSON.stringify({ sufficient: false, answer: '', choiceIndex: null, confidence: 0.1, evidenceIds: [], reason: 'need to look at the caption' });
}

describe('askVideo with LLM planner and reflector (scripted OpenAI-protocol server)', () => {
  it('answers 318 with evidence at 21–24 s, retrying a malformed plan and counting tokens', async () => {
    const state = { pending: true };
    const server = await startScriptedOpenAIServer((request) => scriptedModel(request, state));
    try {
      const { settings } = loadSettings({ env: {}, overrides: { cacheDir, baseUrl: server.baseUrl, model: 'scripted-mvp-observer', maxRetries: 1, observer: 'local', ingestCaptions: false } });
      const result = await askVideo(video, 'What is the locker number?', { resolvedSettings: settings });
      expect(result.offline).toBe(false);
      expect(result.backends.planner).toBe('llm:scripted-mvp-observer');
      expect(result.answer.answer).toBe('318');
      expect(result.answer.sufficient).toBe(true);
      expect(result.answer.evidence.some((e) => e.round >= 1 && spanOverlap(e.span, { start: 21, end: 24 }) > 0)).toBe(true);
      // plan (malformed) + plan (retry) + reflection
      expect(server.requests).toHaveLength(3);
      expect(result.usage.calls).toBe(3);
      expect(result.usage.inputTokens).toBeGreaterThan(0);
      expect(result.trace.filter((e) => e.type === 'plan')).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
});
