import { SingleBar, Presets } from 'cli-progress';
import type { OnProgress } from '@longvid/core';

const STAGE_LABELS: Record<string, string> = { probe: 'probing', hash: 'hashing', ingest: 'reading the video (s)', shots: 'detecting shots', ocr: 'reading keyframes (OCR)', index: 'indexing memory' };

/**
 * Turns `onProgress` events into a progress bar on a terminal (cli-progress), or into one line
 * per stage when stderr is not a terminal. `stop()` clears the bar.
 */
export function createProgressDisplay(stream: NodeJS.WritableStream & { isTTY?: boolean }, enabled: boolean): { onProgress: OnProgress; stop: () => void } {
  if (!enabled) return { onProgress: () => undefined, stop: () => undefined };
  let bar: SingleBar | undefined;
  let stage = '';
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };
  const onProgress: OnProgress = (event) => {
    const label = STAGE_LABELS[event.stage] ?? event.stage;
    if (event.stage !== stage) {
      stop();
      stage = event.stage;
      if (stream.isTTY && event.total > 1) {
        bar = new SingleBar({ stream, format: `${label.padEnd(24)} [{bar}] {percentage}% | {value}/{total} | eta {eta_formatted}`, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
        bar.start(Math.round(event.total), Math.round(event.done));
      } else {
        stream.write(`longvid: ${label}${event.total > 1 ? ` (${Math.round(event.total)})` : ''}...\n`);
      }
    }
    bar?.update(Math.round(event.done));
  };
  return { onProgress, stop };
}
