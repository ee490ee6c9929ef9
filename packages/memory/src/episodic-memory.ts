/**
 * The episodic memory of one video on disk: an hnswlib-node vector index, the events as JSON Lines
 * and a manifest, in one directory (see {@link memoryDirectory}).
 *
 * Layout and crash safety. Each {@link EpisodicMemory.save} writes a new generation `n`:
 * `vectors-n.hnsw`, then `events-n.jsonl`, then (when the store has them) `entities-n.json` (the
 * schematic layer: tracks and entities) and `narrative-n.json`, each to a temporary name that is
 * renamed into place, and `manifest.json` last (also temp + rename), which names the generation's
 * files, its event count, the SHA-256 of the events, entities and narrative files and the size of
 * the index file. Stores saved before the entity and narrative layers existed (no such files in
 * their manifest) open with both layers empty; their format version is unchanged (1). The manifest is the commit point: a
 * process killed at any moment leaves the previous manifest and the files it names intact, so the
 * store reopens as it was at the last completed save. Files of other generations and temporary files
 * are deleted after the manifest is written. One process writes a store at a time.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { VideoInfo } from '@longvid/core';
import { LongVidError, atomicWriteFile } from '@longvid/core';
import type { z } from 'zod';
import { stableStringify } from './memory-directory';
import { MemoryStoreBase, type VectorNeighbour } from './memory-store-base';
import { EntityIndex } from './entities';
import {
  describeZodError,
  entitiesFileSchema,
  eventSchema,
  narrativeFileSchema,
  storedManifestSchema,
  type EntitiesFile,
  type NarrativeFile,
  type StorageInfo,
  type StoredManifest,
} from './schemas';
import type { MemoryEvent, MemoryManifest } from './types';
import { VectorIndex } from './vector-index';

/** Name of the manifest file in a store directory. */
const MANIFEST_FILE = 'manifest.json';
/** Names this package writes in a store directory (besides the manifest), for clean-up. */
const GENERATION_FILE = /^(?:events|vectors|entities|narrative)-(\d+)\.(?:jsonl|hnsw|json)$/;
const TEMPORARY_FILE = /^(?:manifest\.json|(?:events|vectors|entities|narrative)-\d+\.(?:jsonl|hnsw|json))\.tmp-/;

/** Options of {@link EpisodicMemory.open}. */
export interface EpisodicMemoryOptions {
  /** SHA-256 of the video file, hex. */
  videoHash: string;
  /** Parameters that change what is stored (fps, clip length, embedder, model ids...). */
  params: Record<string, unknown>;
  /** Identifier of the text embedder (e.g. `hashing-384` or `openai:text-embedding-3-small`). */
  embedderId: string;
  /** Length of the embedder's vectors. */
  dimensions: number;
  /** What ffprobe said about the video; replaces the stored one when given. */
  video?: VideoInfo;
}

function corruptHint(directory: string): string {
  return `delete the directory ${directory} (or re-run ingest with a fresh cache) to rebuild the memory`;
}

/**
 * Episodic memory of one video, persisted in a directory; implements {@link MemoryStore} with an
 * hnswlib-node HNSW index (cosine), BM25 over event text and reciprocal rank fusion.
 *
 * ```ts
 * const directory = memoryDirectory(settings.cacheDir, videoHash, params);
 * const memory = await EpisodicMemory.open(directory, { videoHash, params, embedderId, dimensions });
 * await memory.addEvent({ clipIndex, span, observations, text }, await embedder.embed(text));
 * await memory.markComplete({ ingestSeconds });
 * await memory.save();
 * ```
 */
export class EpisodicMemory extends MemoryStoreBase {
  /** Generation of the last completed save (0: never saved). */
  private generation: number;
  private saving: Promise<void> = Promise.resolve();

  private constructor(
    /** The store's directory. */
    readonly directory: string,
    manifest: MemoryManifest,
    private readonly index: VectorIndex,
    generation: number,
  ) {
    super(manifest);
    this.generation = generation;
  }

