import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { askVideo, type AskResult } from '@longvid/agents';
import type { Settings, TraceEvent } from '@longvid/core';
import { formatSpan, loadSettings } from '@longvid/core';
import { positiveInteger, type RegisterCommand } from '../command-context';
import { toAskJson } from '../json-output';
import { createProgressDisplay } from '../progress-display';

function parseChoices(value: string): string[] {
  const choices = value
    .split('|')
    .map((c) => c.trim())
    .filter(Boolean);
  if (choices.length < 2) throw new InvalidArgumentError('give at least two options separated by "|", e.g. "318|381|813"');
  return choices;
}

interface AskCommandOptions {
  choices?: string[];
  subtitles?: string;
  json?: boolean;
  trace?: string;
  baseUrl?: string;
  model?: string;
  offline?: boolean;
  maxRounds?: number;
  maxFrames?: number;
  cacheDir?: string;
  progress?: boolean;
}

/** Human-readable answer: the answer, how sure, evidence spans with what was seen, cost, mode. */
export function formatAnswer(result: AskResult, choices?: string[]): string {
  const a = result.answer;
  const letter = a.choiceIndex !== undefined ? `${String.fromCharCode(65 + a.choiceIndex)}. ` : '';
  const sure = a.confidence >= 0.7 ? 'sure' : a.confidence >= 0.4 ? 'fairly sure' : 'not sure';
  const lines = [`Answer: ${letter}${a.answer}`, `How sure: ${sure} (confidence ${a.confidence.toFixed(2)}${a.sufficient ? '' : ', evidence insufficient: best guess at budget end'})`];
  if (choices) lines.push(`Options: ${choices.map((c, i) => `${String.fromCharCode(65 + i)}. ${c}`).join('  ')}`);
  lines.push(a.evidence.length ? 'Evidence:' : 'Evidence: none');
  for (const e of a.evidence) {
    lines.push(`  ${formatSpan(e.span)}  ${e.tool}: "${e.text}"  (${e.span.start.toFixed(1)}–${e.span.end.toFixed(1)} s, confidence ${e.confidence.toFixed(2)})`);
  }
  lines.push(
    `Rounds: ${result.rounds} · frames observed: ${result.framesUsed} · memory: ${result.memory.reused ? 'reused' : 'built'} (${result.memory.events} events) · ingest ${result.timings.ingestSeconds.toFixed(1)} s · answer ${result.timings.answerSeconds.toFixed(1)} s`,
  );
  lines.push(
    result.offline
      ? 'Mode: offline (rule-based planner and reflector, local OCR observer)'
      : `Mode: online (${result.backends.model} at ${result.backends.endpoint}; ${result.usage.calls} LLM calls, ${result.usage.inputTokens}+${result.usage.outputTokens} tokens)`,
  );
  return `${lines.join('\n')}\n`;
}

/** `longvid ask <video> "<question>"`. */
export const registerAsk: RegisterCommand = (program, { io, write, fail }) => {
  program
    .command('ask')
    .description('answer a question about a video, with the evidence spans the answer rests on')
    .argument('<video>', 'video file (any format ffmpeg reads)')
    .argument('<question>', 'the question, quoted')
    .option('--choices <options>', 'multiple-choice options separated by "|", e.g. "318|381|813"', parseChoices)
    .option('--subtitles <file>', 'subtitle sidecar (.srt or .vtt) whose lines become evidence')
    .option('--json', 'print a JSON object (stable schema, see apps/cli/README.md) instead of text')
    .option('--trace <file>', 'write every plan, observation and reflection as JSON to this file')
    .option('--base-url <url>', 'OpenAI-compatible endpoint, e.g. http://localhost:8000/v1 (env LONGVID_BASE_URL)')
    .option('--model <name>', 'chat model at the endpoint (env LONGVID_MODEL)')
    .option('--offline', 'use the rule-based agents even if an endpoint is configured')
    .addOption(new Option('--max-rounds <n>', 'most plan–observe–reflect rounds (env LONGVID_MAX_ROUNDS, default 3)').argParser(positiveInteger))
    .addOption(new Option('--max-frames <n>', 'most frames to observe per question (env LONGVID_MAX_FRAMES, default 96)').argParser(positiveInteger))
    .option('--cache-dir <dir>', 'cache directory for memory and frames (env LONGVID_CACHE_DIR, default ~/.cache/longvid)')
    .option('--no-progress', 'do not show ingestion progress on stderr')
    .action(async (video: string, question: string, options: AskCommandOptions) => {
      const trace: TraceEvent[] = [];
      const progress = createProgressDisplay(io.stderr, options.progress !== false);
      try {
        const overrides: Partial<Settings> = { cacheDir: options.cacheDir, baseUrl: options.baseUrl, model: options.model, maxRounds: options.maxRounds, maxFrames: options.maxFrames };
        const { settings } = loadSettings({ overrides, env: io.env ?? process.env, cwd: io.cwd });
        const result = await askVideo(resolve(io.cwd ?? process.cwd(), video), question, {
          resolvedSettings: settings,
          choices: options.choices,
          subtitlesPath: options.subtitles && resolve(io.cwd ?? process.cwd(), options.subtitles),
          offline: options.offline,
          onProgress: progress.onProgress,
          onTrace: (event) => trace.push(event),
        });
        progress.stop();
        write(options.json ? `${JSON.stringify(toAskJson(result, options.choices), null, 2)}\n` : formatAnswer(result, options.choices));
      } catch (error) {
        progress.stop();
        fail(error);
      } finally {
        if (options.trace) {
          writeFileSync(resolve(io.cwd ?? process.cwd(), options.trace), `${JSON.stringify({ schemaVersion: 1, video, question, choices: options.choices ?? null, events: trace }, null, 2)}\n`);
        }
      }
    });
};
