import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { createSession, type AskResult, type CostTotals, type LibraryAskResult, type UniformAskResult } from '@longvid/agents';
import type { Answer, Resolution, Settings, TraceEvent } from '@longvid/core';
import { checkWritableFile, fileSystemError, formatSpan, loadSettings, LongVidError, redactSecrets, terminalSafe } from '@longvid/core';
import { nonNegativeInteger, positiveInteger, type RegisterCommand } from '../command-context';
import { toAskJson } from '../json-output';
import { toLibraryAskJson } from '../library-json';
import { createProgressDisplay } from '../progress-display';

function parseChoices(value: string): string[] {
  const choices = value
    .split('|')
    .map((c) => c.trim())
    .filter(Boolean);
  if (choices.length < 2) throw new InvalidArgumentError('give at least two options separated by "|", e.g. "318|381|813"');
  const seen = new Set<string>();
  for (const choice of choices) {
    const key = choice.toLowerCase();
    if (seen.has(key)) throw new InvalidArgumentError(`the option ${JSON.stringify(terminalSafe(choice))} is given twice: give each option once`);
    seen.add(key);
  }
  return choices;
}

interface AskCommandOptions {
  library?: string;
  workers?: number;
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
  uniform?: number;
  resolution?: Resolution;
  observer?: Settings['observer'];
  observerModel?: string;
  imageDetail?: Settings['imageDetail'];
  maxFramesPerCall?: number;
  concurrency?: number;
  confidenceThreshold?: number;
  cache?: boolean;
  ingestCaptions?: boolean;
}

function unitInterval(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError('must be a number between 0 and 1');
  return n;
}

/** One line of cost: calls (and cache hits), frames sent, tokens, summed latency. */
function costLine(label: string, cost: CostTotals): string {
  return `${label}: ${cost.calls} model calls${cost.cachedCalls ? ` (+${cost.cachedCalls} from cache)` : ''}${cost.requests > cost.calls ? `, ${cost.requests} requests` : ''} · ${cost.framesSent} frames sent · ${cost.inputTokens}+${cost.outputTokens} tokens · ${cost.latencySeconds.toFixed(1)} s in calls`;
}

/** The lines of an answer: the answer, how sure, options, how, disagreements, and the evidence (a library's with each video's file name before the span). */
function answerLines(a: Answer, choices?: string[]): string[] {
  const letter = a.choiceIndex !== undefined ? `${String.fromCharCode(65 + a.choiceIndex)}. ` : '';
  const sure = a.confidence >= 0.7 ? 'sure' : a.confidence >= 0.4 ? 'fairly sure' : 'not sure';
  const lines = [`Answer: ${letter}${terminalSafe(a.answer)}`, `How sure: ${sure} (confidence ${a.confidence.toFixed(2)}${a.sufficient ? '' : ', evidence insufficient: best guess at budget end'})`];
  if (choices) lines.push(`Options: ${choices.map((c, i) => `${String.fromCharCode(65 + i)}. ${terminalSafe(c)}`).join('  ')}`);
  if (a.explanation && a.explanation !== a.answer) lines.push(`How: ${terminalSafe(a.explanation)}`);
  for (const conflict of a.conflicts ?? []) lines.push(`Sources disagree: ${terminalSafe(conflict)}`);
  lines.push(a.evidence.length ? 'Evidence:' : 'Evidence: none');
  for (const e of a.evidence) {
    const video = e.video ? `${terminalSafe(e.video.name)}  ` : '';
    lines.push(`  ${video}${formatSpan(e.span)}  ${e.tool}: "${terminalSafe(e.text)}"  (${e.span.start.toFixed(1)}–${e.span.end.toFixed(1)} s, confidence ${e.confidence.toFixed(2)})`);
  }
  return lines;
}

