import { Writable } from 'node:stream';
import { progress, PROGRESS_UNITS } from '@longvid/core';
import { createProgressDisplay, progressLine } from './progress-display';

/** A stderr stand-in that records what is written; `isTTY` as given. */
function stream(isTTY: boolean): Writable & { isTTY: boolean; text: string; columns: number } {
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      sink.text += String(chunk);
      callback();
    },
  }) as Writable & { isTTY: boolean; text: string; columns: number };
  sink.text = '';
  sink.isTTY = isTTY;
  sink.columns = 120;
  return sink;
}

describe('progress display', () => {
  it('off a terminal, prints a line with done/total and the unit at most every interval, and nothing for a short command', () => {
    let now = 0;
    const stderr = stream(false);
    const display = createProgressDisplay(stderr, true, { intervalMs: 5000, now: () => now });
    display.onProgress(progress('probe', 0, 1));
    now = 1000;
    display.onProgress(progress('keyframes', 10, 120));
    expect(stderr.text).toBe('');
    now = 5000;
    display.onProgress(progress('keyframes', 42, 120));
    now = 7000;
    display.onProgress(progress('keyframes', 60, 120));
    now = 10_500;
    display.onProgress(progress('index', 3, 15));
    display.stop();
    expect(stderr.text).toBe('longvid: reading the video 42/120 s of video (35%)\nlongvid: indexing memory 3/15 events (20%)\n');
  });

  it('names the unit of the stage, and writes no count for a stage without a total', () => {
    expect(progressLine(progress('questions', 3, 8))).toBe('longvid: answering questions 3/8 questions (37%)');
    expect(progressLine(progress('videos', 1, 2))).toBe('longvid: ingesting videos 1/2 videos (50%)');
    expect(progressLine(progress('hash', 0, 0))).toBe('longvid: hashing');
  });

  it('labels every stage of the union, each with the unit of its events', () => {
    for (const stage of Object.keys(PROGRESS_UNITS) as (keyof typeof PROGRESS_UNITS)[]) {
      const line = progressLine(progress(stage, 1, 4));
      expect(line.startsWith(`longvid: ${stage} `)).toBe(false);
      expect(line).toMatch(/^longvid: [a-z ()]+ 1\/4( [a-z ]+)? \(25%\)$/);
    }
  });

  it('on a terminal, shows no ETA before it is known (never `NF`/`LL`)', () => {
    const stderr = stream(true);
    const display = createProgressDisplay(stderr, true);
    display.onProgress(progress('keyframes', 0, 120));
    display.stop();
    expect(stderr.text).toContain('0/120 s of video');
    expect(stderr.text).not.toMatch(/eta|NF|LL/);
  });
});
