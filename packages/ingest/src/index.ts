/**
 * @longvid/ingest — ingestion of a video into episodic memory: probe and content hash, one
 * decoding pass for keyframes and scene scores (checkpointed), OCR and object detection on
 * keyframes (optionally in worker threads), voice activity and speech transcripts (checkpointed per
 * chunk), subtitles, captions and the narrative layer (`buildNarrative` of `@longvid/memory`, its
 * summaries written online through a versioned {@link ClipCaptioner}), embedding and the memory on disk; the local
 * models chosen from settings; one lock per video; checkpoints in files or PostgreSQL; library
 * ingestion jobs on a pg-boss queue taken by any number of workers ({@link runWorker}).
 * @packageDocumentation
 */
export { ingestVideo, eventText, narrativeSummarizer, INGEST_MAX_SIDE, SHOT_THRESHOLD, PIPELINE_VERSION, SEGMENT_SECONDS } from './pipeline';
export type { IngestOptions, IngestResult, IngestBackends } from './pipeline';
export { transcribeSpeech, transcriptChunks, TRANSCRIPT_CHUNK_SECONDS, TRANSCRIPT_PADDING_SECONDS } from './transcripts';
export type { TranscribeSpeechOptions } from './transcripts';
export { createLocalTools, createSpeechRecognizer, createTextEmbedder, releaseLocalModels } from './local-tools';
export type { LocalTools } from './local-tools';
export type { ClipCaptioner, CaptionRequest, CaptionResult, NarrateRequest } from './captioner';
export { captionClips } from './captions';
export type { CaptionStepOptions } from './captions';
export { scanKeyframes } from './keyframe-scan';
export type { KeyframeAnalyzer } from './keyframe-scan';
export { groupOcrReadings, ocrTextKey, consensusReading, subtitleObservation, SUBTITLE_CONFIDENCE } from './observations';
export type { FrameText } from './observations';
export { withIngestLock } from './ingest-lock';
export { FileCheckpointStore, checkpointFolder, checkpointInputs, checkpointDigest, verifyCheckpoint } from './checkpoint-file';
export type { CheckpointStore, CheckpointRead } from './checkpoint-file';
export {
  enqueueLibraryIngest,
  runWorker,
  PostgresCheckpointStore,
  migrateIngest,
  INGEST_QUEUE,
  INGEST_MIGRATIONS_DIRECTORY,
  DEFAULT_LEASE_SECONDS,
  DEFAULT_RETRY_LIMIT,
  DEFAULT_RETRY_DELAY_SECONDS,
} from './library-jobs';
export type { EnqueueLibraryIngestOptions, EnqueueResult, IngestJob, IngestJobPolicy, RunWorkerOptions, WorkerEvent, WorkerSummary, LibraryIngestCatalog } from './library-jobs';
export type { IngestLockOptions } from './ingest-lock';