  /**
   * Opens the store saved in `directory`, or creates an empty one (nothing is written until
   * {@link EpisodicMemory.save}). An incomplete store (ingestion interrupted) opens with the events of
   * its last save, so that ingestion can resume after the last clip it holds.
   * @throws LongVidError `MEMORY_MISMATCH` when the saved store was built with another embedder id or
   *   dimensions (the message names both and says to delete the directory or use the same embedder),
   *   another video hash or other params, or in another format version; `MEMORY_CORRUPT` (with
   *   `details.path`) when a file of the store is missing, unreadable, or does not match the manifest;
   *   `BAD_INPUT` for invalid options.
   */
  static async open(directory: string, options: EpisodicMemoryOptions): Promise<EpisodicMemory> {
    checkOptions(options);
    const manifestPath = join(directory, MANIFEST_FILE);
    let text: string;
    try {
      text = await readFile(manifestPath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new LongVidError('MEMORY_CORRUPT', `memory manifest ${manifestPath} is unreadable: ${(error as Error).message}`, {
          details: { path: manifestPath },
          hint: corruptHint(directory),
          cause: error,
        });
      }
      return new EpisodicMemory(directory, newManifest(options), VectorIndex.create(options.dimensions), 0);
    }

    const stored = parseManifest(text, manifestPath, directory);
    checkSameStore(stored, options, directory);
    const { storage, ...manifest } = stored;
    const events = await readEvents(join(directory, storage.eventsFile), storage, directory);
    const indexPath = join(directory, storage.indexFile);
    const indexSize = await stat(indexPath).then(
      (stats) => stats.size,
      () => -1,
    );
    if (indexSize !== storage.indexBytes) {
      throw new LongVidError('MEMORY_CORRUPT', `memory index ${indexPath} is ${indexSize < 0 ? 'missing' : `${indexSize} bytes, the manifest says ${storage.indexBytes}`}`, {
        details: { path: indexPath },
        hint: corruptHint(directory),
      });
    }
    if (storage.indexSha256 !== undefined && createHash('sha256').update(await readFile(indexPath)).digest('hex') !== storage.indexSha256) {
      throw new LongVidError('MEMORY_CORRUPT', `memory index ${indexPath} does not match the SHA-256 recorded in the manifest (edited or damaged)`, { details: { path: indexPath }, hint: corruptHint(directory) });
    }
    const index = await VectorIndex.read(indexPath, stored.dimensions, storage.eventCount, corruptHint(directory));
    if (options.video) manifest.video = structuredClone(options.video);
    const entities = storage.entitiesFile ? await readLayerFile(directory, storage.entitiesFile, storage.entitiesSha256, entitiesFileSchema) : undefined;
    const narrative = storage.narrativeFile ? await readLayerFile(directory, storage.narrativeFile, storage.narrativeSha256, narrativeFileSchema) : undefined;
    const memory = new EpisodicMemory(directory, manifest, index, storage.generation);
    for (const event of events) memory.insertEvent(event);
    if (entities) {
      try {
        memory.entityIndex = new EntityIndex(entities.tracks, entities.options);
      } catch (error) {
        throw new LongVidError('MEMORY_CORRUPT', `memory entities file ${join(directory, storage.entitiesFile as string)} is corrupt: ${(error as Error).message}`, {
          details: { path: join(directory, storage.entitiesFile as string) },
          hint: corruptHint(directory),
          cause: error,
        });
      }
      memory.entityOptions = entities.options;
    }
    if (narrative) {
      const unknown = narrative.entries.flatMap((entry) => entry.eventIds).find((id) => id >= events.length);
      if (unknown !== undefined) {
        throw new LongVidError('MEMORY_CORRUPT', `memory narrative file ${join(directory, storage.narrativeFile as string)} names event ${unknown}, but the store holds ${events.length}`, {
          details: { path: join(directory, storage.narrativeFile as string) },
          hint: corruptHint(directory),
        });
      }
      memory.narrativeEntries = narrative.entries;
    }
    return memory;
  }

