import type { Span } from '@longvid/core';
import type { Frame } from '@longvid/video';
import type { KeyFrame, KeyFrameVideo } from './key-frames';
import type { TrainingSample } from './samples';

/** A sample plus the frame images it needs written (relative path → pixels). */
export interface SampleDraft {
  sample: TrainingSample;
  frames: Map<string, Frame>;
}

/** Relative path of a key frame's image: `frames/<videoId>/<milliseconds>.jpg`. */
export function keyFramePath(video: KeyFrameVideo, frame: KeyFrame): string {
  return `frames/${video.id}/${String(Math.round(frame.time * 1000)).padStart(8, '0')}.jpg`;
}

/** The span covered by key frames `first..last` of a video: each frame stands for `1/fps` seconds around its time, clamped to the video. */
export function keyFrameSpan(video: KeyFrameVideo, first: number, last: number): Span {
  const half = 0.5 / video.fps;
  return { start: round3(Math.max(0, video.frames[first].time - half)), end: round3(Math.min(video.info.duration, video.frames[last].time + half)) };
}

/** Rounds to 3 decimals (milliseconds). */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/** The source block of a sample. */
export function sourceOf(video: KeyFrameVideo): TrainingSample['source'] {
  return { name: video.name, videoId: video.id, path: video.path, duration: round3(video.info.duration) };
}

/** Adds key frames to a draft's frame map and returns their paths. */
export function useKeyFrames(draft: Map<string, Frame>, video: KeyFrameVideo, frames: readonly KeyFrame[]): string[] {
  return frames.map((frame) => {
    const path = keyFramePath(video, frame);
    draft.set(path, frame.frame);
    return path;
  });
}

/** Letter of a 0-based option index (`A` = 0). */
export function letter(index: number): string {
  return String.fromCharCode(65 + index);
}
