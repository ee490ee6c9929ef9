import { EntityIndex } from './entities';
import { devLongTracks } from './memory-fixture';

describe('EntityIndex', () => {
  it('counts tracks present at the same time, not tracks that follow each other', () => {
    const index = new EntityIndex([
      { id: 1, label: 'bottle', spans: [{ start: 0, end: 10 }], meanScore: 0.8 },
      // Ends where the next starts: [start, end) spans never overlap then.
      { id: 2, label: 'bottle', spans: [{ start: 10, end: 20 }], meanScore: 0.8 },
      { id: 3, label: 'bottle', spans: [{ start: 5, end: 15 }], meanScore: 0.8 },
    ]);
    expect(index.count('bottle')).toMatchObject({ count: 2, distinct: 3, at: 5 });
    expect(index.entities()).toHaveLength(1);
    expect(index.entities()[0]).toMatchObject({ count: 2, seconds: 20, spans: [{ start: 0, end: 20 }], trackIds: [1, 3, 2] });
    expect(index.count('bottle', { span: { start: 16, end: 30 } })).toMatchObject({ count: 1, distinct: 1, at: 16 });
    expect(index.count('bottle', { span: { start: 40, end: 50 } })).toEqual({ labels: ['bottle'], count: 0, distinct: 0, entities: [] });
  });

  it('ranks matching entities by time present × score', () => {
    const index = new EntityIndex(devLongTracks());
    expect(index.find('cups').map((entity) => [entity.attributes.colour, entity.seconds])).toEqual([
      ['blue', 10],
      ['red', 4],
    ]);
    // Within a span only the time inside counts.
    const late = new EntityIndex([
      { id: 0, label: 'cup', spans: [{ start: 0, end: 100 }], meanScore: 0.5, attributes: { colour: 'red' } },
      { id: 1, label: 'cup', spans: [{ start: 90, end: 100 }], meanScore: 0.9, attributes: { colour: 'blue' } },
    ]);
    expect(late.find('cup').map((entity) => entity.attributes.colour)).toEqual(['red', 'blue']);
    expect(late.find('cup', { span: { start: 90, end: 100 } }).map((entity) => entity.attributes.colour)).toEqual(['blue', 'red']);
  });

  it('reads a word as the stored classes it may name', () => {
    const index = new EntityIndex([{ id: 0, label: 'wine glass', spans: [{ start: 1, end: 2 }], meanScore: 0.7 }]);
    expect(index.resolve('Where is the glass?')).toEqual(['wine glass']);
    expect(index.resolve('How many puppies?')).toEqual(['dog']);
    expect(index.resolve('What is the locker number?')).toEqual([]);
    expect(index.appearances('glasses').spans).toEqual([{ start: 1, end: 2 }]);
    expect(index.labels()).toEqual(['wine glass']);
  });

  it('closes gaps up to mergeGapSeconds, and uses given synonyms', () => {
    const tracks = [
      { id: 0, label: 'dog', spans: [{ start: 0, end: 2 }, { start: 3, end: 4 }], meanScore: 0.6 },
      { id: 1, label: 'forklift', spans: [{ start: 8, end: 9 }], meanScore: 0.6 },
    ];
    expect(new EntityIndex(tracks).appearances('dog').spans).toEqual([{ start: 0, end: 4 }]);
    expect(new EntityIndex(tracks, { mergeGapSeconds: 0.5 }).appearances('dog').spans).toEqual([{ start: 0, end: 2 }, { start: 3, end: 4 }]);
    expect(new EntityIndex(tracks, { synonyms: { forklift: ['lift truck'] } }).appearances('the lift trucks').spans).toEqual([{ start: 8, end: 9 }]);
    expect(() => new EntityIndex(tracks, { mergeGapSeconds: -1 })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });

  it('hands out copies', () => {
    const index = new EntityIndex(devLongTracks());
    const [first] = index.entities();
    first.spans[0].start = 99;
    first.attributes.colour = 'green';
    index.tracks()[0].spans.length = 0;
    expect(index.entities()[0]).toMatchObject({ spans: [{ start: 0, end: 10 }], attributes: { colour: 'blue' } });
    expect(index.tracks()[0].spans).toHaveLength(1);
  });
});
