import type { Span, VideoInfo } from '@longvid/core';
import { stableStringify } from './memory-directory';
import { MemoryStoreBase, type VectorNeighbour } from './memory-store-base';
import type { Entity, EntityAppearance, EntityCount, EntityIndexOptions, EntityTrack, EntityTrackInput } from './entities';
import type { NarrativeEntry } from './narrative';
import type { MemoryEvent, MemoryFilter, MemorySearchHit } from './types';

/** Names of the {@link MemoryStore} methods a {@link MockMemoryStore} records. */
export type MemoryStoreMethod =
  | 'addEvent'
  | 'addEvents'
  | 'events'
  | 'getEvent'
  | 'eventsInSpan'
  | 'searchVector'
  | 'searchLexical'
  | 'searchHybrid'
  | 'markComplete'
  | 'save'
  | 'setTracks'
  | 'tracks'
  | 'entities'
  | 'entitiesInSpan'
  | 'findEntities'
  | 'entityAppearances'
  | 'countEntities'
  | 'setNarrative'
  | 'narrative';

/** One recorded call: the method and a copy of its arguments (embeddings copied). */
export interface MemoryStoreCall {
  /** The method called. */
  method: MemoryStoreMethod;
  /** Copies of the arguments passed (trailing optional arguments left out when not given). */
  args: unknown[];
}

/** Options of {@link MockMemoryStore}. */
export interface MockMemoryStoreOptions {
  /** Embedding length; default 8. */
  dimensions?: number;
  /** Default `mock-embedder`. */
  embedderId?: string;
  /** Default 64 zeros. */
  videoHash?: string;
  /** Default `{}`. */
  params?: Record<string, unknown>;
  /** Stored in the manifest. */
  video?: VideoInfo;
}

function copyArgument(value: unknown): unknown {
  return value instanceof Float32Array ? new Float32Array(value) : structuredClone(value);
}

/**
 * An in-memory {@link MemoryStore} for tests: exact (brute-force) cosine search, the same BM25 and
 * reciprocal rank fusion as `EpisodicMemory`, nothing written to disk, and every call recorded in
 * {@link MockMemoryStore.calls}.
 */
export class MockMemoryStore extends MemoryStoreBase {
  /** Every call, in order. */
  readonly calls: MemoryStoreCall[] = [];
  /** Unit-length copies of the embeddings, by event id. */
  private readonly vectors: Float32Array[] = [];
  /** Number of completed {@link MockMemoryStore.save} calls. */
  saveCount = 0;

  constructor(options: MockMemoryStoreOptions = {}) {
    const now = new Date().toISOString();
    super({
      formatVersion: 1,
      videoHash: options.videoHash ?? '0'.repeat(64),
      params: JSON.parse(stableStringify(options.params ?? {})) as Record<string, unknown>,
      embedderId: options.embedderId ?? 'mock-embedder',
      dimensions: options.dimensions ?? 8,
      createdAt: now,
      updatedAt: now,
      complete: false,
      ...(options.video ? { video: structuredClone(options.video) } : {}),
    });
  }

  /** The recorded calls of one method. */
  callsOf(method: MemoryStoreMethod): MemoryStoreCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  private record(method: MemoryStoreMethod, args: unknown[]): void {
    this.calls.push({ method, args: args.map(copyArgument) });
  }

  protected addVector(id: number, embedding: Float32Array): void {
    let norm = 0;
    for (const value of embedding) norm += value * value;
    norm = Math.sqrt(norm);
    this.vectors[id] = embedding.map((value) => (norm > 0 ? value / norm : 0));
  }

  protected searchVectors(embedding: Float32Array, k: number, allowed?: (id: number) => boolean): VectorNeighbour[] {
    let norm = 0;
    for (const value of embedding) norm += value * value;
    norm = Math.sqrt(norm);
    const neighbours: VectorNeighbour[] = [];
    this.vectors.forEach((vector, id) => {
      if (allowed && !allowed(id)) return;
      let dot = 0;
      for (let position = 0; position < vector.length; position += 1) dot += vector[position] * embedding[position];
      neighbours.push({ id, similarity: norm > 0 ? dot / norm : 0 });
    });
    return neighbours.sort((a, b) => b.similarity - a.similarity || a.id - b.id).slice(0, k);
  }