  /**
   * Whether `directory` holds a saved, complete store: its manifest parses, says complete, and the
   * files it names exist (the index with the recorded size). Cheap: the events are not read or hashed,
   * so {@link EpisodicMemory.open} may still find the store corrupt. Never throws.
   */
  static exists(directory: string): boolean {
    try {
      const parsed = storedManifestSchema.safeParse(JSON.parse(readFileSync(join(directory, MANIFEST_FILE), 'utf8')));
      if (!parsed.success || !parsed.data.complete) return false;
      const { storage } = parsed.data;
      const layers = [storage.entitiesFile, storage.narrativeFile].every((file) => file === undefined || existsSync(join(directory, file)));
      return layers && existsSync(join(directory, storage.eventsFile)) && statSync(join(directory, storage.indexFile)).size === storage.indexBytes;
    } catch {
      return false;
    }
  }

  protected addVector(id: number, embedding: Float32Array): void {
    this.index.add(id, embedding);
  }

  protected searchVectors(embedding: Float32Array, k: number, allowed?: (id: number) => boolean): VectorNeighbour[] {
    return this.index.search(embedding, k, allowed);
  }

  /**
   * Saves the store as a new generation: index file, events file, then the manifest (see the module
   * comment). Saves are serialised; each persists at least the events added before it was called
   * (events added while it waits for an earlier save may go into it, or into the next). The index is
   * written synchronously (it blocks the event loop for the time it takes to write the file).
   * @throws the file system's error when a write fails; the previous save stays readable.
   */
  save(): Promise<void> {
    const run = this.saving.then(() => this.writeGeneration());
    this.saving = run.catch(() => undefined);
    return run;
  }

  private async writeGeneration(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const generation = this.generation + 1;
    const eventsFile = `events-${generation}.jsonl`;
    const indexFile = `vectors-${generation}.hnsw`;
    // Snapshot in one synchronous step, so the index and the events agree on the event count.
    const indexBytes = this.index.writeSync(join(this.directory, indexFile));
    const events = this.eventsById().slice();
    const manifest = this.manifest;
    const tracks = this.entityIndex.tracks();
    const entities: EntitiesFile | undefined = tracks.length > 0 ? { version: 1, options: structuredClone(this.entityOptions), tracks, entities: this.entityIndex.entities() } : undefined;
    const narrative: NarrativeFile | undefined = this.narrativeEntries.length > 0 ? { version: 1, entries: structuredClone(this.narrativeEntries) } : undefined;
    const eventsSha256 = await writeEvents(join(this.directory, eventsFile), events);
    const indexSha256 = createHash('sha256').update(await readFile(join(this.directory, indexFile))).digest('hex');
    const storage: StorageInfo = { generation, eventCount: events.length, eventsFile, eventsSha256, indexFile, indexBytes, indexSha256 };
    if (entities) {
      storage.entitiesFile = `entities-${generation}.json`;
      storage.entitiesSha256 = await writeLayerFile(join(this.directory, storage.entitiesFile), entities);
    }
    if (narrative) {
      storage.narrativeFile = `narrative-${generation}.json`;
      storage.narrativeSha256 = await writeLayerFile(join(this.directory, storage.narrativeFile), narrative);
    }
    const stored: StoredManifest = { ...manifest, storage };
    await atomicWriteFile(join(this.directory, MANIFEST_FILE), `${JSON.stringify(stored, null, 2)}\n`);
    this.generation = generation;
    await this.removeStaleFiles(generation);
  }

  /** Deletes files of other generations and temporary files left by interrupted saves. */
  private async removeStaleFiles(generation: number): Promise<void> {
    const names = await readdir(this.directory).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((name) => {
          const match = GENERATION_FILE.exec(name);
          return (match !== null && Number(match[1]) !== generation) || TEMPORARY_FILE.test(name);
        })
        .map((name) => rm(join(this.directory, name), { force: true }).catch(() => undefined)),
    );
  }
}

