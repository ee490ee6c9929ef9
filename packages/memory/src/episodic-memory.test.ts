import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, readFileSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VideoInfo } from '@longvid/core';
import { LongVidError } from '@longvid/core';
import { rejection } from '@longvid/core/testing';
import { EpisodicMemory, type EpisodicMemoryOptions } from './episodic-memory';
import { memoryDirectory } from './memory-directory';
import { buildNarrative } from './narrative';
import { describeMemoryStore, devLongTracks, mixVectors, populateMemoryFixture, randomUnitVector, seededRandom, type MemoryFixture } from './testing';

const temporaryDirectories: string[] = [];
function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'longvid-memory-'));
  temporaryDirectories.push(directory);
  return directory;
}
afterAll(() => {
  for (const directory of temporaryDirectories) rmSync(directory, { recursive: true, force: true });
});

describeMemoryStore('EpisodicMemory', ({ dimensions, embedderId }) =>
  EpisodicMemory.open(join(temporaryDirectory(), 'store'), { videoHash: 'f'.repeat(64), params: {}, embedderId, dimensions }),
);

const DIMENSIONS = 32;
const video: VideoInfo = { path: '/videos/dev.mp4', duration: 500, fps: 25, width: 640, height: 360, hasAudio: true, format: 'mov,mp4', videoCodec: 'h264', sizeBytes: 1234 };

function optionsFor(overrides: Partial<EpisodicMemoryOptions> = {}): EpisodicMemoryOptions {
  return { videoHash: 'ab'.repeat(32), params: { fps: 0.5, clipSeconds: 10, embedder: 'hashing-32' }, embedderId: 'hashing-32', dimensions: DIMENSIONS, ...overrides };
}

function manifestOf(directory: string): { storage: { eventsFile: string; indexFile: string; generation: number }; complete: boolean } {
  return JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8'));
}

/** A saved, complete store with the fixture, in a fresh cache directory. */
async function savedStore(): Promise<{ directory: string; memory: EpisodicMemory; fixture: MemoryFixture }> {
  const directory = memoryDirectory(temporaryDirectory(), optionsFor().videoHash, optionsFor().params);
  const memory = await EpisodicMemory.open(directory, { ...optionsFor(), video });
  const fixture = await populateMemoryFixture(memory, { dimensions: DIMENSIONS, seed: 11 });
  await memory.markComplete({ ingestSeconds: 3.25 });
  await memory.save();
  return { directory, memory, fixture };
}

