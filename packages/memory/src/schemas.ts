/**
 * zod schemas of what the memory stores: events as they are added and as they are read back from
 * disk, and the manifest. Data read from disk is never trusted without them.
 */
import type { Observation, ObservationKind, Span, VideoInfo } from '@longvid/core';
import { z } from 'zod';
import type { MemoryEvent, MemoryManifest } from './types';

const observationKinds = ['text', 'speech', 'subtitle', 'object', 'caption', 'summary'] as const satisfies readonly ObservationKind[];
/** Fails to compile when `@longvid/core` adds an observation kind the list above lacks. */
const everyKindListed: Exclude<ObservationKind, (typeof observationKinds)[number]> extends never ? true : false = true;
void everyKindListed;

/** A finite span with `end >= start`, seconds. */
export const spanSchema = z
  .object({ start: z.number(), end: z.number() })
  .refine((span) => span.end >= span.start, { message: 'span end must not be before its start' }) satisfies z.ZodType<Span>;

const boxSchema = z.object({ x: z.number(), y: z.number(), width: z.number().min(0), height: z.number().min(0) });

/** An {@link Observation} of `@longvid/core`. */
export const observationSchema = z.object({
  kind: z.enum(observationKinds),
  span: spanSchema,
  text: z.string(),
  confidence: z.number().min(0).max(1),
  tool: z.string(),
  box: boxSchema.optional(),
  attributes: z.record(z.string(), z.string()).optional(),
}) satisfies z.ZodType<Observation>;

/** A {@link MemoryEvent} without its id, as given to `addEvent`. */
export const eventInputSchema = z.object({
  clipIndex: z.number().int().min(0),
  span: spanSchema,
  observations: z.array(observationSchema),
  text: z.string(),
}) satisfies z.ZodType<Omit<MemoryEvent, 'id'>>;

/** A stored {@link MemoryEvent}. */
export const eventSchema = z.object({ id: z.number().int().min(0), ...eventInputSchema.shape }) satisfies z.ZodType<MemoryEvent>;

/** A {@link VideoInfo} of `@longvid/core`. */
export const videoInfoSchema = z.object({
  path: z.string(),
  duration: z.number().min(0),
  fps: z.number().min(0),
  width: z.number().int().min(0),
  height: z.number().int().min(0),
  hasAudio: z.boolean(),
  format: z.string(),
  videoCodec: z.string(),
  sizeBytes: z.number().min(0),
}) satisfies z.ZodType<VideoInfo>;

/** The public {@link MemoryManifest}. */
export const manifestSchema = z.object({
  formatVersion: z.literal(1),
  videoHash: z.string().min(1),
  params: z.record(z.string(), z.unknown()),
  embedderId: z.string().min(1),
  dimensions: z.number().int().positive(),
  createdAt: z.string(),
  updatedAt: z.string(),
  complete: z.boolean(),
  video: videoInfoSchema.optional(),
  stats: z.record(z.string(), z.number()).optional(),
}) satisfies z.ZodType<MemoryManifest>;

const attributesSchema = z.record(z.string(), z.string());

/** A stored entity track (`entities-<n>.json`). */
export const entityTrackSchema = z.object({
  id: z.number().int().min(0),
  label: z.string().min(1),
  spans: z.array(spanSchema),
  meanScore: z.number().min(0).max(1),
  attributes: attributesSchema,
});

/** A stored entity (`entities-<n>.json`; rebuilt from the tracks on load, kept for readers of the file). */
export const entitySchema = z.object({
  id: z.number().int().min(0),
  label: z.string().min(1),
  attributes: attributesSchema,
  spans: z.array(spanSchema),
  count: z.number().int().min(0),
  trackIds: z.array(z.number().int().min(0)),
  score: z.number().min(0).max(1),
  seconds: z.number().min(0),
});

/** `entities-<n>.json`: the schematic layer of one generation. */
export const entitiesFileSchema = z.object({
  version: z.literal(1),
  options: z.object({ mergeGapSeconds: z.number().min(0), synonyms: z.record(z.string(), z.array(z.string())).optional() }),
  tracks: z.array(entityTrackSchema),
  entities: z.array(entitySchema),
});

/** `entities-<n>.json` as written. */
export type EntitiesFile = z.infer<typeof entitiesFileSchema>;

/** A narrative entry, as given to `setNarrative` and stored. */
export const narrativeEntrySchema = z.object({
  id: z.number().int().min(0),
  span: spanSchema,
  eventIds: z.array(z.number().int().min(0)),
  summary: z.string(),
  source: z.enum(['observations', 'summarizer']),
});

/** `narrative-<n>.json`: the narrative layer of one generation. */
export const narrativeFileSchema = z.object({ version: z.literal(1), entries: z.array(narrativeEntrySchema) });

/** `narrative-<n>.json` as written. */
export type NarrativeFile = z.infer<typeof narrativeFileSchema>;

/** Where the data of one saved generation lies; kept in `manifest.json` next to the public fields. */
export const storageSchema = z.object({
  /** Save counter; the files of a save carry it in their names. */
  generation: z.number().int().positive(),
  /** Events in the events file. */
  eventCount: z.number().int().min(0),
  /** Events file name (JSON Lines, one event per line in id order). */
  eventsFile: z.string().regex(/^events-\d+\.jsonl$/),
  /** SHA-256 of the events file, hex. */
  eventsSha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** hnswlib index file name. */
  indexFile: z.string().regex(/^vectors-\d+\.hnsw$/),
  /** Size of the index file, bytes. */
  indexBytes: z.number().int().min(0),
  /** SHA-256 of the index file, hex (absent in stores written before it was recorded). */
  indexSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** Entities file name; absent when the store has no entity layer (and in stores written before it existed). */
  entitiesFile: z.string().regex(/^entities-\d+\.json$/).optional(),
  /** SHA-256 of the entities file, hex. */
  entitiesSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  /** Narrative file name; absent when the store has no narrative. */
  narrativeFile: z.string().regex(/^narrative-\d+\.json$/).optional(),
  /** SHA-256 of the narrative file, hex. */
  narrativeSha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});

/** Where the data of one saved generation lies. */
export type StorageInfo = z.infer<typeof storageSchema>;

/** `manifest.json` as written: the public manifest plus {@link StorageInfo}. */
export const storedManifestSchema = manifestSchema.extend({ storage: storageSchema });

/** `manifest.json` as written. */
export type StoredManifest = z.infer<typeof storedManifestSchema>;

/** First issue of a zod error as `path: message`, for error messages. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}