/** Human-readable answer: the answer, how sure, evidence spans with what was seen, cost, mode. */
export function formatAnswer(result: AskResult | UniformAskResult, choices?: string[]): string {
  const lines = answerLines(result.answer, choices);
  const memory = result.memory ? `memory: ${result.memory.reused ? 'reused' : 'built'} (${result.memory.events} events)` : 'memory: not used';
  lines.push(
    `Rounds: ${result.rounds} · frames observed: ${result.framesUsed} · ${memory} · ${result.memory ? 'ingest' : 'probe'} ${result.timings.ingestSeconds.toFixed(1)} s · answer ${result.timings.answerSeconds.toFixed(1)} s`,
  );
  if (!result.offline) {
    lines.push(costLine('Cost', result.cost));
    if (result.ingestCost.calls + result.ingestCost.cachedCalls > 0) lines.push(costLine('Ingest cost', result.ingestCost));
  }
  lines.push(
    result.mode === 'uniform'
      ? result.offline
        ? `Mode: uniform baseline, offline (${result.framesUsed} frames spread evenly, read by ${result.backends.observer}; ${result.backends.reflector})`
        : `Mode: uniform baseline (${result.framesUsed} frames sent once to ${result.backends.model} at ${result.backends.endpoint})`
      : result.offline
        ? 'Mode: offline (rule-based planner and reflector, local OCR observer)'
        : `Mode: online (${result.backends.model} at ${result.backends.endpoint}; observer ${result.backends.observer}; ${result.usage.calls} LLM calls, ${result.usage.inputTokens}+${result.usage.outputTokens} tokens)`,
  );
  return `${lines.join('\n')}\n`;
}

/** Human-readable answer across a library: the answer with each evidence item's video, the videos read, rounds and frames. */
export function formatLibraryAnswer(result: LibraryAskResult, choices?: string[]): string {
  const lines = answerLines(result.answer, choices);
  const read = result.runs.map((run) => terminalSafe(run.libraryVideo.name));
  lines.push(
    result.mode === 'entities'
      ? `Library: ${result.videos} videos · answered from the entity layer of every video${result.runs.length ? ` · checked ${result.runs.length} with the detector · frames observed: ${result.framesUsed}` : ''} · ${result.timings.totalSeconds.toFixed(1)} s`
      : `Library: ${result.videos} videos · read ${read.join(', ')} (best ranked of ${result.candidates.length}) · rounds: ${result.rounds} · frames observed: ${result.framesUsed} · rank ${result.timings.rankSeconds.toFixed(1)} s · answer ${result.timings.answerSeconds.toFixed(1)} s`,
  );
  lines.push(result.offline ? 'Mode: offline (rule-based planner and reflector, local OCR observer)' : 'Mode: online');
  return `${lines.join('\n')}\n`;
}

