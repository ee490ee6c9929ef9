/**
 * Contracts of a video library: a named collection of videos (the catalog) and the episodic memory
 * of all its ingested videos in one searchable space. Two backends implement them: embedded (files
 * under the cache directory, `library/`) and PostgreSQL + pgvector (`postgres/`).
 */
import type { Span } from '@longvid/core';
import type { Entity, EntityAppearance } from './entities';
import type { NarrativeEntry } from './narrative';
import type { MemorySearchHit, MemoryStore } from './types';

/** Where a video of a library stands: added and waiting, being ingested, done, or failed (with `error`). */
export type LibraryVideoStatus = 'pending' | 'ingesting' | 'ingested' | 'failed';
/** One video of a library. */
export interface LibraryVideo {
  /** SHA-256 of the file, hex: the video's id in the library. */
  videoHash: string;
  /** Absolute path it was added from. */
  path: string;
  /** File name, for display. */
  name: string;
  /** Where the video stands. */
  status: LibraryVideoStatus;
  /** Why it failed (status 'failed'). */
  error?: string;
  /** Seconds, once probed. */
  duration?: number;
  /** Video seconds ingested so far (checkpointed), for progress across workers. */
  doneSeconds?: number;
  /** Who is ingesting it (worker id), when status is 'ingesting'. */
  worker?: string;
  /** ISO 8601. */
  addedAt: string;
  /** ISO 8601. */
  updatedAt: string;
}
/** What `add` did with each path. */
export interface LibraryAddResult { added: LibraryVideo[]; changed: LibraryVideo[]; unchanged: LibraryVideo[] }
/** The list of videos of one named library (embedded: JSON file under the cache dir; PostgreSQL: tables). */
export interface LibraryCatalog {
  readonly name: string;
  /** Adds files by content hash: a new path → added; a known path whose hash changed → changed (pending again); same hash → unchanged. */
  add(files: readonly { path: string; videoHash: string }[]): Promise<LibraryAddResult>;
  /** Removes the video added from `path`; undefined when the library has no such path. */
  remove(path: string): Promise<LibraryVideo | undefined>;
  /** Every video, in the order added. */
  list(): Promise<LibraryVideo[]>;
  /** Updates a video's status/progress (by hash). */
  update(videoHash: string, change: Partial<Pick<LibraryVideo, 'status' | 'error' | 'duration' | 'doneSeconds' | 'worker'>>): Promise<void>;
}
/** A search hit in a library: the event and the video it is in. */
export interface LibraryHit extends MemorySearchHit { videoHash: string }
/** Entities of one video that a query names. */
export interface LibraryEntityMatch { videoHash: string; entities: Entity[]; appearance: EntityAppearance }
/** Per-video narrative, for the library overview. */
export interface LibraryVideoNarrative { videoHash: string; entries: NarrativeEntry[] }
/**
 * Episodic memory of every ingested video of a library in one searchable space.
 * Embedded: fans out over the videos' stores and fuses; PostgreSQL: one SQL query over the tables.
 */
export interface LibraryMemory {
  readonly name: string;
  /** Ingested videos in this memory. */
  videos(): Promise<LibraryVideo[]>;
  /** Hybrid (vector + BM25, reciprocal rank fusion) search over all videos, or the given ones; best first. */
  searchHybrid(query: string, embedding: Float32Array, k: number, filter?: { videoHashes?: readonly string[]; span?: Span }): Promise<LibraryHit[]>;
  /** Per video, the entities a query names ("dog", "buses"), videos with none left out; most salient first. */
  findEntities(query: string): Promise<LibraryEntityMatch[]>;
  /** Per-video narrative entries, in library order (the library overview is built from it). */
  overview(): Promise<LibraryVideoNarrative[]>;
  /** The one-video store of a video of the library (for the plan–observe–reflect loop). */
  store(videoHash: string): Promise<MemoryStore>;
  /** Releases connections/handles. */
  close(): Promise<void>;
}
