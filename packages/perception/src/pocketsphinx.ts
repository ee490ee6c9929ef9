/**
 * Speech recognition with CMU PocketSphinx (Huggins-Daines et al., "PocketSphinx: A Free, Real-Time
 * Continuous Speech Recognition System for Hand-Held Devices", ICASSP 2006) through its command line,
 * as Debian ships it (`apt-get install pocketsphinx pocketsphinx-en-us`): `pocketsphinx_continuous`
 * of 0.8/5prealpha (Debian 12), or the `pocketsphinx` command of 5.x (`pocketsphinx single`, JSON
 * output). Weak: usable on clean read speech only.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { LongVidError, throwIfAborted } from '@longvid/core';
import { z } from 'zod';
import { checkSampleRate, encodeWav } from './speech-recognition';
import type { SpeechRecognizer, Transcript, TranscribeCallOptions, TranscriptSegment } from './speech-recognition';

/** A PocketSphinx command found by {@link findPocketsphinx}. */
export interface PocketsphinxCommand {
  /** Absolute path of the binary. */
  path: string;
  /** `continuous`: `pocketsphinx_continuous -infile F -time yes` (0.8/5prealpha); `single`: `pocketsphinx single F` (5.x, JSON). */
  flavour: 'continuous' | 'single';
}

/** Options of {@link findPocketsphinx} and {@link createPocketsphinxRecognizer}. */
export interface PocketsphinxOptions {
  /** Directories searched for the binaries, joined by the platform's path delimiter: the `searchPath` setting (the `PATH` environment variable). Default none. */
  searchPath?: string;
  /** The binary to use instead of searching; its flavour is told by its name (`pocketsphinx_continuous` or `pocketsphinx`). */
  binary?: string;
  /** Extra command-line arguments, e.g. `['-hmm', dir, '-lm', file, '-dict', file]` for another model (`-hmm dir` etc. work with both flavours). */
  extraArguments?: string[];
  /** Per-call time limit, milliseconds. Default 120000. */
  timeoutMs?: number;
  /**
   * Directory the per-call WAV files are written under (each call makes and removes its own
   * sub-directory), e.g. `<cacheDir>/tmp`; created when missing. Default the OS temporary directory.
   */
  temporaryDirectory?: string;
}

const INSTALL_HINT = 'install it with `apt-get install --no-install-recommends pocketsphinx pocketsphinx-en-us` (Debian/Ubuntu), or use an OpenAI-compatible transcription endpoint';

/**
 * Finds a PocketSphinx command: `options.binary`, else `pocketsphinx_continuous` then `pocketsphinx`
 * in the directories of `options.searchPath`. Checks only that the file is executable.
 * @returns The command, or undefined when none is installed.
 */
export async function findPocketsphinx(options: PocketsphinxOptions = {}): Promise<PocketsphinxCommand | undefined> {
  const flavourOf = (path: string): PocketsphinxCommand['flavour'] => (/pocketsphinx_continuous$/.test(path) ? 'continuous' : 'single');
  if (options.binary) return (await executable(options.binary)) ? { path: options.binary, flavour: flavourOf(options.binary) } : undefined;
  const directories = (options.searchPath ?? '').split(delimiter).filter(Boolean);
  for (const name of ['pocketsphinx_continuous', 'pocketsphinx']) {
    for (const directory of directories) {
      const path = join(directory, name);
      if (await executable(path)) return { path, flavour: flavourOf(path) };
    }
  }
  return undefined;
}

/**
 * A {@link SpeechRecognizer} over the PocketSphinx command line. It is tried once on 0.3 s of
 * silence at creation, so a binary without its acoustic model fails here rather than later.
 * @throws LongVidError `MODEL_NOT_FOUND` when no command is found or it does not run (the hint says
 *   how to install it), `BAD_INPUT` for a bad `timeoutMs`.
 */
export async function createPocketsphinxRecognizer(options: PocketsphinxOptions = {}): Promise<SpeechRecognizer> {
  const timeoutMs = options.timeoutMs ?? 120000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new LongVidError('BAD_INPUT', `timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`, { details: { timeoutMs } });
  }
  const command = await findPocketsphinx(options);
  if (!command) {
    throw new LongVidError('MODEL_NOT_FOUND', 'the pocketsphinx command is not installed', {
      details: { binary: options.binary ?? 'pocketsphinx_continuous', searchPath: options.searchPath },
      hint: INSTALL_HINT,
    });
  }
  const recognizer = new PocketsphinxRecognizer(command, options.extraArguments ?? [], timeoutMs, options.temporaryDirectory);
  try {
    await recognizer.doTranscribe(new Float32Array(4800));
  } catch (error) {
    throw new LongVidError('MODEL_NOT_FOUND', `${command.path} does not run: ${(error as Error).message}`, {
      details: { binary: command.path },
      hint: `check its acoustic model; ${INSTALL_HINT}`,
      cause: error,
    });
  }
  return recognizer;
}

/** {@link SpeechRecognizer} running a PocketSphinx command on a temporary WAV file per call. */
class PocketsphinxRecognizer implements SpeechRecognizer {
  readonly specificationVersion = 'v1' as const;
  readonly modelId: string;

