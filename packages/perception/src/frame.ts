/**
 * One decoded video frame.
 *
 * Structurally identical to `Frame` of `@longvid/video` (which decodes frames with ffmpeg); declared
 * here so that perception does not depend on the video package's sources for a plain data shape.
 * Any value of one type is assignable to the other.
 */
export interface Frame {
  /** Presentation time, seconds from the start of the video. */
  time: number;
  /** Width, pixels. */
  width: number;
  /** Height, pixels. */
  height: number;
  /** Pixels as RGB24, row-major, top row first: `width * height * 3` bytes. */
  data: Uint8Array;
}
