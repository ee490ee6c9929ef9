import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LongVidError } from '@longvid/core';
import { resolveFfmpeg } from './index';

function fakeBinary(directory: string, name: string): string {
  const path = join(directory, name);
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, 0o755);
  return path;
}

describe('resolveFfmpeg', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'longvid-binaries-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('falls back to the bundled binaries', () => {
    const binaries = resolveFfmpeg();
    expect(binaries.source).toBe('bundled');
    expect(binaries.ffmpeg).toMatch(/@ffmpeg-installer/);
    expect(binaries.ffprobe).toMatch(/@ffprobe-installer/);
  });

  it('searches the PATH string before the bundled binaries', () => {
    const bin = join(directory, 'path-bin');
    mkdirSync(bin);
    const ffmpeg = fakeBinary(bin, 'ffmpeg');
    const ffprobe = fakeBinary(bin, 'ffprobe');
    writeFileSync(join(directory, 'ffmpeg'), 'not executable');
    const binaries = resolveFfmpeg({ searchPath: ['', join(directory, 'missing'), directory, bin].join(':') });
    expect(binaries).toEqual({ ffmpeg, ffprobe, source: 'path' });
  });

  it('uses explicit paths first, with an ffprobe next to an explicit ffmpeg', () => {
    const bin = join(directory, 'setting-bin');
    mkdirSync(bin);
    const ffmpeg = fakeBinary(bin, 'ffmpeg');
    const ffprobe = fakeBinary(bin, 'ffprobe');
    expect(resolveFfmpeg({ ffmpegPath: ffmpeg, searchPath: '/usr/bin' })).toEqual({ ffmpeg, ffprobe, source: 'setting' });
  });

  it('names LONGVID_FFMPEG_PATH when an explicit path does not exist', () => {
    let error: unknown;
    try {
      resolveFfmpeg({ ffmpegPath: join(directory, 'nope', 'ffmpeg') });
    } catch (caught) {
      error = caught;
    }
    expect(LongVidError.is(error)).toBe(true);
    expect((error as LongVidError).code).toBe('FFMPEG_NOT_FOUND');
    expect((error as LongVidError).message).toContain('LONGVID_FFMPEG_PATH');
    expect((error as LongVidError).hint).toContain('LONGVID_FFMPEG_PATH');
  });

  it('names LONGVID_FFPROBE_PATH when an explicit ffprobe does not exist', () => {
    expect(() => resolveFfmpeg({ ffprobePath: join(directory, 'nope', 'ffprobe') })).toThrow(/LONGVID_FFPROBE_PATH/);
  });
});
