import type { LibraryAddReport, LibraryAskResult, LibraryMoment } from '@longvid/agents';
import type { LibraryVideo } from '@longvid/memory';
import { z } from 'zod';
import { answerJsonFields, evidenceJson, toAnswerJson, toEvidenceJson } from './json-output';

/** A video of a library as `--json` names it: content hash (SHA-256, hex), absolute path, file name. */
const videoJson = z.object({ hash: z.string(), path: z.string(), name: z.string() });

/** A video of a library with its status (`library list`/`status`/`add --json`); seconds. */
const libraryVideoJson = videoJson.extend({
  status: z.enum(['pending', 'ingesting', 'ingested', 'failed']),
  error: z.string().nullable(),
  duration: z.number().nullable(),
  doneSeconds: z.number().nullable(),
  worker: z.string().nullable(),
  addedAt: z.string(),
  updatedAt: z.string(),
});

function toLibraryVideoJson(video: LibraryVideo): z.infer<typeof libraryVideoJson> {
  return {
    hash: video.videoHash,
    path: video.path,
    name: video.name,
    status: video.status,
    error: video.error ?? null,
    duration: video.duration ?? null,
    doneSeconds: video.doneSeconds ?? null,
    worker: video.worker ?? null,
    addedAt: video.addedAt,
    updatedAt: video.updatedAt,
  };
}

/** `longvid library list|status NAME --json` (schemaVersion 1): the videos in the order added and counts by status. */
export const libraryStatusJsonSchema = z.object({
  schemaVersion: z.literal(1),
  library: z.string(),
  counts: z.object({ videos: z.number().int(), ingested: z.number().int(), pending: z.number().int(), ingesting: z.number().int(), failed: z.number().int() }),
  videos: z.array(libraryVideoJson),
});

/** Converts a library's videos to {@link libraryStatusJsonSchema}. */
export function toLibraryStatusJson(library: string, videos: readonly LibraryVideo[]): z.infer<typeof libraryStatusJsonSchema> {
  const count = (status: LibraryVideo['status']) => videos.filter((video) => video.status === status).length;
  return {
    schemaVersion: 1,
    library,
    counts: { videos: videos.length, ingested: count('ingested'), pending: count('pending'), ingesting: count('ingesting'), failed: count('failed') },
    videos: videos.map(toLibraryVideoJson),
  };
}

/** `longvid library add NAME PATH... --json` (schemaVersion 1). */
export const libraryAddJsonSchema = z.object({
  schemaVersion: z.literal(1),
  library: z.string(),
  added: z.array(libraryVideoJson),
  changed: z.array(libraryVideoJson),
  unchanged: z.array(libraryVideoJson),
  ingested: z.array(libraryVideoJson),
  failed: z.array(libraryVideoJson),
});

/** Converts what `addToLibrary` did to {@link libraryAddJsonSchema}. */
export function toLibraryAddJson(library: string, report: LibraryAddReport): z.infer<typeof libraryAddJsonSchema> {
  return {
    schemaVersion: 1,
    library,
    added: report.added.map(toLibraryVideoJson),
    changed: report.changed.map(toLibraryVideoJson),
    unchanged: report.unchanged.map(toLibraryVideoJson),
    ingested: report.ingested.map(toLibraryVideoJson),
    failed: report.failed.map(toLibraryVideoJson),
  };
}

/** `longvid ask --library NAME --json` (schemaVersion 1): every evidence item names its video. Seconds. */
export const libraryAskJsonSchema = z.object({
  schemaVersion: z.literal(1),
  library: z.string(),
  ...answerJsonFields,
  evidence: z.array(evidenceJson.extend({ video: videoJson })),
  /** `entities`: from the entity layer across videos; `agent`: the plan–observe–reflect loop on the best-ranked video(s). */
  mode: z.enum(['entities', 'agent']),
  /** The video the answer came from (agent mode), else null. */
  video: videoJson.nullable(),
  /** Videos ranked for the question, best first, with their fused scores. */
  candidates: z.array(z.object({ video: videoJson, score: z.number() })),
  /** Videos the loop read (agent mode), in order. */
  videosRead: z.array(videoJson),
  /** Ingested videos in the library. */
  videos: z.number().int(),
  rounds: z.number().int(),
  framesObserved: z.number().int(),
  offline: z.boolean(),
  timings: z.object({ rankSeconds: z.number(), answerSeconds: z.number(), totalSeconds: z.number() }),
});

/** Converts a {@link LibraryAskResult} to {@link libraryAskJsonSchema}. */
export function toLibraryAskJson(library: string, result: LibraryAskResult, choices: string[] | undefined): z.infer<typeof libraryAskJsonSchema> {
  return {
    schemaVersion: 1,
    library,
    ...toAnswerJson(result.answer, choices),
    evidence: result.answer.evidence.map((e) => ({ ...toEvidenceJson(e), video: e.video! })),
    mode: result.mode,
    video: result.video ?? null,
    candidates: result.candidates,
    videosRead: result.runs.map((run) => run.libraryVideo),
    videos: result.videos,
    rounds: result.rounds,
    framesObserved: result.framesUsed,
    offline: result.offline,
    timings: result.timings,
  };
}

/** `longvid search --library NAME "query" --json` (schemaVersion 1): ranked moments, best first. Seconds. */
export const librarySearchJsonSchema = z.object({
  schemaVersion: z.literal(1),
  library: z.string(),
  query: z.string(),
  limit: z.number().int(),
  moments: z.array(z.object({ rank: z.number().int(), video: videoJson, start: z.number(), end: z.number(), text: z.string(), score: z.number(), eventId: z.number().int() })),
});

/** Converts moments to {@link librarySearchJsonSchema}. */
export function toLibrarySearchJson(library: string, query: string, limit: number, moments: readonly LibraryMoment[]): z.infer<typeof librarySearchJsonSchema> {
  return {
    schemaVersion: 1,
    library,
    query,
    limit,
    moments: moments.map((moment, index) => ({ rank: index + 1, video: moment.video, start: moment.span.start, end: moment.span.end, text: moment.text, score: moment.score, eventId: moment.eventId })),
  };
}