describe('EpisodicMemory persistence', () => {
  it('reopens with identical events, manifest and search results', async () => {
    const { directory, memory, fixture } = await savedStore();
    expect(EpisodicMemory.exists(directory)).toBe(true);
    const reopened = await EpisodicMemory.open(directory, optionsFor());

    expect(await reopened.events()).toEqual(await memory.events());
    expect(await reopened.getEvent(fixture.trainId)).toEqual(await memory.getEvent(fixture.trainId));
    expect(reopened.manifest).toEqual(memory.manifest);
    expect(reopened.manifest).toMatchObject({ complete: true, stats: { ingestSeconds: 3.25 }, video, params: optionsFor().params });

    const random = seededRandom(99);
    for (let query = 0; query < 20; query += 1) {
      const embedding = randomUnitVector(random, DIMENSIONS);
      expect(await reopened.searchVector(embedding, 10)).toEqual(await memory.searchVector(embedding, 10));
      expect(await reopened.searchHybrid('locker 7:45 red car', embedding, 10)).toEqual(await memory.searchHybrid('locker 7:45 red car', embedding, 10));
      const filter = { span: { start: query * 20, end: query * 20 + 40 } };
      expect(await reopened.searchVector(embedding, 5, filter)).toEqual(await memory.searchVector(embedding, 5, filter));
    }
    expect(await reopened.searchLexical('train 7:45', 5)).toEqual(await memory.searchLexical('train 7:45', 5));
    expect((await reopened.searchLexical('train 7:45', 5))[0].event.id).toBe(fixture.trainId);
  });

  it('keeps events added after reopening, with the next ids, and saves a new generation', async () => {
    const { directory, fixture } = await savedStore();
    const reopened = await EpisodicMemory.open(directory, optionsFor());
    const embedding = randomUnitVector(seededRandom(5), DIMENSIONS);
    const added = await reopened.addEvent({ clipIndex: 500, span: { start: 600, end: 602 }, observations: [], text: 'exit sign' }, embedding);
    expect(added.id).toBe(fixture.events.size);
    await reopened.save();
    expect(manifestOf(directory).storage.generation).toBe(2);
    expect(readdirSync(directory).sort()).toEqual(['events-2.jsonl', 'manifest.json', 'vectors-2.hnsw']);
    const again = await EpisodicMemory.open(directory, optionsFor());
    expect(await again.events()).toHaveLength(fixture.events.size + 1);
    expect((await again.searchVector(embedding, 1))[0].event.id).toBe(added.id);
    expect((await again.searchLexical('exit', 1))[0].event.id).toBe(added.id);
  });

  it('grows the index past its initial capacity', async () => {
    const directory = join(temporaryDirectory(), 'big');
    const memory = await EpisodicMemory.open(directory, optionsFor({ dimensions: 8 }));
    const random = seededRandom(3);
    const embeddings: Float32Array[] = [];
    for (let clip = 0; clip < 2100; clip += 1) {
      const embedding = randomUnitVector(random, 8);
      embeddings.push(embedding);
      await memory.addEvent({ clipIndex: clip, span: { start: clip, end: clip + 1 }, observations: [], text: `clip ${clip}` }, embedding);
    }
    await memory.save();
    const reopened = await EpisodicMemory.open(directory, optionsFor({ dimensions: 8 }));
    for (const id of [0, 1023, 1024, 2099]) {
      expect((await reopened.searchVector(embeddings[id], 1))[0].event.id).toBe(id);
    }
    expect(await reopened.searchVector(embeddings[7], 3000)).toHaveLength(2100);
  });

  it('serialises concurrent saves; each persists at least the events added before it was called', async () => {
    const directory = join(temporaryDirectory(), 'concurrent');
    const memory = await EpisodicMemory.open(directory, optionsFor());
    const random = seededRandom(8);
    const add = async (clip: number): Promise<void> => {
      await memory.addEvent({ clipIndex: clip, span: { start: clip, end: clip + 1 }, observations: [], text: `clip ${clip}` }, randomUnitVector(random, DIMENSIONS));
    };
    const saved = async (): Promise<number> => (await (await EpisodicMemory.open(directory, optionsFor())).events()).length;
    await add(0);
    const first = memory.save();
    await add(1);
    const second = memory.save();
    const third = memory.save();
    await first;
    expect(await saved()).toBeGreaterThanOrEqual(1);
    await add(2);
    await second;
    expect(await saved()).toBeGreaterThanOrEqual(2);
    await third;
    await memory.save();
    expect(await saved()).toBe(3);
    expect(manifestOf(directory).storage.generation).toBe(4);
    expect(readdirSync(directory).sort()).toEqual(['events-4.jsonl', 'manifest.json', 'vectors-4.hnsw']);
  });

  it('creates an empty store without writing, and saves an empty store', async () => {
    const directory = join(temporaryDirectory(), 'empty');
    const memory = await EpisodicMemory.open(directory, optionsFor({ video }));
    expect(existsSync(directory)).toBe(false);
    expect(EpisodicMemory.exists(directory)).toBe(false);
    await memory.save();
    expect(EpisodicMemory.exists(directory)).toBe(false); // saved but not complete
    const reopened = await EpisodicMemory.open(directory, optionsFor());
    expect(await reopened.events()).toEqual([]);
    expect(reopened.manifest.video).toEqual(video);
    await reopened.markComplete();
    await reopened.save();
    expect(EpisodicMemory.exists(directory)).toBe(true);
  });
});

