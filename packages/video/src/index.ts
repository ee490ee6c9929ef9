/**
 * @longvid/video — ffmpeg resolution, probing, shot detection, clips, frames, audio and subtitles.
 * All times are seconds (floating point) from the start of the video; sizes are pixels; rates Hz.
 * @packageDocumentation
 */
export { resolveFfmpeg } from './binaries';
export type { FfmpegBinaries, ResolveFfmpegOptions } from './binaries';
export { probeVideo } from './probe';
export { detectShots, shotsFromScores, DEFAULT_SHOT_THRESHOLD } from './shots';
export type { Shot, DetectShotsOptions } from './shots';
export { makeClips } from './clips';
export type { MakeClipsOptions } from './clips';
export { extractFrames, sampleTimes, scaledSize } from './frames';
export type { Frame, FrameRequest, ExtractFramesOptions } from './frames';
export { writeFrameJpeg } from './jpeg';
export { readSubtitles, parseSubtitles, decodeSubtitleBytes } from './subtitles';
export type { SubtitleLine } from './subtitles';
export { extractAudio } from './audio';
export type { ExtractAudioOptions } from './audio';
export { videoContentHash } from './content-hash';
export { scanVideo } from './scan';
export type { ScanRequest, ScanItem, ScanOptions } from './scan';
