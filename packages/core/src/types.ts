/**
 * Shared data types of LongVid. All times are seconds (floating point) from the start of the
 * video; frame indices never leave the video package.
 */

/** A time span `[start, end)` in seconds. */
export interface Span {
  /** Start, seconds. */
  start: number;
  /** End, seconds (`end >= start`). */
  end: number;
}

/** What ffprobe says about a video. */
export interface VideoInfo {
  /** Absolute path of the file. */
  path: string;
  /** Duration, seconds. */
  duration: number;
  /** Average frame rate, frames per second. */
  fps: number;
  /** Frame width, pixels. */
  width: number;
  /** Frame height, pixels. */
  height: number;
  /** Whether the file has an audio stream. */
  hasAudio: boolean;
  /** Container format name reported by ffprobe (e.g. `mov,mp4,m4a,3gp,3g2,mj2`). */
  format: string;
  /** Video codec name (e.g. `h264`). */
  videoCodec: string;
  /** File size, bytes. */
  sizeBytes: number;
}

/** A contiguous piece of video used as the unit of ingestion (a shot, or part of a long shot). */
export interface Clip {
  /** Position in the clip list, from 0. */
  index: number;
  /** Time span, seconds. */
  span: Span;
  /** Index of the shot this clip comes from. */
  shotIndex: number;
}

/** An axis-aligned box in pixels of the frame it was found in: top-left corner, width, height. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Kinds of observation a tool can make. */
export type ObservationKind = 'text' | 'speech' | 'subtitle' | 'object' | 'caption' | 'summary';

/**
 * One time-stamped thing a tool saw or heard: an OCR line, a subtitle line, a detection...
 * Observations are what episodic memory stores and what evidence is made of.
 */
export interface Observation {
  /** What kind of observation. */
  kind: ObservationKind;
  /** Where in the video, seconds. */
  span: Span;
  /** The content as text (OCR text, subtitle text, class name...). */
  text: string;
  /** Confidence in `[0, 1]`. */
  confidence: number;
  /** The tool that made it (`ocr`, `subtitles`, ...). */
  tool: string;
  /** Box in frame pixels, for visual observations. */
  box?: Box;
  /** Named attributes of what was seen, e.g. `{ colour: 'blue' }` for a detected object (see `dominantColour` of `@longvid/perception`). */
  attributes?: Record<string, string>;
}

/** Evidence the observer returns and the answer cites: an observation with an id. */
export interface Evidence extends Observation {
  /** Stable id within one question (`e1`, `e2`, ...). */
  id: string;
  /** The agent round that produced it (from 1); 0 for evidence read from memory. */
  round: number;
  /**
   * The video of a library the evidence is in (set on every evidence item of a library answer;
   * absent for a one-video answer): its content hash (SHA-256, hex), the absolute path it was added
   * from and its file name.
   */
  video?: { hash: string; path: string; name: string };
}

/**
 * Tools the observer can run on a span: `ocr` reads on-screen text, `subtitles` reads sidecar
 * lines, `memory` reads what ingestion stored, `watch` has a video LLM look at the span's frames
 * (or the clip itself) and describe what answers the question.
 */
export type ObserverTool = 'ocr' | 'subtitles' | 'memory' | 'watch' | 'detect';

/** Frame resolutions the planner may ask for. */
export type Resolution = 'low' | 'medium' | 'high';

/** One thing the planner wants looked at. */
export interface PlanStep {
  /** Where to look, seconds. */
  span: Span;
  /** Frames per second to sample in the span. */
  fps: number;
  /** Frame resolution. */
  resolution: Resolution;
  /** Tool to run. */
  tool: ObserverTool;
  /** Why (shown in traces). */
  reason: string;
}

/** The planner's output for one round. */
export interface Plan {
  round: number;
  steps: PlanStep[];
}

/** The reflector's judgement after a round. */
export interface Reflection {
  round: number;
  /** Whether the evidence answers the question. */
  sufficient: boolean;
  /** Answer text when sufficient (or forced at budget end). */
  answer?: string;
  /** Index into the choices when the question is multiple choice. */
  choiceIndex?: number;
  /** Confidence in `[0, 1]`. */
  confidence: number;
  /** Evidence ids the answer rests on. */
  evidenceIds: string[];
  /** Why (shown in traces). */
  reason: string;
  /**
   * What the user should know with the answer: how a count was counted, which spans and frames a
   * `no` examined, what setting would answer a question that cannot be answered offline.
   */
  explanation?: string;
  /** The answer path whose fitted confidence was used (a key of the reflector's calibration table), for calibration. */
  basis?: string;
  /**
   * True when the answer says something was not seen (`no`, a count of 0): it rests on what was
   * examined (named in `explanation`), so it cites no evidence.
   */
  absence?: boolean;
}

/** The final answer to a question. */
export interface Answer {
  question: string;
  /** Answer text; for multiple choice, the chosen option's text. */
  answer: string;
  /** Chosen option index (from 0) when choices were given. */
  choiceIndex?: number;
  /** Confidence in `[0, 1]`. */
  confidence: number;
  /** The evidence the answer rests on, each with its span. */
  evidence: Evidence[];
  /** Whether the answer was reached within the budget with sufficient evidence. */
  sufficient: boolean;
  /**
   * Where the video's sources disagree about the answer (subtitles or speech vs. on-screen text),
   * one line each; the confidence is already lowered for them. Absent when they agree.
   */
  conflicts?: string[];
  /** See {@link Reflection.explanation}. */
  explanation?: string;
  /** See {@link Reflection.basis}. */
  basis?: string;
}

/** What a model call was made for (cost accounting). */
export type ModelCallRole = 'planner' | 'reflector' | 'observer' | 'caption' | 'narrative' | 'baseline';

/**
 * One call to a model endpoint, for cost and speed accounting: what it sent and what it cost.
 * A call answered from the on-disk call cache has `cached: true` and costs nothing
 * (`framesSent`, tokens and `attempts` are 0).
 */
export interface ModelCall {
  /** What the call was for. */
  role: ModelCallRole;
  /** Model name at the endpoint. */
  model: string;
  /** Images (or video frames) sent to the endpoint, summed over attempts. */
  framesSent: number;
  /** Prompt tokens as the API's `usage` reported them (0 when it reports none). */
  inputTokens: number;
  /** Completion tokens as the API's `usage` reported them. */
  outputTokens: number;
  /** Wall time of the call including retries and backoff, seconds. */
  latencySeconds: number;
  /** HTTP requests made (1 + retries; 0 for a cache hit). */
  attempts: number;
  /** True when the answer came from the on-disk call cache. */
  cached: boolean;
  /** The video span the call was about, seconds, when it was about one. */
  span?: Span;
  /** The agent round (from 1), when the call belongs to one. */
  round?: number;
}
