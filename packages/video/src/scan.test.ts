import { sharedVideo } from '@longvid/core/testing';
import { extractFrames } from './frames';
import { probeVideo } from './probe';
import { scanVideo, type ScanItem } from './scan';
import { shotsFromScores } from './shots';
import { testBinaries } from './testing';

const video = sharedVideo('dev_long.mp4');
const binaries = testBinaries();
const CUTS = [9.56, 49.43, 59.1, 67.1, 77.14, 87.15, 97.2, 103.92, 113.68];

async function collect(iterator: AsyncGenerator<ScanItem>): Promise<ScanItem[]> {
  const items: ScanItem[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

describe('scanVideo', () => {
  it('streams keyframes on the (k + 0.5)/fps grid and the scene scores of every cut, in one pass', async () => {
    const info = await probeVideo(video, binaries);
    const items = await collect(scanVideo(video, binaries, { fps: 0.5, maxSide: 320 }));
    const frames = items.flatMap((item) => (item.type === 'frame' ? [item.frame] : []));
    expect(frames.map((f) => f.time)).toEqual(Array.from({ length: 60 }, (_, k) => k * 2 + 1));
    expect(frames[0]).toMatchObject({ width: 320, height: 180 });
    const shots = shotsFromScores(items.flatMap((item) => (item.type === 'scene' ? [{ time: item.time, score: item.score }] : [])), info.duration, 0.3);
    const cuts = shots.slice(1).map((shot) => shot.span.start);
    for (const cut of CUTS) expect(cuts.some((found) => Math.abs(found - cut) < 0.2)).toBe(true);
    expect(cuts.length).toBeLessThanOrEqual(CUTS.length + 2);
    // Same pixels as extractFrames for the same sample times (the caption frame at 23 s).
    const [reference] = await extractFrames(video, binaries, { span: { start: 22, end: 24 }, fps: 0.5, maxSide: 320 });
    const scanned = frames.find((f) => f.time === 23)!;
    expect(reference.time).toBe(23);
    let difference = 0;
    for (let i = 0; i < reference.data.length; i += 1) difference += Math.abs(reference.data[i] - scanned.data[i]);
    expect(difference / reference.data.length).toBeLessThan(1);
  });

  it('resumes from a start time, keeping the grid, and stops when aborted', async () => {
    const items = await collect(scanVideo(video, binaries, { fps: 0.5, maxSide: 160, start: 100 }));
    const times = items.flatMap((item) => (item.type === 'frame' ? [item.frame.time] : []));
    expect(times).toEqual([101, 103, 105, 107, 109, 111, 113, 115, 117, 119]);
    const controller = new AbortController();
    const iterator = scanVideo(video, binaries, { fps: 2, maxSide: 160 }, { signal: controller.signal });
    await iterator.next();
    controller.abort();
    await expect(collect(iterator)).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
