/**
 * @longvid/ingest — ingestion of a video into episodic memory: probe and content hash, one
 * decoding pass for keyframes and scene scores (checkpointed), OCR and object detection on
 * keyframes (optionally in worker threads), voice activity, subtitles, captions and the narrative
 * layer through a versioned {@link ClipCaptioner}, embedding and the memory on disk; the local
 * models chosen from settings; one lock per video.
 * @packageDocumentation
 */
export { ingestVideo, eventText, INGEST_MAX_SIDE, SHOT_THRESHOLD, PIPELINE_VERSION, SEGMENT_SECONDS } from './pipeline';
export type { IngestOptions, IngestResult } from './pipeline';
export { createLocalTools, createSpeechRecognizer, createTextEmbedder, releaseLocalModels } from './local-tools';
export type { LocalTools } from './local-tools';
export type { ClipCaptioner, CaptionRequest, CaptionResult, NarrateRequest } from './captioner';
export { captionClips, writeNarrative } from './captions';
export type { CaptionStepOptions, NarrativeEntry } from './captions';
export { scanKeyframes } from './keyframe-scan';
export type { KeyframeAnalyzer } from './keyframe-scan';
export { groupOcrReadings, ocrTextKey, consensusReading, subtitleObservation, SUBTITLE_CONFIDENCE } from './observations';
export type { FrameText } from './observations';
export { withIngestLock } from './ingest-lock';
export type { IngestLockOptions } from './ingest-lock';
