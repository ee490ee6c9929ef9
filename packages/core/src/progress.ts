/**
 * Every stage a long job reports, with the unit of its `done`/`total` (a closed union: a new stage
 * is added here, and the CLI must then label it — its label table is typed by this list).
 * - ingestion (`@longvid/ingest`): `probe`, `hash` (steps), `keyframes` (seconds of video decoded
 *   and analysed), `transcription` (seconds of speech transcribed), `captions` (clips), `narrative` (summaries), `index` (events), and the notices
 *   (an event whose `message` says it all) `wait` (another process holds the video), `checkpoint`
 *   (a checkpoint failed its integrity check), `rebuild` (memory is rebuilt);
 * - `@longvid/video`: `decode`, `shots` (seconds of video); `@longvid/perception`: `detection`
 *   (frames), `vad` (windows of audio);
 * - eval (`@longvid/eval`): `videos` (videos ingested), `questions`, `report` (questions),
 *   `segments` (clips), `needles` (segments), `join` (files);
 * - training (`@longvid/training`): `training-videos` (videos read), `key-frames` (seconds of
 *   video), `samples`, `rollout` (samples), `grpo` (steps).
 */
export const PROGRESS_UNITS = {
  probe: 'steps',
  hash: 'steps',
  keyframes: 'video-seconds',
  transcription: 'speech-seconds',
  captions: 'clips',
  narrative: 'summaries',
  index: 'events',
  wait: 'steps',
  checkpoint: 'steps',
  rebuild: 'steps',
  decode: 'video-seconds',
  shots: 'video-seconds',
  detection: 'frames',
  vad: 'windows',
  videos: 'videos',
  questions: 'questions',
  report: 'questions',
  segments: 'clips',
  needles: 'segments',
  join: 'files',
  'training-videos': 'videos',
  'key-frames': 'video-seconds',
  samples: 'samples',
  rollout: 'samples',
  grpo: 'steps',
} as const;

/** A stage of a long job (see {@link PROGRESS_UNITS}). */
export type ProgressStage = keyof typeof PROGRESS_UNITS;

/** The unit of a stage's `done`/`total`. */
export type ProgressUnit = (typeof PROGRESS_UNITS)[ProgressStage];

/** A progress report from a long job: `done` of `total` units in `stage`, e.g. `{ stage: 'keyframes', unit: 'video-seconds', done: 60, total: 120 }`. */
export type ProgressEvent = {
  [Stage in ProgressStage]: {
    stage: Stage;
    /** Unit of `done` and `total`: always the stage's ({@link PROGRESS_UNITS}). */
    unit: (typeof PROGRESS_UNITS)[Stage];
    /** Units done so far in this stage. */
    done: number;
    /** Units in this stage (0 when unknown). */
    total: number;
    /** Optional detail for display (a file name, a question id). */
    message?: string;
  };
}[ProgressStage];

/** Typed progress callback (pattern: mediabunny `src/conversion.ts`). */
export type OnProgress = (event: ProgressEvent) => void;

/** The progress event of `stage`, with its unit: `progress('keyframes', 60, 120)`. */
export function progress<Stage extends ProgressStage>(stage: Stage, done: number, total: number, message?: string): Extract<ProgressEvent, { stage: Stage }> {
  return { stage, unit: PROGRESS_UNITS[stage], done, total, ...(message !== undefined ? { message } : {}) } as Extract<ProgressEvent, { stage: Stage }>;
}
