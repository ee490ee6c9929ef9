import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedVideo } from '@longvid/core/testing';
import { testBinaries } from '@longvid/video/testing';
import { type KeyFrameVideo, readKeyFrames } from '../key-frames';

/** A temporary directory for one test file. */
export function temporaryDirectory(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `longvid-training-${prefix}-`));
}

/** Reads shared test videos into key frames (1 fps, 160 pixels, frame cache in `cacheDir`). */
export async function readSharedVideos(names: string[], cacheDir: string, maxSide = 160): Promise<KeyFrameVideo[]> {
  const videos: KeyFrameVideo[] = [];
  for (const name of names) videos.push(await readKeyFrames(sharedVideo(name), testBinaries(), { maxSide, cacheDir }));
  return videos;
}
