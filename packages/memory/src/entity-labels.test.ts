import { LABEL_SYNONYMS, labelsMentioned, parseEntityQuestion, singular } from './entity-labels';

describe('singular', () => {
  it('makes plurals singular, leaving singular words alone', () => {
    const cases: Array<[string, string]> = [
      ['bottles', 'bottle'],
      ['puppies', 'puppy'],
      ['glasses', 'glass'],
      ['glass', 'glass'],
      ['buses', 'bus'],
      ['bus', 'bus'],
      ['benches', 'bench'],
      ['people', 'person'],
      ['children', 'child'],
      ['Knives', 'knife'],
      ['skis', 'skis'],
      ['mugs', 'mug'],
      ['is', 'is'],
    ];
    expect(cases.map(([word]) => [word, singular(word)])).toEqual(cases);
  });
});

describe('labelsMentioned', () => {
  it('covers the 80 COCO classes', () => {
    expect(Object.keys(LABEL_SYNONYMS)).toHaveLength(80);
  });

  it('finds class names and their synonyms in text order, longest phrase first', () => {
    expect(labelsMentioned('A woman walks her puppies past two water bottles and a dining table.').map((mention) => [mention.label, mention.phrase])).toEqual([
      ['person', 'woman'],
      ['dog', 'puppy'],
      ['bottle', 'water bottle'],
      ['dining table', 'dining table'],
    ]);
    expect(labelsMentioned('the TEDDY BEARS').map((mention) => mention.label)).toEqual(['teddy bear']);
  });

  it('gives every class a word may name, the literal class first', () => {
    expect(labelsMentioned('a glass').map((mention) => mention.label)).toEqual(['cup', 'wine glass']);
    expect(labelsMentioned('a wine glass').map((mention) => mention.label)).toEqual(['wine glass']);
    expect(labelsMentioned('a bag').map((mention) => mention.label)).toEqual(['handbag', 'backpack']);
  });

  it('recognises extra labels, e.g. those of another detector', () => {
    expect(labelsMentioned('Is there a forklift?')).toEqual([]);
    expect(labelsMentioned('Are there forklifts?', ['forklift'])).toEqual([{ label: 'forklift', phrase: 'forklift', wordIndex: 2 }]);
  });
});

describe('parseEntityQuestion', () => {
  it('reads the questions the planner asks of the entity layer', () => {
    expect(parseEntityQuestion('When does a dog appear?')).toEqual({ kind: 'when', labels: ['dog'], phrase: 'dog' });
    expect(parseEntityQuestion('How many bottles are on the table?')).toEqual({ kind: 'count', labels: ['bottle'], phrase: 'bottle' });
    expect(parseEntityQuestion('What colour is the mug?')).toEqual({ kind: 'colour', labels: ['cup'], phrase: 'mug' });
    expect(parseEntityQuestion('What color are the cups on the table?')).toEqual({ kind: 'colour', labels: ['cup'], phrase: 'cup' });
    expect(parseEntityQuestion('On the table, how many cups are there?')).toMatchObject({ kind: 'count', labels: ['cup'] });
    expect(parseEntityQuestion('Is there a puppy in the video?')).toEqual({ kind: 'presence', labels: ['dog'], phrase: 'puppy' });
    expect(parseEntityQuestion('What is the locker number?')).toBeUndefined();
  });
});