describe('EpisodicMemory mismatches', () => {
  it('refuses another dimension or embedder, naming both and the fix', async () => {
    const { directory } = await savedStore();
    const dimension = await rejection(EpisodicMemory.open(directory, optionsFor({ dimensions: 64 })));
    expect(dimension.code).toBe('MEMORY_MISMATCH');
    expect(dimension.message).toContain('"hashing-32" (32 dimensions)');
    expect(dimension.message).toContain('(64 dimensions)');
    expect(dimension.hint).toContain(`delete the directory ${directory}`);
    expect(dimension.hint).toContain('same embedder');

    const embedder = await rejection(EpisodicMemory.open(directory, optionsFor({ embedderId: 'openai:text-embedding-3-small' })));
    expect(embedder.code).toBe('MEMORY_MISMATCH');
    expect(embedder.message).toContain('hashing-32');
    expect(embedder.message).toContain('openai:text-embedding-3-small');
    expect(embedder.details).toMatchObject({ storedEmbedderId: 'hashing-32', requestedEmbedderId: 'openai:text-embedding-3-small' });
  });

  it('refuses another video or other params', async () => {
    const { directory } = await savedStore();
    expect((await rejection(EpisodicMemory.open(directory, optionsFor({ videoHash: 'cd'.repeat(32) })))).code).toBe('MEMORY_MISMATCH');
    const params = await rejection(EpisodicMemory.open(directory, optionsFor({ params: { fps: 1, clipSeconds: 10, embedder: 'hashing-32' } })));
    expect(params.code).toBe('MEMORY_MISMATCH');
    expect(params.message).toContain('"fps":1');
    // Key order does not matter.
    await expect(EpisodicMemory.open(directory, optionsFor({ params: { embedder: 'hashing-32', clipSeconds: 10, fps: 0.5 } }))).resolves.toBeInstanceOf(EpisodicMemory);
  });

  it('refuses a newer format version', async () => {
    const { directory } = await savedStore();
    const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8'));
    writeFileSync(join(directory, 'manifest.json'), JSON.stringify({ ...manifest, formatVersion: 2 }));
    const error = await rejection(EpisodicMemory.open(directory, optionsFor()));
    expect(error.code).toBe('MEMORY_MISMATCH');
    expect(error.message).toContain('format version 2');
  });

  it('rejects invalid options', async () => {
    const error = await rejection(EpisodicMemory.open(temporaryDirectory(), optionsFor({ dimensions: 0, embedderId: '' })));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain('dimensions');
    expect(error.message).toContain('embedderId');
  });
});

describe('EpisodicMemory corruption', () => {
  async function expectCorrupt(directory: string, path: string): Promise<LongVidError> {
    const error = await rejection(EpisodicMemory.open(directory, optionsFor()));
    expect(error.code).toBe('MEMORY_CORRUPT');
    expect(error.details.path).toBe(path);
    expect(error.message).toContain(path);
    expect(error.hint).toContain(`delete the directory ${directory}`);
    expect(error.hint).toContain('re-run ingest');
    return error;
  }

  it('reports a truncated manifest', async () => {
    const { directory } = await savedStore();
    const path = join(directory, 'manifest.json');
    truncateSync(path, 40);
    const error = await expectCorrupt(directory, path);
    expect(error.message).toContain('not valid JSON');
    expect(EpisodicMemory.exists(directory)).toBe(false);
  });

  it('reports a manifest that is JSON but not a manifest', async () => {
    const { directory } = await savedStore();
    const path = join(directory, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...manifest, dimensions: 'thirty-two' }));
    const error = await expectCorrupt(directory, path);
    expect(error.message).toContain('dimensions');
    expect(EpisodicMemory.exists(directory)).toBe(false);
  });

  it('reports a truncated or edited events file', async () => {
    const { directory } = await savedStore();
    const path = join(directory, manifestOf(directory).storage.eventsFile);
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, original.slice(0, original.length - 100));
    await expectCorrupt(directory, path);
    writeFileSync(path, original.replace('LOCKER 318', 'LOCKER 319'));
    const edited = await expectCorrupt(directory, path);
    expect(edited.message).toContain('SHA-256');
  });

  it('reports a garbled, missing or truncated index file', async () => {
    const { directory } = await savedStore();
    const path = join(directory, manifestOf(directory).storage.indexFile);
    const original = readFileSync(path);
    writeFileSync(path, Buffer.alloc(original.length, 7));
    await expectCorrupt(directory, path);
    writeFileSync(path, original.subarray(0, 1000));
    await expectCorrupt(directory, path);
    expect(EpisodicMemory.exists(directory)).toBe(false);
    writeFileSync(path, 'garbage');
    await expectCorrupt(directory, path);
  });

  it('reports an index whose size matches but whose content does not', async () => {
    const { directory } = await savedStore();
    const path = join(directory, manifestOf(directory).storage.indexFile);
    const original = readFileSync(path);
    const garbled = Buffer.from(original);
    garbled.fill(0xff, 0, 64); // header fields
    writeFileSync(path, garbled);
    await expectCorrupt(directory, path);
  });

  it('reports 16 flipped bytes inside the index (same size, readable by hnswlib) by its SHA-256', async () => {
    const { directory } = await savedStore();
    const path = join(directory, manifestOf(directory).storage.indexFile);
    const flipped = Buffer.from(readFileSync(path));
    const at = Math.floor(flipped.length / 2);
    for (let i = 0; i < 16; i += 1) flipped[at + i] ^= 0xff;
    writeFileSync(path, flipped);
    const error = await expectCorrupt(directory, path);
    expect(error.message).toContain('SHA-256');
  });
});

