import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LongVidError } from '@longvid/core';
import { rejection } from '@longvid/core/testing';
import { EpisodicMemory } from '../episodic-memory';
import { randomUnitVector, seededRandom } from '../memory-fixture';
import { buildNarrative } from '../narrative';
import { EmbeddedLibraryCatalog, openEmbeddedLibrary, validateLibraryName } from './index';

const directories: string[] = [];
function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'longvid-library-'));
  directories.push(directory);
  return directory;
}
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

const hash = (digit: string): string => digit.repeat(64);
const DIMENSIONS = 16;

describe('library names', () => {
  it.each(['lectures', 'day-1_cam.2', 'A'])('accepts %s', (name) => expect(validateLibraryName(name)).toBe(name));
  it.each(['', '../etc', 'a/b', '-x', 'a b', 'x'.repeat(65)])('rejects %j naming it and the rule', (name) => {
    const error = (() => {
      try {
        validateLibraryName(name);
      } catch (caught) {
        return caught;
      }
      throw new Error('expected a LongVidError');
    })();
    expect(error).toMatchObject({ code: 'BAD_INPUT', details: { library: name } });
    expect((error as LongVidError).toLine()).toContain('letters, digits');
  });
});

describe('EmbeddedLibraryCatalog', () => {
  it('adds new paths, re-queues changed ones, keeps unchanged ones and copies, in the order added', async () => {
    const cacheDir = temporaryDirectory();
    const catalog = new EmbeddedLibraryCatalog(cacheDir, 'clips');
    expect(await catalog.list()).toEqual([]);
    const first = await catalog.add([
      { path: '/videos/a.mp4', videoHash: hash('a') },
      { path: '/videos/b.mp4', videoHash: hash('b') },
    ]);
    expect(first.added.map((video) => [video.name, video.status])).toEqual([['a.mp4', 'pending'], ['b.mp4', 'pending']]);
    await catalog.update(hash('a'), { status: 'failed', error: 'not a video' });
    const second = await catalog.add([
      { path: '/videos/a.mp4', videoHash: hash('c') },
      { path: '/videos/b.mp4', videoHash: hash('b') },
      { path: '/copies/b.mp4', videoHash: hash('b') },
      { path: '/videos/d.mp4', videoHash: hash('d') },
    ]);
    expect(second.changed).toEqual([expect.objectContaining({ path: '/videos/a.mp4', videoHash: hash('c'), status: 'pending' })]);
    expect(second.changed[0].error).toBeUndefined();
    expect(second.unchanged.map((video) => video.path)).toEqual(['/videos/b.mp4', '/videos/b.mp4']);
    expect(second.added.map((video) => video.path)).toEqual(['/videos/d.mp4']);
    expect((await catalog.list()).map((video) => video.path)).toEqual(['/videos/a.mp4', '/videos/b.mp4', '/videos/d.mp4']);
    expect(await catalog.remove('/videos/zzz.mp4')).toBeUndefined();
    expect(await catalog.remove('/videos/b.mp4')).toMatchObject({ videoHash: hash('b') });
    expect((await catalog.list()).map((video) => video.name)).toEqual(['a.mp4', 'd.mp4']);
    // Another instance (another process) reads the same file.
    expect((await new EmbeddedLibraryCatalog(cacheDir, 'clips').list()).length).toBe(2);
  });

  it('updates status and progress, clearing keys given as undefined', async () => {
    const catalog = new EmbeddedLibraryCatalog(temporaryDirectory(), 'progress');
    await catalog.add([{ path: '/v/a.mp4', videoHash: hash('a') }]);
    await catalog.update(hash('a'), { status: 'ingesting', worker: 'w1', doneSeconds: 60, duration: 120 });
    expect(await catalog.list()).toEqual([expect.objectContaining({ status: 'ingesting', worker: 'w1', doneSeconds: 60, duration: 120 })]);
    await catalog.update(hash('a'), { status: 'failed', worker: undefined, error: 'boom' });
    const [video] = await catalog.list();
    expect(video).toMatchObject({ status: 'failed', error: 'boom' });
    expect('worker' in video).toBe(false);
    await catalog.update(hash('f'), { status: 'ingested' });
    expect((await catalog.list()).length).toBe(1);
  });

  it('loses no video when many adds run at once (file lock)', async () => {
    const cacheDir = temporaryDirectory();
    const digits = '0123456789abcdef'.split('');
    await Promise.all(digits.map((digit) => new EmbeddedLibraryCatalog(cacheDir, 'busy').add([{ path: `/v/${digit}.mp4`, videoHash: hash(digit) }])));
    expect((await new EmbeddedLibraryCatalog(cacheDir, 'busy').list()).map((video) => video.videoHash).sort()).toEqual(digits.map(hash).sort());
  });

  it('names a damaged catalog file and how to fix it', async () => {
    const cacheDir = temporaryDirectory();
    const catalog = new EmbeddedLibraryCatalog(cacheDir, 'broken');
    await catalog.add([{ path: '/v/a.mp4', videoHash: hash('a') }]);
    writeFileSync(catalog.file, '{"formatVersion":1,"name":"broken","videos":[{"path":3}]}');
    const error = await rejection(catalog.list());
    expect(error).toMatchObject({ code: 'MEMORY_CORRUPT', details: { path: catalog.file } });
    expect((error as LongVidError).toLine()).toContain('longvid library add broken');
  });

  it('rejects a hash that is not SHA-256 hex', async () => {
    const catalog = new EmbeddedLibraryCatalog(temporaryDirectory(), 'x');
    expect(await rejection(catalog.add([{ path: '/v/a.mp4', videoHash: 'abc' }]))).toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('EmbeddedLibraryMemory', () => {
  const random = seededRandom(7);
  /** A saved store of 12 filler events and the given ones, each with a random embedding. */
  async function saveStore(directory: string, videoHash: string, events: { start: number; text: string }[], dogSpans: { start: number; end: number }[] = []): Promise<Map<string, Float32Array>> {
    const store = await EpisodicMemory.open(directory, { videoHash, params: {}, embedderId: `test-${DIMENSIONS}`, dimensions: DIMENSIONS });
    const embeddings = new Map<string, Float32Array>();
    const all = [...Array.from({ length: 12 }, (_, index) => ({ start: index * 10, text: `filler scene ${index} table chair` })), ...events].sort((a, b) => a.start - b.start);
    for (const [clipIndex, event] of all.entries()) {
      const embedding = randomUnitVector(random, DIMENSIONS);
      embeddings.set(event.text, embedding);
      await store.addEvent({ clipIndex, span: { start: event.start, end: event.start + 3 }, observations: [{ kind: 'text', span: { start: event.start, end: event.start + 3 }, text: event.text, confidence: 0.9, tool: 'ocr' }], text: event.text }, embedding);
    }
    if (dogSpans.length) await store.setTracks([{ id: 1, label: 'dog', spans: dogSpans, meanScore: 0.8 }]);
    await store.setNarrative(await buildNarrative(await store.events()));
    await store.markComplete({ ingestSeconds: 1 });
    await store.save();
    return embeddings;
  }

  async function library() {
    const cacheDir = temporaryDirectory();
    const { catalog, memory } = openEmbeddedLibrary(cacheDir, 'three');
    await catalog.add(['a', 'b', 'c', 'd'].map((digit) => ({ path: `/v/${digit}.mp4`, videoHash: hash(digit) })));
    const a = await saveStore(join(cacheDir, 'memory-a'), hash('a'), [{ start: 21, text: 'LOCKER 318' }], [{ start: 5, end: 9 }]);
    const b = await saveStore(join(cacheDir, 'memory-b'), hash('b'), [{ start: 55, text: 'GATE CODE 5021' }]);
    const c = await saveStore(join(cacheDir, 'memory-c'), hash('c'), [{ start: 30, text: 'LOCKER ROOM closed' }], [{ start: 40, end: 70 }]);
    await catalog.recordMemory(hash('a'), join(cacheDir, 'memory-a'), 130);
    await catalog.recordMemory(hash('b'), join(cacheDir, 'memory-b'), 130);
    await catalog.recordMemory(hash('c'), join(cacheDir, 'memory-c'), 130);
    return { cacheDir, catalog, memory, embeddings: { a, b, c } };
  }

  it('lists only ingested videos and searches all of them in one ranking', async () => {
    const { memory, embeddings } = await library();
    expect((await memory.videos()).map((video) => video.name)).toEqual(['a.mp4', 'b.mp4', 'c.mp4']);
    const hits = await memory.searchHybrid('locker 318', embeddings.a.get('LOCKER 318')!, 5);
    expect(hits[0]).toMatchObject({ videoHash: hash('a'), event: { text: 'LOCKER 318', span: { start: 21 } } });
    expect(hits[0].vectorScore).toBeCloseTo(1, 5);
    expect(hits[0].lexicalScore).toBeGreaterThan(0);
    expect(hits.some((hit) => hit.videoHash === hash('c') && hit.event.text === 'LOCKER ROOM closed')).toBe(true);
    // The words alone (an unrelated embedding) find the gate code in video b.
    const gate = await memory.searchHybrid('gate code', randomUnitVector(random, DIMENSIONS), 3);
    expect(gate[0]).toMatchObject({ videoHash: hash('b'), event: { text: 'GATE CODE 5021' } });
  });

  it('restricts a search to some videos and to a span', async () => {
    const { memory, embeddings } = await library();
    const onlyC = await memory.searchHybrid('locker 318', embeddings.a.get('LOCKER 318')!, 5, { videoHashes: [hash('c')] });
    expect(onlyC.length).toBeGreaterThan(0);
    expect(onlyC.every((hit) => hit.videoHash === hash('c'))).toBe(true);
    const late = await memory.searchHybrid('locker', embeddings.a.get('LOCKER 318')!, 50, { span: { start: 25, end: 40 } });
    expect(late.length).toBeGreaterThan(0);
    expect(late.every((hit) => hit.event.span.end > 25 && hit.event.span.start < 40)).toBe(true);
    expect(late[0].event.text).toBe('LOCKER ROOM closed');
    expect(await memory.searchHybrid('locker', embeddings.a.get('LOCKER 318')!, 0)).toEqual([]);
  });

  it('finds the videos an entity appears in, most present first, with its spans', async () => {
    const { memory } = await library();
    const dogs = await memory.findEntities('puppies');
    expect(dogs.map((match) => match.videoHash)).toEqual([hash('c'), hash('a')]);
    expect(dogs[1].appearance.spans).toEqual([{ start: 5, end: 9 }]);
    expect(dogs[0].entities[0].label).toBe('dog');
    expect(await memory.findEntities('bus')).toEqual([]);
  });

  it('gives each ingested video its narrative and opens one video store', async () => {
    const { memory } = await library();
    const overview = await memory.overview();
    expect(overview.map((entry) => entry.videoHash)).toEqual([hash('a'), hash('b'), hash('c')]);
    expect(overview.every((entry) => entry.entries.length > 0)).toBe(true);
    expect((await (await memory.store(hash('b'))).events()).some((event) => event.text === 'GATE CODE 5021')).toBe(true);
    expect(await rejection(memory.store(hash('d')))).toMatchObject({ code: 'BAD_INPUT', details: { videoHash: hash('d') } });
  });

  it('names a video whose memory is gone and says to add it again', async () => {
    const { cacheDir, memory } = await library();
    rmSync(join(cacheDir, 'memory-b'), { recursive: true });
    const error = await rejection(memory.store(hash('b')));
    expect(error).toMatchObject({ code: 'MEMORY_CORRUPT' });
    expect((error as LongVidError).toLine()).toContain('longvid library add three /v/b.mp4');
  });
});
