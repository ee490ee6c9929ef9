import { Writable } from 'node:stream';
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
    display.onProgress({ stage: 'probe', done: 0, total: 1 });
    now = 1000;
    display.onProgress({ stage: 'ingest', done: 10, total: 120 });
    expect(stderr.text).toBe('');
    now = 5000;
    display.onProgress({ stage: 'ingest', done: 42, total: 120 });
    now = 7000;
    display.onProgress({ stage: 'ingest', done: 60, total: 120 });
    now = 10_500;
    display.onProgress({ stage: 'index', done: 3, total: 15 });
    display.stop();
    expect(stderr.text).toBe('longvid: reading the video 42/120 s of video (35%)\nlongvid: indexing memory 3/15 events (20%)\n');
  });

  it('names the unit an event gives, and writes no count for a stage without a total', () => {
    expect(progressLine({ stage: 'questions', done: 3, total: 8, unit: 'answers' })).toBe('longvid: answering questions 3/8 answers (37%)');
    expect(progressLine({ stage: 'hash', done: 0, total: 0 })).toBe('longvid: hashing');
  });

  it('on a terminal, shows no ETA before it is known (never `NF`/`LL`)', () => {
    const stderr = stream(true);
    const display = createProgressDisplay(stderr, true);
    display.onProgress({ stage: 'ingest', done: 0, total: 120 });
    display.stop();
    expect(stderr.text).toContain('0/120 s of video');
    expect(stderr.text).not.toMatch(/eta|NF|LL/);
  });
});