describe('EpisodicMemory crash recovery', () => {
  it('is not "existing" and resumes from the last save when ingestion was killed mid-save', async () => {
    const directory = join(temporaryDirectory(), 'crash');
    const memory = await EpisodicMemory.open(directory, optionsFor());
    const random = seededRandom(21);
    const embeddings: Float32Array[] = [];
    const add = async (target: EpisodicMemory, clip: number): Promise<void> => {
      const embedding = randomUnitVector(random, DIMENSIONS);
      embeddings[clip] = embedding;
      await target.addEvent({ clipIndex: clip, span: { start: clip * 2, end: clip * 2 + 2 }, observations: [], text: `clip ${clip} ${clip === 7 ? 'locker 318' : ''}` }, embedding);
    };
    for (let clip = 0; clip < 10; clip += 1) await add(memory, clip);
    await memory.save(); // checkpoint, generation 1
    for (let clip = 10; clip < 15; clip += 1) await add(memory, clip);

    // The process dies while saving generation 2: the index was written, the events half-way, the manifest not at all.
    const { storage } = manifestOf(directory);
    writeFileSync(join(directory, 'vectors-2.hnsw'), readFileSync(join(directory, storage.indexFile)));
    writeFileSync(join(directory, `events-2.jsonl.tmp-99999-abc`), '{"id":0,"clipIndex":0,"span":{"sta');
    writeFileSync(join(directory, `manifest.json.tmp-99999-def`), '{"formatVersion":1,');
    expect(EpisodicMemory.exists(directory)).toBe(false);

    const resumed = await EpisodicMemory.open(directory, optionsFor());
    expect(resumed.manifest.complete).toBe(false);
    expect((await resumed.events()).map((event) => event.clipIndex)).toEqual([...Array(10).keys()]);
    expect((await resumed.searchLexical('locker', 1))[0].event.clipIndex).toBe(7);
    // Ingestion resumes after the last clip held.
    const next = Math.max(...(await resumed.events()).map((event) => event.clipIndex)) + 1;
    for (let clip = next; clip < 15; clip += 1) await add(resumed, clip);
    await resumed.markComplete({ clips: 15 });
    await resumed.save();

    expect(EpisodicMemory.exists(directory)).toBe(true);
    expect(readdirSync(directory).sort()).toEqual(['events-2.jsonl', 'manifest.json', 'vectors-2.hnsw']);
    const final = await EpisodicMemory.open(directory, optionsFor());
    expect(await final.events()).toHaveLength(15);
    for (const clip of [0, 9, 10, 14]) expect((await final.searchVector(embeddings[clip], 1))[0].event.clipIndex).toBe(clip);
  });

  it('keeps a complete store complete when a later save dies before its manifest', async () => {
    const { directory, memory, fixture } = await savedStore();
    await memory.addEvent({ clipIndex: 999, span: { start: 900, end: 901 }, observations: [], text: 'late' }, mixVectors(randomUnitVector(seededRandom(1), DIMENSIONS), 1, randomUnitVector(seededRandom(2), DIMENSIONS), 1));
    writeFileSync(join(directory, 'vectors-2.hnsw'), 'partial');
    writeFileSync(join(directory, 'events-2.jsonl'), 'partial');
    expect(EpisodicMemory.exists(directory)).toBe(true);
    const reopened = await EpisodicMemory.open(directory, optionsFor());
    expect(await reopened.events()).toHaveLength(fixture.events.size);
  });

  it('opens an empty store where only temporary files were left', async () => {
    const directory = join(temporaryDirectory(), 'killed-early');
    const memory = await EpisodicMemory.open(directory, optionsFor());
    await memory.addEvent({ clipIndex: 0, span: { start: 0, end: 1 }, observations: [], text: 'a' }, randomUnitVector(seededRandom(4), DIMENSIONS));
    await memory.save();
    // Simulate a directory whose first save never reached its manifest.
    const other = join(temporaryDirectory(), 'killed-early');
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, 'vectors-1.hnsw.tmp-1-x'), readFileSync(join(directory, 'vectors-1.hnsw')));
    writeFileSync(join(other, 'events-1.jsonl'), readFileSync(join(directory, 'events-1.jsonl')));
    expect(EpisodicMemory.exists(other)).toBe(false);
    const reopened = await EpisodicMemory.open(other, optionsFor());
    expect(await reopened.events()).toEqual([]);
    await reopened.markComplete();
    await reopened.save();
    expect(readdirSync(other).sort()).toEqual(['events-1.jsonl', 'manifest.json', 'vectors-1.hnsw']);
    expect(await (await EpisodicMemory.open(other, optionsFor())).events()).toEqual([]);
  });
});

