import { LongVidError, type ProgressEvent } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { detectShots, probeVideo } from './index';
import { shotsFromScores } from './shots';
import { testBinaries } from './testing';

const binaries = testBinaries();
const devLong = sharedVideo('dev_long.mp4');
/** Clip joins of dev_long.mp4 from MANIFEST.md (±0.05 s). */
const MANIFEST_CUTS = [9.56, 49.43, 59.1, 67.1, 77.14, 87.15, 97.2, 103.92, 113.68];

describe('detectShots on dev_long.mp4', () => {
  it('finds every clip join within 0.2 s and few spurious cuts, covering the video', async () => {
    const { duration } = await probeVideo(devLong, binaries);
    const events: ProgressEvent[] = [];
    const shots = await detectShots(devLong, binaries, { duration, onProgress: (event) => events.push(event) });

    const cuts = shots.slice(1).map((shot) => shot.span.start);
    for (const expected of MANIFEST_CUTS) {
      const nearest = Math.min(...cuts.map((cut) => Math.abs(cut - expected)));
      expect({ expected, nearest: nearest < 0.2 }).toEqual({ expected, nearest: true });
    }
    const spurious = cuts.filter((cut) => MANIFEST_CUTS.every((expected) => Math.abs(cut - expected) >= 0.2));
    // 114.0 s is a real cut inside the source clip of the baby video; nothing else is expected.
    expect(spurious.length).toBeLessThanOrEqual(2);

    expect(shots[0].span.start).toBe(0);
    expect(shots[0].score).toBe(0);
    expect(shots[shots.length - 1].span.end).toBe(duration);
    shots.forEach((shot, index) => {
      expect(shot.index).toBe(index);
      expect(shot.span.end).toBeGreaterThan(shot.span.start);
      if (index > 0) {
        expect(shot.span.start).toBe(shots[index - 1].span.end);
        expect(shot.score).toBeGreaterThan(0.3);
      }
    });

    expect(events.length).toBeGreaterThan(10);
    expect(events.every((event) => event.stage === 'shots' && event.total === duration)).toBe(true);
    expect(events[events.length - 1].done).toBe(duration);
    for (let i = 1; i < events.length; i += 1) expect(events[i].done).toBeGreaterThanOrEqual(events[i - 1].done);
  });

  it('aborts', async () => {
    const controller = new AbortController();
    const promise = detectShots(devLong, binaries, {
      duration: 119.84,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.done > 5) controller.abort();
      },
    });
    await expect(promise).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('rejects bad options and missing files', async () => {
    await expect(detectShots(devLong, binaries, { duration: 0 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(detectShots(devLong, binaries, { duration: 10, threshold: 1.5 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const error = await detectShots('/nonexistent/video.mp4', binaries, { duration: 10 }).catch((caught: unknown) => caught);
    expect(LongVidError.is(error) && error.code).toBe('FILE_NOT_FOUND');
  });
});

describe('shotsFromScores', () => {
  it('cuts above the threshold and keeps the stronger of two close cuts', () => {
    const scores = [
      { time: 0, score: 0 },
      { time: 2, score: 0.5 },
      { time: 2.04, score: 0.7 },
      { time: 5, score: 0.2 },
      { time: 7, score: 0.9 },
      { time: 9.95, score: 0.9 },
    ];
    expect(shotsFromScores(scores, 10, 0.3)).toEqual([
      { index: 0, span: { start: 0, end: 2.04 }, score: 0 },
      { index: 1, span: { start: 2.04, end: 7 }, score: 0.7 },
      { index: 2, span: { start: 7, end: 10 }, score: 0.9 },
    ]);
    expect(shotsFromScores([], 4, 0.3)).toEqual([{ index: 0, span: { start: 0, end: 4 }, score: 0 }]);
  });
});
