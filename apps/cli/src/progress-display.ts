import { Format, Presets, SingleBar } from 'cli-progress';
import type { OnProgress, ProgressEvent, ProgressStage, ProgressUnit } from '@longvid/core';
import { terminalSafe } from '@longvid/core';

/** A label for every stage a job emits (typed by the stage union of `@longvid/core`, so none is missing). */
const STAGE_LABELS: Record<ProgressStage, string> = {
  probe: 'probing',
  hash: 'hashing',
  keyframes: 'reading the video',
  transcription: 'transcribing speech',
  captions: 'captioning clips',
  narrative: 'summarising',
  index: 'indexing memory',
  wait: 'waiting for another process ingesting this video',
  checkpoint: 'redoing a damaged checkpoint',
  rebuild: 'rebuilding memory',
  decode: 'decoding',
  shots: 'detecting shots',
  detection: 'detecting objects',
  vad: 'finding speech',
  videos: 'ingesting videos',
  questions: 'answering questions',
  report: 'writing the report',
  segments: 'encoding segments',
  needles: 'burning in needles',
  join: 'joining segments',
  'training-videos': 'reading videos',
  'key-frames': 'reading frames',
  samples: 'writing samples',
  rollout: 'rolling out',
  grpo: 'training',
};

/** How each unit is written after `done/total`. */
const UNIT_TEXT: Record<ProgressUnit, string> = {
  steps: '',
  'video-seconds': 's of video',
  'speech-seconds': 's of speech',
  clips: 'clips',
  summaries: 'summaries',
  events: 'events',
  frames: 'frames',
  windows: 'windows',
  videos: 'videos',
  questions: 'questions',
  segments: 'segments',
  files: 'files',
  samples: 'samples',
};

/** Least time between two progress lines when stderr is not a terminal, ms. */
export const PROGRESS_LINE_INTERVAL_MS = 5000;

/** Options of {@link createProgressDisplay} (tests shorten the interval and fake the clock). */
export interface ProgressDisplayOptions {
  /** Least milliseconds between two lines off a terminal (default {@link PROGRESS_LINE_INTERVAL_MS}). */
  intervalMs?: number;
  /** Milliseconds clock (default `performance.now`). */
  now?: () => number;
}

function unitOf(event: ProgressEvent): string {
  return UNIT_TEXT[event.unit];
}

function amount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(0);
}

/** One progress line: `longvid: reading the video 42/120 s of video (35%)`. */
export function progressLine(event: ProgressEvent): string {
  // A notice (another process holds the video, a checkpoint failed its check) is its message.
  if (event.message) return `longvid: ${terminalSafe(event.message)}`;
  const label = STAGE_LABELS[event.stage];
  if (!(event.total > 0)) return `longvid: ${label}`;
  const unit = unitOf(event);
  const percent = Math.floor((100 * Math.min(event.done, event.total)) / event.total);
  return `longvid: ${label} ${amount(event.done)}/${amount(event.total)}${unit ? ` ${unit}` : ''} (${percent}%)`;
}

/** cli-progress time format: the ETA only once it is known (cli-progress writes `NULL`/`INF` before). */
function etaText(seconds: unknown, options: Parameters<typeof Format.TimeFormat>[1], roundTo: number): string {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? ` | eta ${Format.TimeFormat(seconds, options, roundTo)}` : '';
}

/**
 * Turns `onProgress` events into a progress bar on a terminal (cli-progress; the ETA appears once
 * it is known), or, when stderr is not a terminal (a pipe, a file, CI), into a line such as
 * `longvid: reading the video 42/120 s of video (35%)` at most every `intervalMs` (5 s): a command
 * that ends (or fails) sooner prints no progress at all. An event with a `message` is a notice
 * (another process is ingesting the video, a checkpoint failed its check) and is always written at
 * once, as one line with its control characters escaped. `stop()` clears the bar.
 */
export function createProgressDisplay(stream: NodeJS.WritableStream & { isTTY?: boolean }, enabled: boolean, options: ProgressDisplayOptions = {}): { onProgress: OnProgress; stop: () => void } {
  if (!enabled) return { onProgress: () => undefined, stop: () => undefined };
  const intervalMs = options.intervalMs ?? PROGRESS_LINE_INTERVAL_MS;
  const now = options.now ?? (() => performance.now());
  if (!stream.isTTY) {
    const started = now();
    let lastLine = started;
    return {
      onProgress: (event) => {
        const time = now();
        // Notices (events with a message) are always shown; progress at most every `intervalMs`.
        if (event.message) {
          stream.write(`${progressLine(event)}\n`);
          return;
        }
        if (time - lastLine < intervalMs) return;
        lastLine = time;
        stream.write(`${progressLine(event)}\n`);
      },
      stop: () => undefined,
    };
  }
  let bar: SingleBar | undefined;
  let stage = '';
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };
  const onProgress: OnProgress = (event) => {
    if (event.message) {
      stop();
      stage = '';
      stream.write(`${progressLine(event)}\n`);
      return;
    }
    if (event.stage !== stage) {
      stop();
      stage = event.stage;
      if (event.total > 1) {
        const label = STAGE_LABELS[event.stage];
        const unit = unitOf(event);
        bar = new SingleBar(
          { stream, format: `${label.padEnd(24)} [{bar}] {percentage}% | {value}/{total}${unit ? ` ${unit}` : ''}{eta_formatted}`, formatTime: etaText, hideCursor: true, clearOnComplete: true },
          Presets.shades_classic,
        );
        bar.start(Math.round(event.total), Math.round(event.done));
      }
    }
    bar?.update(Math.round(event.done));
  };
  return { onProgress, stop };
}