describe('EpisodicMemory entity and narrative layers on disk', () => {
  /** A saved, complete store with the fixture events, the dev_long-shaped tracks and a narrative. */
  async function layeredStore(): Promise<{ directory: string; memory: EpisodicMemory; fixture: MemoryFixture }> {
    const { directory, memory, fixture } = await savedStore();
    await memory.setTracks(devLongTracks(), { mergeGapSeconds: 0.5, synonyms: { dog: ['puppy', 'hound'] } });
    await memory.setNarrative(await buildNarrative(await memory.events(), { maxEvents: 20 }));
    await memory.save();
    return { directory, memory, fixture };
  }

  it('reopens with the same tracks, entities, narrative and query answers', async () => {
    const { directory, memory } = await layeredStore();
    const { storage } = manifestOf(directory) as unknown as { storage: Record<string, unknown> };
    expect(storage).toMatchObject({ generation: 2, entitiesFile: 'entities-2.json', narrativeFile: 'narrative-2.json' });
    expect(readdirSync(directory).sort()).toEqual(['entities-2.json', 'events-2.jsonl', 'manifest.json', 'narrative-2.json', 'vectors-2.hnsw']);
    const reopened = await EpisodicMemory.open(directory, optionsFor());
    expect(await reopened.tracks()).toEqual(await memory.tracks());
    expect(await reopened.entities()).toEqual(await memory.entities());
    expect(await reopened.narrative()).toEqual(await memory.narrative());
    expect((await reopened.narrative()).length).toBeGreaterThan(5);
    expect(await reopened.entityAppearances('puppies')).toEqual(await memory.entityAppearances('puppies'));
    expect(await reopened.countEntities('How many bottles are on the table?')).toMatchObject({ count: 3 });
    // The options were persisted: a dog seen at 50–52 and 54–60 s stays two spans with a 0.5-s merge gap.
    expect((await reopened.entityAppearances('hounds')).spans).toHaveLength(2);
    // The entities file is readable JSON for other tools.
    const file = JSON.parse(readFileSync(join(directory, 'entities-2.json'), 'utf8'));
    expect(file).toMatchObject({ version: 1, options: { mergeGapSeconds: 0.5 } });
    expect(file.entities).toEqual(await memory.entities());
  });

  it('opens stores saved without the layers (as before they existed) with empty layers, and writes no layer files for them', async () => {
    const { directory } = await savedStore();
    const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8'));
    expect(manifest.formatVersion).toBe(1);
    expect(Object.keys(manifest.storage).sort()).toEqual(['eventCount', 'eventsFile', 'eventsSha256', 'generation', 'indexBytes', 'indexFile', 'indexSha256']);
    const reopened = await EpisodicMemory.open(directory, optionsFor());
    expect(await reopened.entities()).toEqual([]);
    expect(await reopened.narrative()).toEqual([]);
    expect(await reopened.countEntities('dogs')).toMatchObject({ count: 0 });
  });

  it('drops the layer files of older generations, and of layers cleared since', async () => {
    const { directory, memory } = await layeredStore();
    await memory.setTracks([]);
    await memory.setNarrative([]);
    await memory.save();
    expect(readdirSync(directory).sort()).toEqual(['events-3.jsonl', 'manifest.json', 'vectors-3.hnsw']);
    expect(await (await EpisodicMemory.open(directory, optionsFor())).entities()).toEqual([]);
  });

  it('reports an edited, missing or invalid layer file as MEMORY_CORRUPT naming it', async () => {
    const { directory } = await layeredStore();
    const entitiesPath = join(directory, 'entities-2.json');
    const original = readFileSync(entitiesPath, 'utf8');
    writeFileSync(entitiesPath, original.replace('"bottle"', '"bowl"'));
    const edited = await rejection(EpisodicMemory.open(directory, optionsFor()));
    expect(edited).toMatchObject({ code: 'MEMORY_CORRUPT', details: { path: entitiesPath } });
    expect(edited.message).toContain('SHA-256');
    expect(edited.hint).toContain('re-run ingest');

    // Valid JSON with a matching hash but the wrong shape: zod rejects it.
    const invalid = JSON.stringify({ version: 1, options: { mergeGapSeconds: 1 }, tracks: [{ id: 0, label: 'dog', spans: [{ start: 2, end: 1 }], meanScore: 0.5, attributes: {} }], entities: [] });
    writeFileSync(entitiesPath, invalid);
    const manifestPath = join(directory, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.storage.entitiesSha256 = createHash('sha256').update(invalid).digest('hex');
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const shape = await rejection(EpisodicMemory.open(directory, optionsFor()));
    expect(shape).toMatchObject({ code: 'MEMORY_CORRUPT', details: { path: entitiesPath } });
    expect(shape.message).toContain('span');

    rmSync(join(directory, 'narrative-2.json'));
    expect(EpisodicMemory.exists(directory)).toBe(false);
  });

  it('reports a narrative naming events the store lacks as MEMORY_CORRUPT', async () => {
    const { directory } = await layeredStore();
    const path = join(directory, 'narrative-2.json');
    const file = JSON.parse(readFileSync(path, 'utf8'));
    file.entries[0].eventIds = [5000];
    const text = JSON.stringify(file);
    writeFileSync(path, text);
    const manifestPath = join(directory, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.storage.narrativeSha256 = createHash('sha256').update(text).digest('hex');
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const error = await rejection(EpisodicMemory.open(directory, optionsFor()));
    expect(error).toMatchObject({ code: 'MEMORY_CORRUPT', details: { path } });
    expect(error.message).toContain('5000');
  });

  it('keeps the previous layers when a save dies before its manifest', async () => {
    const { directory, memory } = await layeredStore();
    const before = await memory.entities();
    await memory.setTracks([{ id: 0, label: 'zebra', spans: [{ start: 0, end: 1 }], meanScore: 0.9 }]);
    writeFileSync(join(directory, 'entities-3.json'), 'partial');
    writeFileSync(join(directory, 'entities-3.json.tmp-1-x'), 'partial');
    const reopened = await EpisodicMemory.open(directory, optionsFor());
    expect(await reopened.entities()).toEqual(before);
    await memory.save();
    expect(readdirSync(directory).filter((name) => name.startsWith('entities'))).toEqual(['entities-3.json']);
    expect((await (await EpisodicMemory.open(directory, optionsFor())).entities()).map((entity) => entity.label)).toEqual(['zebra']);
  });
});
