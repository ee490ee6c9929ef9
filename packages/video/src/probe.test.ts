import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LongVidError } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { probeVideo, videoContentHash, writeFrameJpeg } from './index';
import { makeFaststartCopy, makeSyntheticVideo, makeTruncatedCopy, syntheticFrame, testBinaries } from './testing';
import { runBinary } from './run-binary';

const binaries = testBinaries();
const devLong = sharedVideo('dev_long.mp4');

async function probeError(path: string): Promise<LongVidError> {
  try {
    await probeVideo(path, binaries);
  } catch (error) {
    if (LongVidError.is(error)) return error;
    throw error;
  }
  throw new Error(`probeVideo(${path}) did not throw`);
}

describe('probeVideo', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'longvid-probe-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('describes dev_long.mp4', async () => {
    const info = await probeVideo(devLong, binaries);
    expect(info.duration).toBeCloseTo(119.8, 0);
    expect(Math.abs(info.duration - 119.8)).toBeLessThan(0.1);
    expect(info.fps).toBe(25);
    expect([info.width, info.height]).toEqual([640, 360]);
    expect(info.hasAudio).toBe(true);
    expect(info.videoCodec).toBe('h264');
    expect(info.format).toContain('mp4');
    expect(info.sizeBytes).toBe(statSync(devLong).size);
    expect(info.path).toBe(devLong);
  });

  it('reports a video without audio', async () => {
    const info = await probeVideo(sharedVideo('sam2_bedroom.mp4'), binaries);
    expect(info.hasAudio).toBe(false);
    expect([info.width, info.height]).toEqual([960, 540]);
  });

  it('throws FILE_NOT_FOUND for a missing path or a directory', async () => {
    const missing = await probeError(join(directory, 'missing.mp4'));
    expect(missing.code).toBe('FILE_NOT_FOUND');
    expect(missing.message).toBe('missing.mp4: no such file');
    expect(missing.hint).toBeTruthy();
    const folder = join(directory, 'folder.mp4');
    mkdirSync(folder);
    expect((await probeError(folder)).code).toBe('FILE_NOT_FOUND');
  });

  it('throws NOT_A_VIDEO for a text file named .mp4, an empty file, audio only, and an image', async () => {
    const text = join(directory, 'x.mp4');
    writeFileSync(text, 'hello, I am not a video\n');
    const error = await probeError(text);
    expect(error.code).toBe('NOT_A_VIDEO');
    expect(error.message).toMatch(/^x\.mp4: not a video file/);
    expect(error.message).not.toContain('\n');

    const empty = join(directory, 'empty.mp4');
    writeFileSync(empty, '');
    expect((await probeError(empty)).code).toBe('NOT_A_VIDEO');

    const audio = join(directory, 'tone.m4a');
    await runBinary(binaries.ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'aac', audio]);
    const audioError = await probeError(audio);
    expect(audioError.code).toBe('NOT_A_VIDEO');
    expect(audioError.message).toContain('no video stream');

    const image = join(directory, 'still.jpg');
    await writeFrameJpeg(syntheticFrame(32, 16, [200, 10, 10]), image);
    expect((await probeError(image)).code).toBe('NOT_A_VIDEO');
  });

  it('throws CORRUPT_VIDEO for a truncated MP4 whose index is at the end', async () => {
    const truncated = join(directory, 'dev_long_truncated.mp4');
    await makeTruncatedCopy(devLong, truncated, 0.5);
    const error = await probeError(truncated);
    expect(error.code).toBe('CORRUPT_VIDEO');
    expect(error.message).toBe('dev_long_truncated.mp4: the video is truncated or corrupt (moov atom not found)');
    expect(error.hint).toBeTruthy();
  });

  it('throws CORRUPT_VIDEO for truncated faststart MP4s, quickly, and accepts the whole one', async () => {
    const faststart = join(directory, 'faststart.mp4');
    await makeFaststartCopy(devLong, faststart, binaries);
    const info = await probeVideo(faststart, binaries);
    expect(info.duration).toBeCloseTo(119.84, 1);

    const half = join(directory, 'faststart_half.mp4');
    await makeTruncatedCopy(faststart, half, 0.5);
    const started = Date.now();
    const error = await probeError(half);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.code).toBe('CORRUPT_VIDEO');
    expect(error.message).toMatch(/^faststart_half\.mp4: the video is truncated or corrupt \(mdat box ends at byte \d+ but the file has \d+ bytes\)$/);

    const almost = join(directory, 'faststart_almost.mp4');
    await makeTruncatedCopy(faststart, almost, 0.9995);
    expect((await probeError(almost)).code).toBe('CORRUPT_VIDEO');
  });

  it('finds truncation in other containers from the last packets (Matroska)', async () => {
    const mkv = join(directory, 'dev_long.mkv');
    await runBinary(binaries.ffmpeg, ['-v', 'error', '-y', '-i', devLong, '-c', 'copy', mkv]);
    expect((await probeVideo(mkv, binaries)).duration).toBeGreaterThan(119);
    const truncated = join(directory, 'dev_long_truncated.mkv');
    await makeTruncatedCopy(mkv, truncated, 0.5);
    const error = await probeError(truncated);
    expect(error.code).toBe('CORRUPT_VIDEO');
    expect(error.message).toMatch(/^dev_long_truncated\.mkv: the video is truncated or corrupt \(/);
  });

  it('reads a synthetic video', async () => {
    const path = join(directory, 'synthetic.mp4');
    await makeSyntheticVideo(path, binaries, { seconds: 1, width: 64, height: 48, fps: 10 });
    const info = await probeVideo(path, binaries);
    expect([info.width, info.height, info.fps, info.hasAudio]).toEqual([64, 48, 10, true]);
  });
});

describe('videoContentHash', () => {
  it('hashes the bytes and throws FILE_NOT_FOUND for a missing file', async () => {
    const hash = await videoContentHash(sharedVideo('sam2_bedroom.mp4'));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    await expect(videoContentHash('/nonexistent/video.mp4')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});