/** `longvid ask <video> "<question>"`. */
export const registerAsk: RegisterCommand = (program, { io, write, fail, signal }) => {
  program
    .command('ask')
    .description('answer a question about a video, or across a library (--library NAME), with the evidence spans the answer rests on')
    .usage('[options] <video> <question>\n       longvid ask --library <name> [options] <question>')
    .argument('<video>', 'video file (any format ffmpeg reads); with --library, the question')
    .argument('[question]', 'the question, quoted')
    .option('--library <name>', 'answer across the videos of this library (see "longvid library add"); each evidence item names its video')
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
    .addOption(new Option('--uniform <n>', 'baseline: N frames sampled uniformly over the video, sent once to the video LLM (offline: read by the local observer), and answer').argParser(positiveInteger))
    .addOption(new Option('--resolution <level>', 'frame resolution of --uniform (default medium)').choices(['low', 'medium', 'high']))
    .addOption(new Option('--observer <mode>', 'observer backbone (env LONGVID_OBSERVER, default auto: frames online, local offline)').choices(['auto', 'local', 'frames', 'video']))
    .option('--observer-model <name>', 'video LLM for the observer and captions (env LONGVID_OBSERVER_MODEL, default --model)')
    .addOption(new Option('--image-detail <level>', 'OpenAI image detail of each frame (env LONGVID_IMAGE_DETAIL, default auto)').choices(['auto', 'low', 'high']))
    .addOption(new Option('--max-frames-per-call <n>', 'most frames in one observer call (env LONGVID_MAX_FRAMES_PER_CALL, default 32)').argParser(positiveInteger))
    .addOption(new Option('--concurrency <n>', 'most model calls in flight (env LONGVID_CONCURRENCY, default 4)').argParser(positiveInteger))
    .addOption(new Option('--confidence-threshold <x>', 'stop once the reflector is this sure, 0–1 (env LONGVID_CONFIDENCE_THRESHOLD, default 0.7)').argParser(unitInterval))
    .option('--no-cache', 'do not read or write the on-disk cache of model calls')
    .option('--no-ingest-captions', 'do not caption clips with the video LLM at ingestion (env LONGVID_INGEST_CAPTIONS=false)')
    .addOption(new Option('--workers <n>', 'worker threads for OCR and detection at ingestion, 0 = main thread (env LONGVID_INGEST_WORKERS, default: the cores, at most 4)').argParser(nonNegativeInteger))
    .option('--no-progress', 'do not show ingestion progress on stderr')
    .action(async (first: string, second: string | undefined, options: AskCommandOptions) => {
      const video = options.library === undefined ? first : undefined;
      const question = options.library === undefined ? second : first;
      const trace: TraceEvent[] = [];
      const progress = createProgressDisplay(io.stderr, options.progress !== false);
      let traceWritable = false;
      try {
        if (question === undefined) {
          throw new LongVidError('BAD_INPUT', 'no question given', { hint: 'run longvid ask VIDEO "QUESTION", or longvid ask --library NAME "QUESTION"' });
        }
        if (options.library !== undefined && second !== undefined) {
          throw new LongVidError('BAD_INPUT', `with --library ${options.library} give only the question, not a video (${JSON.stringify(first)})`, { details: { library: options.library }, hint: `run longvid ask --library ${options.library} "QUESTION"` });
        }
        if (options.library !== undefined && (options.subtitles !== undefined || options.uniform !== undefined)) {
          throw new LongVidError('BAD_INPUT', `--library cannot be combined with ${options.subtitles !== undefined ? '--subtitles' : '--uniform'}`, { details: { library: options.library }, hint: 'ask one video for --subtitles or --uniform; a library uses the memory its videos were added with' });
        }
        const overrides: Partial<Settings> = {
          cacheDir: options.cacheDir,
          baseUrl: options.baseUrl,
          model: options.model,
          maxRounds: options.maxRounds,
          maxFrames: options.maxFrames,
          observer: options.observer,
          observerModel: options.observerModel,
          imageDetail: options.imageDetail,
          maxFramesPerCall: options.maxFramesPerCall,
          concurrency: options.concurrency,
          confidenceThreshold: options.confidenceThreshold,
          ingestCaptions: options.ingestCaptions === false ? false : undefined,
          ingestWorkers: options.workers,
        };
        const { settings } = loadSettings({ overrides, env: io.env ?? process.env, cwd: io.cwd });
        if (options.trace) {
          await checkWritableFile(resolve(io.cwd ?? process.cwd(), options.trace), 'trace file', 'give --trace a file in an existing, writable directory');
          traceWritable = true;
        }
        // One session builds the agents (the eval runner builds its systems through the same).
        const session = createSession({ resolvedSettings: settings, offline: options.offline, callCache: options.cache !== false });
        const asked = {
          choices: options.choices,
          subtitlesPath: options.subtitles && resolve(io.cwd ?? process.cwd(), options.subtitles),
          onProgress: progress.onProgress,
          onTrace: (event: TraceEvent) => trace.push(event),
          signal,
        };
        if (options.library !== undefined) {
          const result = await session.askLibrary(options.library, question, asked);
          progress.stop();
          write(options.json ? `${JSON.stringify(toLibraryAskJson(options.library, result, options.choices), null, 2)}\n` : formatLibraryAnswer(result, options.choices));
          return;
        }
        const videoPath = resolve(io.cwd ?? process.cwd(), video!);
        const result =
          options.uniform !== undefined
            ? await session.askUniform(videoPath, question, { ...asked, frames: options.uniform, resolution: options.resolution })
            : await session.ask(videoPath, question, asked);
        progress.stop();
        write(options.json ? `${JSON.stringify(toAskJson(result, options.choices), null, 2)}\n` : formatAnswer(result, options.choices));
      } catch (error) {
        progress.stop();
        fail(error);
      } finally {
        if (options.trace && traceWritable) {
          // Secrets (an endpoint URL with a key, an echoed Authorization header) never reach the file.
          const env = io.env ?? process.env;
          const text = redactSecrets(`${JSON.stringify({ schemaVersion: 1, video, library: options.library, question, choices: options.choices ?? null, events: trace }, null, 2)}\n`, [env.LONGVID_API_KEY, env.OPENAI_API_KEY]);
          try {
            writeFileSync(resolve(io.cwd ?? process.cwd(), options.trace), text);
          } catch (error) {
            fail(fileSystemError(error, 'trace file', 'give --trace a file in an existing, writable directory'));
          }
        }
      }
    });
};
