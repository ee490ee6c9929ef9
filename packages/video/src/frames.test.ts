import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LongVidError } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { type FfmpegBinaries, type Frame, extractFrames, sampleTimes, scaledSize, writeFrameJpeg } from './index';
import { readJpegRgb } from './jpeg';
import { makeSyntheticVideo, readFrameCounter, syntheticFrame, testBinaries } from './testing';

const binaries = testBinaries();
const devLong = sharedVideo('dev_long.mp4');
/** Binaries that cannot run: any ffmpeg/ffprobe call with them fails. */
const brokenBinaries: FfmpegBinaries = { ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe', source: 'setting' };

/** Share of dark pixels (all channels < 60) in the caption box region of dev_long (lower third, centre). */
function captionDarkShare(frame: Frame): number {
  let dark = 0;
  let total = 0;
  for (let y = Math.floor(frame.height * 0.69); y < Math.floor(frame.height * 0.78); y += 1) {
    for (let x = Math.floor(frame.width * 0.32); x < Math.floor(frame.width * 0.68); x += 1) {
      const offset = (y * frame.width + x) * 3;
      if (frame.data[offset] < 60 && frame.data[offset + 1] < 60 && frame.data[offset + 2] < 60) dark += 1;
      total += 1;
    }
  }
  return dark / total;
}

describe('extractFrames', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'longvid-frames-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('samples dev_long 21–24 s at 2 fps at native size, with the caption visible', async () => {
    const frames = await extractFrames(devLong, binaries, { span: { start: 21, end: 24 }, fps: 2 });
    expect(frames.map((frame) => frame.time)).toEqual([21.25, 21.75, 22.25, 22.75, 23.25, 23.75]);
    for (const frame of frames) {
      expect([frame.width, frame.height, frame.data.length]).toEqual([640, 360, 640 * 360 * 3]);
      expect(captionDarkShare(frame)).toBeGreaterThan(0.3);
    }
    const before = await extractFrames(devLong, binaries, { span: { start: 17, end: 20 }, fps: 1 });
    const after = await extractFrames(devLong, binaries, { span: { start: 25, end: 27 }, fps: 1 });
    for (const frame of [...before, ...after]) expect(captionDarkShare(frame)).toBeLessThan(0.05);
  });

  it('scales to maxSide, caches as JPEG + manifest, and serves a hit without running ffmpeg', async () => {
    const cacheDir = join(directory, 'cache');
    const request = { span: { start: 21, end: 24 }, fps: 2, maxSide: 320 };
    const first = await extractFrames(devLong, binaries, request, { cacheDir });
    expect(first).toHaveLength(6);
    for (const frame of first) expect([frame.width, frame.height]).toEqual([320, 180]);
    expect(captionDarkShare(first[0])).toBeGreaterThan(0.3);

    const entries = readdirSync(join(cacheDir, 'frames'));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(/^[0-9a-f]{64}$/);
    const entry = join(cacheDir, 'frames', entries[0]);
    const manifestPath = join(entry, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { frames: Array<{ time: number; file: string }>; width: number };
    expect(manifest.width).toBe(320);
    expect(manifest.frames.map((frame) => frame.time)).toEqual([21.25, 21.75, 22.25, 22.75, 23.25, 23.75]);
    expect(readdirSync(entry).filter((name) => name.endsWith('.jpg'))).toHaveLength(6);
    const modified = statSync(manifestPath).mtimeMs;

    // A hit must run neither ffmpeg nor ffprobe: binaries that cannot start would fail it.
    const second = await extractFrames(devLong, brokenBinaries, request, { cacheDir });
    expect(second.map((frame) => frame.time)).toEqual(first.map((frame) => frame.time));
    second.forEach((frame, index) => expect(Buffer.from(frame.data).equals(Buffer.from(first[index].data))).toBe(true));
    expect(statSync(manifestPath).mtimeMs).toBe(modified);
    expect(readdirSync(join(cacheDir, 'frames'))).toHaveLength(1);

    // Another request is another entry; a miss with unusable binaries fails with FFMPEG_NOT_FOUND.
    await expect(extractFrames(devLong, brokenBinaries, { ...request, fps: 1 }, { cacheDir })).rejects.toMatchObject({ code: 'FFMPEG_NOT_FOUND' });
    expect(readdirSync(join(cacheDir, 'frames'))).toHaveLength(1);
  });

  it('lets concurrent callers fill one entry without failing each other, and replaces a damaged entry', async () => {
    const cacheDir = join(directory, 'concurrent');
    const request = { span: { start: 88, end: 92 }, fps: 1, maxSide: 320 };
    // Four callers miss at once and all decode; whoever publishes last must not pull the entry
    // from under the others (each used to remove the entry before renaming its own into place).
    const results = await Promise.all([0, 1, 2, 3].map(() => extractFrames(devLong, binaries, request, { cacheDir })));
    for (const frames of results) expect(frames.map((frame) => frame.time)).toEqual([88.5, 89.5, 90.5, 91.5]);
    expect(readdirSync(join(cacheDir, 'frames'))).toHaveLength(1);

    // A damaged entry (manifest that is not JSON) is decoded again and replaced.
    const entry = join(cacheDir, 'frames', readdirSync(join(cacheDir, 'frames'))[0]);
    writeFileSync(join(entry, 'manifest.json'), '{ not json');
    const again = await extractFrames(devLong, binaries, request, { cacheDir });
    expect(again.map((frame) => frame.time)).toEqual([88.5, 89.5, 90.5, 91.5]);
    expect(JSON.parse(readFileSync(join(entry, 'manifest.json'), 'utf8'))).toMatchObject({ fps: 1 });
    expect(readdirSync(join(cacheDir, 'frames'))).toHaveLength(1);
  });

  it('returns the source frame on screen at each sample time (frame-numbered video)', async () => {
    const path = join(directory, 'counter.mp4');
    const fps = 25;
    await makeSyntheticVideo(path, binaries, { seconds: 8, width: 128, height: 32, fps, pattern: 'counter', audio: false });
    const cases: Array<[{ start: number; end: number }, number]> = [
      [{ start: 0, end: 8 }, 1],
      [{ start: 1.01, end: 2.3 }, 3],
      [{ start: 3.3, end: 3.5 }, 60], // faster than the video: frames repeat
      [{ start: 7.5, end: 9 }, 10], // runs past the end: clamped
      [{ start: 4, end: 4 }, 1], // an instant
    ];
    for (const [span, rate] of cases) {
      const frames = await extractFrames(path, binaries, { span, fps: rate });
      const clamped = { start: span.start, end: Math.min(span.end, 8) };
      expect(frames.map((frame) => frame.time)).toEqual(sampleTimes(clamped, rate));
      for (const frame of frames) expect(readFrameCounter(frame)).toBe(Math.floor(frame.time * fps + 1e-9));
    }
  });

  it('rejects bad requests and spans outside the video', async () => {
    const expectCode = async (promise: Promise<unknown>, code: string): Promise<LongVidError> => {
      const error = await promise.catch((caught: unknown) => caught);
      expect(LongVidError.is(error) && error.code).toBe(code);
      return error as LongVidError;
    };
    await expectCode(extractFrames(devLong, binaries, { span: { start: 0, end: 1 }, fps: 0 }), 'BAD_INPUT');
    await expectCode(extractFrames(devLong, binaries, { span: { start: 2, end: 1 }, fps: 1 }), 'BAD_INPUT');
    await expectCode(extractFrames(devLong, binaries, { span: { start: 0, end: 1 }, fps: 1, maxSide: 0 }), 'BAD_INPUT');
    const outside = await expectCode(extractFrames(devLong, binaries, { span: { start: 130, end: 140 }, fps: 1 }), 'BAD_INPUT');
    expect(outside.message).toContain('outside');
    await expectCode(extractFrames(join(directory, 'missing.mp4'), binaries, { span: { start: 0, end: 1 }, fps: 1 }), 'FILE_NOT_FOUND');
  });
});

