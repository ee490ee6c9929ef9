/** A progress report from a long job: `done` of `total` units in `stage`. */
export interface ProgressEvent {
  /** Stage name, e.g. `probe`, `shots`, `ocr`, `index`. */
  stage: string;
  /** Units done so far in this stage. */
  done: number;
  /** Units in this stage (0 when unknown). */
  total: number;
  /** Unit of `done` and `total`, e.g. `s of video`, `keyframes`, `questions` (the CLI has a default per stage). */
  unit?: string;
  /** Optional detail for display. */
  message?: string;
}

/** Typed progress callback (pattern: mediabunny `src/conversion.ts`). */
export type OnProgress = (event: ProgressEvent) => void;