  constructor(
    private readonly command: PocketsphinxCommand,
    private readonly extraArguments: string[],
    private readonly timeoutMs: number,
    private readonly temporaryDirectory: string | undefined,
  ) {
    this.modelId = `pocketsphinx-${command.flavour}${extraArguments.length ? `:${extraArguments.join(' ')}` : ':default'}`;
  }

  async doTranscribe(samples: Float32Array, options: TranscribeCallOptions = {}): Promise<Transcript> {
    const sampleRate = options.sampleRate ?? 16000;
    checkSampleRate(sampleRate);
    throwIfAborted(options.signal);
    if (this.temporaryDirectory) await mkdir(this.temporaryDirectory, { recursive: true });
    const directory = await mkdtemp(join(this.temporaryDirectory ?? tmpdir(), 'longvid-pocketsphinx-'));
    try {
      const file = join(directory, 'audio.wav');
      await writeFile(file, encodeWav(samples, sampleRate));
      const rate = ['-samprate', String(sampleRate)];
      const args =
        this.command.flavour === 'continuous'
          ? ['-infile', file, '-time', 'yes', '-logfn', '/dev/null', ...rate, ...this.extraArguments]
          : [...this.extraArguments, ...rate, 'single', file];
      const stdout = await run(this.command.path, args, this.timeoutMs, options.signal);
      const segments = this.command.flavour === 'continuous' ? parseContinuousOutput(stdout) : parseSingleOutput(stdout);
      const offset = options.offset ?? 0;
      const shifted = segments.map((segment) => ({ ...segment, start: segment.start + offset, end: segment.end + offset }));
      return { text: shifted.map((segment) => segment.text).join(' '), segments: shifted };
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }
}

/** Tokens that are not words: sentence marks, silence, noise and filler models. */
function isFiller(token: string): boolean {
  return /^<.*>$/.test(token) || /^\[.*\]$/.test(token) || /^\+\+.*\+\+$/.test(token) || token === '(NULL)';
}

/** `and(2)` → `and`: alternative pronunciations carry a number in parentheses. */
function wordOf(token: string): string {
  return token.replace(/\(\d+\)$/, '');
}

/**
 * Parses `pocketsphinx_continuous -time yes` output: per utterance a hypothesis line, then one
 * `word start end posterior` line per token between `<s>` and `</s>` (seconds from the file start).
 * @returns One segment per utterance with words: text = the words, times of the first and last word,
 *   confidence = the words' mean posterior.
 */
export function parseContinuousOutput(stdout: string): TranscriptSegment[] {
  const segments: TranscriptSegment[] = [];
  let words: Array<{ word: string; start: number; end: number; probability: number }> = [];
  const flush = (): void => {
    if (words.length > 0) {
      segments.push({
        start: words[0].start,
        end: words[words.length - 1].end,
        text: words.map((word) => word.word).join(' '),
        confidence: words.reduce((sum, word) => sum + word.probability, 0) / words.length,
      });
    }
    words = [];
  };
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^(\S+) (-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?(?:e-?\d+)?)$/.exec(line.trim());
    if (!match) continue;
    const token = match[1];
    if (token === '<s>') flush();
    if (token === '</s>') {
      flush();
      continue;
    }
    if (isFiller(token)) continue;
    words.push({ word: wordOf(token), start: Number(match[2]), end: Number(match[3]), probability: Math.max(0, Math.min(1, Number(match[4]))) });
  }
  flush();
  return segments;
}

const singleLineSchema = z.object({
  b: z.number(),
  d: z.number(),
  p: z.number().optional(),
  t: z.string(),
  w: z.array(z.object({ b: z.number(), d: z.number(), p: z.number().optional(), t: z.string() })).optional(),
});

/**
 * Parses `pocketsphinx single` (5.x) output: one JSON object per line,
 * `{ b: start, d: duration, p: probability, t: text, w: [{ b, d, p, t }] }`, seconds.
 * @returns One segment per line with text (lines that are not such JSON are skipped).
 */
export function parseSingleOutput(stdout: string): TranscriptSegment[] {
  const segments: TranscriptSegment[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    if (!line.trim().startsWith('{')) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = singleLineSchema.safeParse(json);
    if (!parsed.success) continue;
    const words = (parsed.data.w ?? []).filter((word) => !isFiller(word.t));
    const text = words.length > 0 ? words.map((word) => wordOf(word.t)).join(' ') : parsed.data.t.trim();
    if (!text) continue;
    const segment: TranscriptSegment = {
      start: words[0]?.b ?? parsed.data.b,
      end: words.length > 0 ? words[words.length - 1].b + words[words.length - 1].d : parsed.data.b + parsed.data.d,
      text,
    };
    if (parsed.data.p !== undefined) segment.confidence = Math.max(0, Math.min(1, parsed.data.p));
    segments.push(segment);
  }
  return segments;
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(binary: string, args: string[], timeoutMs: number, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs, signal }, (error, stdout, stderr) => {
      if (error) {
        if (signal?.aborted) {
          reject(new LongVidError('ABORTED', 'the operation was aborted', { cause: signal.reason }));
          return;
        }
        reject(
          new LongVidError('MODEL_FAILED', `${binary} failed: ${error.message.split('\n')[0]}`, {
            details: { binary, args, stderr: stderr.slice(-2000) },
            hint: INSTALL_HINT,
            cause: error,
          }),
        );
        return;
      }
      resolve(stdout);
    });
  });
}
