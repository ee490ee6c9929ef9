import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Span } from '@longvid/core';
import { LongVidError } from '@longvid/core';
import { z } from 'zod';
import { EpisodicMemory } from '../episodic-memory';
import { reciprocalRankFusion } from '../fusion';
import { LexicalIndex } from '../lexical-index';
import { spansOverlap } from '../memory-store-base';
import type { LibraryEntityMatch, LibraryHit, LibraryMemory, LibraryVideo, LibraryVideoNarrative } from '../library-types';
import type { MemoryEvent, MemoryStore } from '../types';
import type { EmbeddedLibraryCatalog, EmbeddedLibraryVideo } from './embedded-catalog';
import { openOnce } from './open-once';

/** Candidates taken from each of the vector and the lexical list before fusion (as a one-video store does). */
const FUSION_CANDIDATES = 50;

/** What a stored memory's manifest must say for it to be opened as it was built. */
const storedManifestKey = z.object({ videoHash: z.string(), params: z.record(z.string(), z.unknown()), embedderId: z.string(), dimensions: z.number().int().min(1) });

/** One event of the library with the video it is in. */
interface LibraryEvent {
  videoHash: string;
  event: MemoryEvent;
}

/**
 * The embedded {@link LibraryMemory}: the episodic memories of a library's ingested videos, each
 * opened from the directory its ingestion stored it in (recorded in the {@link EmbeddedLibraryCatalog}),
 * searched together. Hybrid search ranks all videos' events in one space: one vector list (each
 * store's HNSW neighbours merged by cosine similarity, which is comparable across stores built with
 * one embedder) and one BM25 list over the events of every video (one index, so term statistics are
 * the library's, not each video's), fused by reciprocal rank fusion (Cormack et al. 2009, constant 60).
 * Cost grows with the library (every store is opened once per instance); the PostgreSQL backend
 * answers the same calls with one query.
 */
export class EmbeddedLibraryMemory implements LibraryMemory {
  private readonly stores = new Map<string, Promise<MemoryStore>>();
  private lexical?: { key: string; index: LexicalIndex; events: LibraryEvent[] };

  constructor(private readonly catalog: EmbeddedLibraryCatalog) {}

  get name(): string {
    return this.catalog.name;
  }

  /** Ingested videos (those whose memory is recorded), in library order. */
  async videos(): Promise<LibraryVideo[]> {
    return (await this.ingested()).map(({ memoryDirectory: _memoryDirectory, ...video }) => video);
  }

  /**
   * Hybrid search over every ingested video (or the given ones), best first. Stores built with an
   * embedder of another length than `embedding` take part in the lexical list only.
   * @throws LongVidError `BAD_INPUT` when `k` is not a non-negative integer or a filter span is invalid;
   *   `MEMORY_CORRUPT` / `MEMORY_MISMATCH` when a video's memory cannot be opened.
   */
  async searchHybrid(query: string, embedding: Float32Array, k: number, filter: { videoHashes?: readonly string[]; span?: Span } = {}): Promise<LibraryHit[]> {
    if (!Number.isInteger(k) || k < 0) throw new LongVidError('BAD_INPUT', `k must be a non-negative integer, got ${k}`, { details: { k }, hint: 'pass e.g. 10' });
    const wanted = filter.videoHashes && new Set(filter.videoHashes);
    const videos = (await this.ingested()).filter((video) => !wanted || wanted.has(video.videoHash));
    if (k === 0 || videos.length === 0) return [];
    const depth = Math.max(k, FUSION_CANDIDATES);
    const { index, events } = await this.lexicalIndex(videos);
    const position = new Map(events.map((item, at) => [`${item.videoHash}:${item.event.id}`, at]));
    const span = filter.span && { span: filter.span };
    const vectorHits: { at: number; similarity: number }[] = [];
    for (const video of videos) {
      const store = await this.store(video.videoHash);
      if (store.manifest.dimensions !== embedding.length) continue;
      for (const hit of await store.searchVector(embedding, depth, span)) vectorHits.push({ at: position.get(`${video.videoHash}:${hit.event.id}`)!, similarity: hit.score });
    }
    vectorHits.sort((a, b) => b.similarity - a.similarity || a.at - b.at);
    const vector = vectorHits.slice(0, depth);
    const inSpan = filter.span ? (at: number) => spansOverlap(events[at].event.span, filter.span!) : undefined;
    const lexical = index.search(query, depth, inSpan);
    const vectorScores = new Map(vector.map(({ at, similarity }) => [at, similarity]));
    const lexicalScores = new Map(lexical.map(({ id, score }) => [id, score]));
    return reciprocalRankFusion([vector.map(({ at }) => at), lexical.map(({ id }) => id)])
      .slice(0, k)
      .map(({ id, score }) => {
        const hit: LibraryHit = { videoHash: events[id].videoHash, event: events[id].event, score };
        const vectorScore = vectorScores.get(id);
        const lexicalScore = lexicalScores.get(id);
        if (vectorScore !== undefined) hit.vectorScore = vectorScore;
        if (lexicalScore !== undefined) hit.lexicalScore = lexicalScore;
        return hit;
      });
  }

