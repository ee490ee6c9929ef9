/**
 * Observer cost benchmark (issue 6): frames and tokens per question for the agent (LLM planner,
 * video-LLM observer, LLM reflector) against the `--uniform 32` and `--uniform 128` baselines on
 * dev_long.mp4, all talking to the scripted local OpenAI-protocol server (`scriptedVideoModel` of
 * `@longvid/agents/testing`), which plays a video LLM that reports only what is in the frames it
 * is sent. Counts, not accuracy: the scripted model is perfect at reading what it is shown, so
 * "right" only says whether the frames sent covered the answer.
 *
 * Token counts are the scripted server's (`scriptedPromptTokens`): text characters / 4 plus one
 * token per 28×28-pixel patch of each image (Qwen2.5-VL's encoding; 84 for 320×180, 299 for
 * 640×360). Ingest-time captions (one call per clip, paid once per video) are reported apart.
 *
 * Usage: node tools/bench/dist/observer-cost.js [--uniform-resolution low|medium|high] [--json FILE] [--cache-dir DIR]
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { askUniform, askVideo, type AskResult, type CostTotals, type UniformAskResult } from '@longvid/agents';
import { scriptedVideoModel, startScriptedOpenAIServer } from '@longvid/agents/testing';
import type { Resolution, Settings } from '@longvid/core';
import { loadSettings, sharedDataDir, spanOverlap } from '@longvid/core';

interface Question {
  name: string;
  question: string;
  expected: string;
  span: { start: number; end: number };
  subtitles?: boolean;
}

const QUESTIONS: Question[] = [
  { name: 'locker', question: 'What is the locker number?', expected: '318', span: { start: 21, end: 24 } },
  { name: 'train', question: 'What time does the train leave?', expected: '7:45', span: { start: 88.5, end: 91.5 } },
  { name: 'package', question: 'Where is the package?', expected: 'blue van', span: { start: 71, end: 74 }, subtitles: true },
];

interface Row {
  method: string;
  question: string;
  rounds: number;
  calls: number;
  framesSent: number;
  inputTokens: number;
  outputTokens: number;
  latencySeconds: number;
  answer: string;
  right: boolean;
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

function row(method: string, question: Question, result: AskResult | UniformAskResult): Row {
  const cost: CostTotals = result.cost;
  const right = result.answer.answer.toLowerCase().includes(question.expected) && result.answer.evidence.some((e) => spanOverlap(e.span, question.span) > 0);
  return {
    method,
    question: question.name,
    rounds: result.rounds,
    calls: cost.calls,
    framesSent: cost.framesSent,
    inputTokens: cost.inputTokens,
    outputTokens: cost.outputTokens,
    latencySeconds: Number(cost.latencySeconds.toFixed(3)),
    answer: result.answer.answer,
    right,
  };
}

async function main(): Promise<void> {
  const shared = sharedDataDir(__dirname);
  if (!shared) throw new Error('../shared/data/videos not found beside the repository');
  const video = join(shared, 'data', 'videos', 'dev_long.mp4');
  const subtitles = join(shared, 'data', 'videos', 'dev_long.srt');
  const cacheDir = argument('--cache-dir') ?? mkdtempSync(join(tmpdir(), 'longvid-bench-observer-'));
  const uniformResolution = (argument('--uniform-resolution') ?? 'medium') as Resolution;
  const server = await startScriptedOpenAIServer(scriptedVideoModel());
  const settings = (overrides: Partial<Settings> = {}): Settings =>
    loadSettings({ env: { PATH: process.env.PATH }, overrides: { cacheDir, baseUrl: server.baseUrl, model: 'scripted-vlm', ...overrides } }).settings;
  const rows: Row[] = [];
  let ingest: CostTotals | undefined;
  try {
    for (const q of QUESTIONS) {
      const started = performance.now();
      const agent = await askVideo(video, q.question, { resolvedSettings: settings(), subtitlesPath: q.subtitles ? subtitles : undefined, callCache: false });
      if (agent.ingestCost.calls > 0) ingest = agent.ingestCost;
      rows.push(row('agent (frames)', q, agent));
      const clip = await askVideo(video, q.question, { resolvedSettings: settings({ observer: 'video' }), subtitlesPath: q.subtitles ? subtitles : undefined, callCache: false });
      rows.push(row('agent (video_url)', q, clip));
      for (const frames of [32, 128]) {
        const uniform = await askUniform(video, q.question, { frames, resolution: uniformResolution, resolvedSettings: settings(), callCache: false });
        rows.push(row(`uniform ${frames} (${uniformResolution})`, q, uniform));
      }
      process.stderr.write(`${q.name}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
    // A rerun of the same question with the call cache: it must cost nothing.
    const cached = await askVideo(video, QUESTIONS[0].question, { resolvedSettings: settings() });
    const rerun = await askVideo(video, QUESTIONS[0].question, { resolvedSettings: settings() });
    const summary = {
      video: 'dev_long.mp4',
      server: 'scripted OpenAI-protocol server (scriptedVideoModel); tokens = text chars/4 + 28x28-pixel patches per image',
      rows,
      ingestCaptions: ingest ?? null,
      rerun: { firstCalls: cached.cost.calls, rerunCalls: rerun.cost.calls, rerunCachedCalls: rerun.cost.cachedCalls },
      perMethod: Object.fromEntries(
        [...new Set(rows.map((r) => r.method))].map((method) => {
          const mine = rows.filter((r) => r.method === method);
          const mean = (key: 'framesSent' | 'inputTokens' | 'outputTokens' | 'calls') => Number((mine.reduce((sum, r) => sum + r[key], 0) / mine.length).toFixed(1));
          return [method, { meanFramesSent: mean('framesSent'), meanInputTokens: mean('inputTokens'), meanOutputTokens: mean('outputTokens'), meanCalls: mean('calls'), right: `${mine.filter((r) => r.right).length}/${mine.length}` }];
        }),
      ),
    };
    const table = [
      '| method | question | rounds | calls | frames sent | input tokens | output tokens | answer | right |',
      '|---|---|---|---|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.method} | ${r.question} | ${r.rounds} | ${r.calls} | ${r.framesSent} | ${r.inputTokens} | ${r.outputTokens} | ${r.answer} | ${r.right ? 'yes' : 'no'} |`),
    ].join('\n');
    process.stdout.write(`${table}\n\n`);
    if (ingest) process.stdout.write(`Ingest captions (once per video): ${ingest.calls} calls, ${ingest.framesSent} frames, ${ingest.inputTokens}+${ingest.outputTokens} tokens\n`);
    process.stdout.write(`Rerun of "${QUESTIONS[0].question}" with the call cache: ${rerun.cost.calls} calls (${rerun.cost.cachedCalls} from cache; first run ${cached.cost.calls} calls)\n\n`);
    process.stdout.write(`${JSON.stringify(summary.perMethod, null, 2)}\n`);
    const jsonPath = argument('--json');
    if (jsonPath) writeFileSync(jsonPath, `${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    await server.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