/** The manifest of a new, empty one-video store made with `options` (created and updated now). */
export function newManifest(options: EpisodicMemoryOptions): MemoryManifest {
  const now = new Date().toISOString();
  const manifest: MemoryManifest = {
    formatVersion: 1,
    videoHash: options.videoHash,
    params: JSON.parse(stableStringify(options.params)) as Record<string, unknown>,
    embedderId: options.embedderId,
    dimensions: options.dimensions,
    createdAt: now,
    updatedAt: now,
    complete: false,
  };
  if (options.video) manifest.video = structuredClone(options.video);
  return manifest;
}

/**
 * Checks the options of a one-video store (non-empty video hash and embedder id, positive integer
 * dimensions, params object).
 * @throws LongVidError `BAD_INPUT` naming every problem.
 */
export function checkOptions(options: EpisodicMemoryOptions): void {
  const problems: string[] = [];
  if (typeof options.videoHash !== 'string' || options.videoHash.length === 0) problems.push('videoHash must be a non-empty string');
  if (typeof options.embedderId !== 'string' || options.embedderId.length === 0) problems.push('embedderId must be a non-empty string');
  if (!Number.isInteger(options.dimensions) || options.dimensions < 1) problems.push(`dimensions must be a positive integer, got ${options.dimensions}`);
  if (options.params === null || typeof options.params !== 'object') problems.push('params must be an object');
  if (problems.length > 0) {
    throw new LongVidError('BAD_INPUT', `invalid memory options: ${problems.join('; ')}`, {
      details: { videoHash: options.videoHash, embedderId: options.embedderId, dimensions: options.dimensions },
    });
  }
}

function parseManifest(text: string, path: string, directory: string): StoredManifest {
  const corrupt = (reason: string, cause?: unknown): LongVidError =>
    new LongVidError('MEMORY_CORRUPT', `memory manifest ${path} is corrupt: ${reason}`, { details: { path }, hint: corruptHint(directory), cause });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw corrupt(`not valid JSON (${(error as Error).message})`, error);
  }
  const version = (json as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version !== 1) {
    throw new LongVidError('MEMORY_MISMATCH', `memory store ${directory} has format version ${version}; this LongVid reads version 1`, {
      details: { path, formatVersion: version },
      hint: `delete the directory ${directory} and re-run ingest`,
    });
  }
  const parsed = storedManifestSchema.safeParse(json);
  if (!parsed.success) throw corrupt(describeZodError(parsed.error));
  return parsed.data;
}

function checkSameStore(stored: StoredManifest, options: EpisodicMemoryOptions, directory: string): void {
  if (stored.embedderId !== options.embedderId || stored.dimensions !== options.dimensions) {
    throw new LongVidError(
      'MEMORY_MISMATCH',
      `memory store ${directory} was built with embedder "${stored.embedderId}" (${stored.dimensions} dimensions), ` +
        `but embedder "${options.embedderId}" (${options.dimensions} dimensions) was requested`,
      {
        details: {
          directory,
          storedEmbedderId: stored.embedderId,
          storedDimensions: stored.dimensions,
          requestedEmbedderId: options.embedderId,
          requestedDimensions: options.dimensions,
        },
        hint: `delete the directory ${directory} to rebuild the memory, or use the same embedder ("${stored.embedderId}", ${stored.dimensions} dimensions)`,
      },
    );
  }
  if (stored.videoHash !== options.videoHash) {
    throw new LongVidError('MEMORY_MISMATCH', `memory store ${directory} belongs to video ${stored.videoHash}, not ${options.videoHash}`, {
      details: { directory, storedVideoHash: stored.videoHash, requestedVideoHash: options.videoHash },
      hint: 'use memoryDirectory(cacheDir, videoHash, params) to find the directory of a video, or delete this one',
    });
  }
  if (stableStringify(stored.params) !== stableStringify(options.params)) {
    throw new LongVidError('MEMORY_MISMATCH', `memory store ${directory} was built with other parameters: ${stableStringify(stored.params)}, requested ${stableStringify(options.params)}`, {
      details: { directory, storedParams: stored.params, requestedParams: options.params },
      hint: 'use memoryDirectory(cacheDir, videoHash, params) so that other parameters get another directory, or delete this one',
    });
  }
}