  /**
   * Per video, the entities a query names (see `MemoryStore.entityAppearances`), videos with none
   * left out; videos ordered by their most salient entity (time present × score), then library order.
   */
  async findEntities(query: string): Promise<LibraryEntityMatch[]> {
    const matches: (LibraryEntityMatch & { salience: number; order: number })[] = [];
    for (const [order, video] of (await this.ingested()).entries()) {
      const appearance = await (await this.store(video.videoHash)).entityAppearances(query);
      if (appearance.entities.length === 0) continue;
      const salience = Math.max(...appearance.entities.map((entity) => entity.seconds * entity.score));
      matches.push({ videoHash: video.videoHash, entities: appearance.entities, appearance, salience, order });
    }
    return matches.sort((a, b) => b.salience - a.salience || a.order - b.order).map(({ videoHash, entities, appearance }) => ({ videoHash, entities, appearance }));
  }

  /** Per ingested video, its narrative entries in time order; videos in library order. */
  async overview(): Promise<LibraryVideoNarrative[]> {
    const result: LibraryVideoNarrative[] = [];
    for (const video of await this.ingested()) result.push({ videoHash: video.videoHash, entries: await (await this.store(video.videoHash)).narrative() });
    return result;
  }

  /**
   * The episodic memory of one ingested video, opened once per instance from its recorded directory.
   * @throws LongVidError `BAD_INPUT` when the library has no ingested video with this hash;
   *   `MEMORY_CORRUPT` when its memory is missing or damaged (the hint says to add the video again).
   */
  async store(videoHash: string): Promise<MemoryStore> {
    return openOnce(this.stores, videoHash, () => this.open(videoHash));
  }

  /** Forgets the opened stores (embedded stores hold no handles). */
  async close(): Promise<void> {
    this.stores.clear();
    this.lexical = undefined;
  }

  private async ingested(): Promise<(EmbeddedLibraryVideo & { memoryDirectory: string })[]> {
    return (await this.catalog.entries()).filter((video): video is EmbeddedLibraryVideo & { memoryDirectory: string } => video.status === 'ingested' && video.memoryDirectory !== undefined);
  }

  private async open(videoHash: string): Promise<MemoryStore> {
    const video = (await this.ingested()).find((entry) => entry.videoHash === videoHash);
    if (!video) {
      throw new LongVidError('BAD_INPUT', `library ${this.name} has no ingested video with hash ${videoHash}`, { details: { library: this.name, videoHash }, hint: `see "longvid library status ${this.name}"` });
    }
    const manifestPath = join(video.memoryDirectory, 'manifest.json');
    const again = `add it again with "longvid library add ${this.name} ${video.path}"`;
    let key: z.infer<typeof storedManifestKey>;
    try {
      key = storedManifestKey.parse(JSON.parse(await readFile(manifestPath, 'utf8')));
    } catch (error) {
      throw new LongVidError('MEMORY_CORRUPT', `the memory of ${video.name} in library ${this.name} is missing or unreadable (${manifestPath})`, { details: { path: manifestPath, library: this.name, video: video.path }, hint: again, cause: error });
    }
    if (key.videoHash !== videoHash) {
      throw new LongVidError('MEMORY_CORRUPT', `the memory at ${video.memoryDirectory} belongs to another video than ${video.name}`, { details: { path: video.memoryDirectory, library: this.name, video: video.path }, hint: again });
    }
    return EpisodicMemory.open(video.memoryDirectory, key);
  }

  /** One BM25 index over the events of `videos`, kept while the set of videos is the same. */
  private async lexicalIndex(videos: readonly EmbeddedLibraryVideo[]): Promise<{ index: LexicalIndex; events: LibraryEvent[] }> {
    const key = videos.map((video) => video.videoHash).join(',');
    if (this.lexical?.key === key) return this.lexical;
    const index = new LexicalIndex({ ocrReadings: true });
    const events: LibraryEvent[] = [];
    for (const video of videos) {
      for (const event of await (await this.store(video.videoHash)).events()) {
        index.add(events.length, event.text);
        events.push({ videoHash: video.videoHash, event });
      }
    }
    this.lexical = { key, index, events };
    return this.lexical;
  }
}
