import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reflection } from '@longvid/core';
import { MockObjectDetector, MockOcrModel } from '@longvid/perception/testing';
import { probeVideo, resolveFfmpeg, videoContentHash } from '@longvid/video';
import { sharedVideo } from '@longvid/core/testing';
import { LlmPlanner, LlmReflector } from './backends/llm-agents';
import { LocalObserver } from './backends/local-observer';
import { RulePlanner, RuleReflector } from './backends/rule-based';
import { ObservedEvidenceReflector, UniformPlanner } from './backends/uniform';
import { VideoLlmObserver } from './backends/video-llm-observer';
import { createChatModel } from './llm/chat-model';
import { describeObserverBackbone, describePlanner, describeReflector, MockObserver, MockPlanner, MockReflector, scriptedVideoModel, startScriptedOpenAIServer, type ScriptedOpenAIServer } from './testing';

/**
 * Every Planner, Reflector and ObserverBackbone — rule-based, LLM (a scripted video LLM at the
 * local OpenAI-protocol server), uniform baseline, local and video-LLM observers on the real
 * dev_long.mp4, and the mocks of `@longvid/agents/testing` — runs its interface's shared suite.
 */
let server: ScriptedOpenAIServer;
const binaries = resolveFfmpeg({});
const video = sharedVideo('dev_long.mp4');
const llm = () => ({ model: createChatModel({ baseUrl: server.baseUrl, model: 'scripted-vlm', apiKey: 'k', timeoutMs: 10_000, maxRetries: 0 }), modelName: 'scripted-vlm', endpoint: server.baseUrl, maxRetries: 1 });

beforeAll(async () => {
  server = await startScriptedOpenAIServer(scriptedVideoModel());
});
afterAll(async () => {
  await server.close();
});

/** The local observer on dev_long.mp4: a scripted OCR that reads the locker caption at 21–24 s, a mock detector seeing a bottle from 9.56 s. */
function localObserver(): LocalObserver {
  return new LocalObserver({
    videoPath: video,
    binaries,
    ocr: new MockOcrModel({ lines: [{ text: 'LOCKER 318', start: 21, end: 24 }] }),
    detector: new MockObjectDetector({ objects: [{ label: 'bottle', start: 9.56, end: 49.43 }] }),
    subtitles: [{ span: { start: 21.5, end: 23.5 }, text: 'Locker three one eight.' }],
    frameCacheDir: mkdtempSync(join(tmpdir(), 'longvid-suite-frames-')),
  });
}

describePlanner('RulePlanner', () => new RulePlanner());
describePlanner('LlmPlanner (scripted video LLM)', () => new LlmPlanner({ ...llm(), tools: ['watch', 'ocr', 'subtitles', 'memory', 'detect'] }));
describePlanner('UniformPlanner', () => new UniformPlanner({ frames: 16 }));
describePlanner('MockPlanner', () => new MockPlanner((input) => ({ round: input.round, steps: input.framesLeft >= 4 ? [{ span: { start: 20, end: 24 }, fps: 1, resolution: 'medium', tool: 'ocr', reason: 'the locker' }] : [] })));

const mockReflection = (input: Parameters<MockReflector['doReflect']>[0]): Reflection => {
  const seen = input.evidence.find((item) => item.text.includes('318'));
  const choiceIndex = input.choices ? Math.max(0, input.choices.indexOf('318')) : undefined;
  return { round: input.round, sufficient: seen !== undefined, answer: input.choices ? input.choices[choiceIndex!] : seen ? '318' : 'unknown', choiceIndex, confidence: seen ? 0.9 : 0.1, evidenceIds: seen ? [seen.id] : [], reason: 'mock' };
};
describeReflector('RuleReflector', () => new RuleReflector());
describeReflector('LlmReflector (scripted video LLM)', () => new LlmReflector(llm()));
describeReflector('ObservedEvidenceReflector over RuleReflector', () => new ObservedEvidenceReflector(new RuleReflector()));
describeReflector('MockReflector', () => new MockReflector(mockReflection));

describeObserverBackbone('LocalObserver (dev_long.mp4)', localObserver, ['ocr', 'detect', 'subtitles', 'memory']);
describeObserverBackbone(
  'VideoLlmObserver (scripted video LLM, dev_long.mp4)',
  async () =>
    new VideoLlmObserver({ ...llm(), videoPath: video, video: await probeVideo(video, binaries), binaries, videoKey: await videoContentHash(video), cacheDir: mkdtempSync(join(tmpdir(), 'longvid-suite-observer-')), fallback: localObserver() }),
  ['watch', 'ocr', 'detect', 'subtitles', 'memory'],
);
describeObserverBackbone('MockObserver', () => new MockObserver((request) => ({ evidence: request.maxFrames > 0 && request.tool !== 'subtitles' && request.tool !== 'memory' ? [{ kind: 'text', span: { ...request.span }, text: 'LOCKER 318', confidence: 0.9, tool: request.tool }] : [], framesUsed: request.tool === 'subtitles' || request.tool === 'memory' ? 0 : Math.min(request.maxFrames, 2) })), ['ocr', 'subtitles']);