/** Reads and checks the events file of a generation; events come back in id order. */
async function readEvents(path: string, storage: StorageInfo, directory: string): Promise<MemoryEvent[]> {
  const corrupt = (reason: string, cause?: unknown): LongVidError =>
    new LongVidError('MEMORY_CORRUPT', `memory events file ${path} is corrupt: ${reason}`, { details: { path }, hint: corruptHint(directory), cause });
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (error) {
    throw corrupt((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is missing' : (error as Error).message, error);
  }
  if (createHash('sha256').update(buffer).digest('hex') !== storage.eventsSha256) {
    throw corrupt('its content does not match the SHA-256 recorded in the manifest (truncated or edited)');
  }
  // Line by line from the buffer, so a large file is never one huge string.
  const events: MemoryEvent[] = [];
  let start = 0;
  while (start < buffer.length) {
    let end = buffer.indexOf(0x0a, start);
    if (end < 0) end = buffer.length;
    const line = buffer.toString('utf8', start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw corrupt(`line ${events.length + 1} is not valid JSON`, error);
    }
    const parsed = eventSchema.safeParse(json);
    if (!parsed.success) throw corrupt(`line ${events.length + 1}: ${describeZodError(parsed.error)}`);
    if (parsed.data.id !== events.length) throw corrupt(`line ${events.length + 1} holds event ${parsed.data.id}, expected ${events.length}`);
    events.push(parsed.data);
  }
  if (events.length !== storage.eventCount) throw corrupt(`it holds ${events.length} events, the manifest says ${storage.eventCount}`);
  return events;
}

/** Writes a layer file (JSON) atomically; returns its SHA-256, hex. */
async function writeLayerFile(path: string, value: EntitiesFile | NarrativeFile): Promise<string> {
  const bytes = Buffer.from(`${JSON.stringify(value)}\n`, 'utf8');
  await atomicWriteFile(path, bytes);
  return createHash('sha256').update(bytes).digest('hex');
}

/** Reads, checks (SHA-256 against the manifest, then zod) and returns a layer file. */
async function readLayerFile<T>(directory: string, file: string, sha256: string | undefined, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: z.ZodError } }): Promise<T> {
  const path = join(directory, file);
  const corrupt = (reason: string, cause?: unknown): LongVidError =>
    new LongVidError('MEMORY_CORRUPT', `memory file ${path} is corrupt: ${reason}`, { details: { path }, hint: corruptHint(directory), cause });
  let buffer: Buffer;
  try {
    buffer = await readFile(path);
  } catch (error) {
    throw corrupt((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is missing' : (error as Error).message, error);
  }
  if (sha256 === undefined || createHash('sha256').update(buffer).digest('hex') !== sha256) {
    throw corrupt('its content does not match the SHA-256 recorded in the manifest (truncated or edited)');
  }
  let json: unknown;
  try {
    json = JSON.parse(buffer.toString('utf8'));
  } catch (error) {
    throw corrupt('not valid JSON', error);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw corrupt(describeZodError(parsed.error));
  return parsed.data;
}

/**
 * Writes events as JSON Lines to `path` atomically (temp file, flushed, renamed), in chunks.
 * @returns the SHA-256 of the file, hex.
 */
async function writeEvents(path: string, events: readonly MemoryEvent[]): Promise<string> {
  const temp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const hash = createHash('sha256');
  const file = await open(temp, 'w');
  try {
    let chunk = '';
    for (const event of events) {
      chunk += `${JSON.stringify(event)}\n`;
      if (chunk.length >= 1 << 20) {
        const bytes = Buffer.from(chunk, 'utf8');
        hash.update(bytes);
        await file.write(bytes);
        chunk = '';
      }
    }
    const bytes = Buffer.from(chunk, 'utf8');
    hash.update(bytes);
    await file.write(bytes);
    await file.sync();
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
  await file.close();
  await rename(temp, path);
  return hash.digest('hex');
}