  override async addEvent(event: Omit<MemoryEvent, 'id'>, embedding: Float32Array): Promise<MemoryEvent> {
    this.record('addEvent', [event, embedding]);
    return super.addEvent(event, embedding);
  }

  override async addEvents(events: readonly { event: Omit<MemoryEvent, 'id'>; embedding: Float32Array }[]): Promise<MemoryEvent[]> {
    this.record('addEvents', [events.map(({ event, embedding }) => ({ event, embedding: new Float32Array(embedding) }))]);
    return super.addEvents(events);
  }

  override async events(): Promise<MemoryEvent[]> {
    this.record('events', []);
    return super.events();
  }

  override async getEvent(id: number): Promise<MemoryEvent | undefined> {
    this.record('getEvent', [id]);
    return super.getEvent(id);
  }

  override async eventsInSpan(span: Span): Promise<MemoryEvent[]> {
    this.record('eventsInSpan', [span]);
    return super.eventsInSpan(span);
  }

  override async searchVector(embedding: Float32Array, k: number, filter?: MemoryFilter): Promise<MemorySearchHit[]> {
    this.record('searchVector', filter === undefined ? [embedding, k] : [embedding, k, filter]);
    return super.searchVector(embedding, k, filter);
  }

  override async searchLexical(query: string, k: number, filter?: MemoryFilter): Promise<MemorySearchHit[]> {
    this.record('searchLexical', filter === undefined ? [query, k] : [query, k, filter]);
    return super.searchLexical(query, k, filter);
  }

  override async searchHybrid(query: string, embedding: Float32Array, k: number, filter?: MemoryFilter): Promise<MemorySearchHit[]> {
    this.record('searchHybrid', filter === undefined ? [query, embedding, k] : [query, embedding, k, filter]);
    return super.searchHybrid(query, embedding, k, filter);
  }

  override async setTracks(tracks: readonly EntityTrackInput[], options?: EntityIndexOptions): Promise<Entity[]> {
    this.record('setTracks', options === undefined ? [tracks] : [tracks, options]);
    return super.setTracks(tracks, options);
  }

  override async tracks(): Promise<EntityTrack[]> {
    this.record('tracks', []);
    return super.tracks();
  }

  override async entities(): Promise<Entity[]> {
    this.record('entities', []);
    return super.entities();
  }

  override async entitiesInSpan(span: Span): Promise<Entity[]> {
    this.record('entitiesInSpan', [span]);
    return super.entitiesInSpan(span);
  }

  override async findEntities(query: string, filter?: MemoryFilter): Promise<Entity[]> {
    this.record('findEntities', filter === undefined ? [query] : [query, filter]);
    return super.findEntities(query, filter);
  }

  override async entityAppearances(query: string, filter?: MemoryFilter): Promise<EntityAppearance> {
    this.record('entityAppearances', filter === undefined ? [query] : [query, filter]);
    return super.entityAppearances(query, filter);
  }

  override async countEntities(query: string, filter?: MemoryFilter): Promise<EntityCount> {
    this.record('countEntities', filter === undefined ? [query] : [query, filter]);
    return super.countEntities(query, filter);
  }

  override async setNarrative(entries: readonly NarrativeEntry[]): Promise<void> {
    this.record('setNarrative', [entries]);
    await super.setNarrative(entries);
  }

  override async narrative(filter?: MemoryFilter): Promise<NarrativeEntry[]> {
    this.record('narrative', filter === undefined ? [] : [filter]);
    return super.narrative(filter);
  }

  override async markComplete(stats?: Record<string, number>): Promise<void> {
    this.record('markComplete', stats === undefined ? [] : [stats]);
    await super.markComplete(stats);
  }

  /** Records the call and counts it; writes nothing. */
  async save(): Promise<void> {
    this.record('save', []);
    this.saveCount += 1;
    await Promise.resolve();
  }
}