describe('frame helpers', () => {
  it('computes sample times and scaled sizes', () => {
    expect(sampleTimes({ start: 21, end: 24 }, 2)).toEqual([21.25, 21.75, 22.25, 22.75, 23.25, 23.75]);
    expect(sampleTimes({ start: 10, end: 10.5 }, 1)).toEqual([10.25]);
    expect(sampleTimes({ start: 10, end: 11 }, 1)).toEqual([10.5]);
    expect(scaledSize(640, 360, 320)).toEqual({ width: 320, height: 180 });
    expect(scaledSize(640, 360, 1000)).toEqual({ width: 640, height: 360 });
    expect(scaledSize(640, 360, undefined)).toEqual({ width: 640, height: 360 });
    expect(scaledSize(1280, 720, 225)).toEqual({ width: 224, height: 126 });
    expect(scaledSize(360, 640, 320)).toEqual({ width: 180, height: 320 });
  });

  it('writes a frame as JPEG', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'longvid-jpeg-'));
    try {
      const path = join(directory, 'thumbs', 'frame.jpg');
      const frame = syntheticFrame(40, 20, (x) => (x < 20 ? [250, 10, 10] : [10, 10, 250]), 3.5);
      await writeFrameJpeg(frame, path);
      const image = await readJpegRgb(path);
      expect([image.width, image.height]).toEqual([40, 20]);
      const left = image.data.subarray((10 * 40 + 5) * 3, (10 * 40 + 5) * 3 + 3);
      const right = image.data.subarray((10 * 40 + 35) * 3, (10 * 40 + 35) * 3 + 3);
      expect(left[0]).toBeGreaterThan(200);
      expect(right[2]).toBeGreaterThan(200);
      await expect(writeFrameJpeg({ ...frame, width: 41 }, path)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
