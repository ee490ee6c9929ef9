import { LongVidError } from '@longvid/core';
import { MockMemoryStore, describeMemoryStore } from './testing';

describeMemoryStore('MockMemoryStore', ({ dimensions, embedderId }) => new MockMemoryStore({ dimensions, embedderId }));

describe('MockMemoryStore', () => {
  it('records every call with copies of its arguments, and saves nothing', async () => {
    const store = new MockMemoryStore({ dimensions: 2, params: { fps: 0.5 } });
    const embedding = new Float32Array([1, 0]);
    const event = await store.addEvent({ clipIndex: 0, span: { start: 0, end: 2 }, observations: [], text: 'locker 318' }, embedding);
    embedding[0] = 0;
    await store.searchHybrid('locker', new Float32Array([0, 1]), 2, { span: { start: 0, end: 1 } });
    await store.markComplete({ ingestSeconds: 1 });
    await store.save();

    expect(store.calls.map((call) => call.method)).toEqual(['addEvent', 'searchHybrid', 'markComplete', 'save']);
    expect(store.callsOf('addEvent')[0].args[1]).toEqual(new Float32Array([1, 0]));
    expect(store.callsOf('searchHybrid')[0].args).toEqual(['locker', new Float32Array([0, 1]), 2, { span: { start: 0, end: 1 } }]);
    expect(store.saveCount).toBe(1);
    expect(store.manifest).toMatchObject({ params: { fps: 0.5 }, dimensions: 2, embedderId: 'mock-embedder', complete: true, stats: { ingestSeconds: 1 } });
    expect((await store.getEvent(event.id))?.text).toBe('locker 318');
  });

  it('records a batch as one addEvents call with copies of its embeddings', async () => {
    const store = new MockMemoryStore({ dimensions: 2 });
    const embedding = new Float32Array([0, 1]);
    const event = { clipIndex: 3, span: { start: 6, end: 8 }, observations: [], text: 'exit sign' };
    const added = await store.addEvents([{ event, embedding }]);
    embedding[1] = 0;
    expect(added.map((stored) => stored.id)).toEqual([0]);
    expect(store.calls.map((call) => call.method)).toEqual(['addEvents']);
    expect(store.callsOf('addEvents')[0].args).toEqual([[{ event, embedding: new Float32Array([0, 1]) }]]);
  });

  it('rejects with the same errors as the real store', async () => {
    const store = new MockMemoryStore({ dimensions: 3 });
    let error: unknown;
    try {
      await store.addEvent({ clipIndex: 0, span: { start: 0, end: 1 }, observations: [], text: '' }, new Float32Array(4));
    } catch (caught) {
      error = caught;
    }
    expect(LongVidError.is(error) && error.code).toBe('MEMORY_MISMATCH');
  });

  it('records entity and narrative calls', async () => {
    const store = new MockMemoryStore({ dimensions: 2 });
    await store.setTracks([{ id: 0, label: 'dog', spans: [{ start: 49.5, end: 59 }], meanScore: 0.7 }]);
    expect((await store.entityAppearances('When does a dog appear?', { span: { start: 0, end: 100 } })).spans).toEqual([{ start: 49.5, end: 59 }]);
    expect((await store.countEntities('dogs')).count).toBe(1);
    await store.narrative();
    expect(store.calls.map((call) => call.method)).toEqual(['setTracks', 'entityAppearances', 'countEntities', 'narrative']);
    expect(store.callsOf('entityAppearances')[0].args).toEqual(['When does a dog appear?', { span: { start: 0, end: 100 } }]);
  });
});
