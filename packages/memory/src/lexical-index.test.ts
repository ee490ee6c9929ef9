import { reciprocalRankFusion } from './fusion';
import { indexTerms, LexicalIndex } from './lexical-index';

describe('indexTerms', () => {
  it('lower-cases words, keeps times and decimals whole with their parts, and drops stop words', () => {
    expect(indexTerms('TRAIN LEAVES AT 7:45')).toEqual(['train', 'leaves', '7:45', '7', '45']);
    expect(indexTerms('Locker #318, row 2.5; 1,000 items')).toEqual(['locker', '318', 'row', '2.5', '2', '5', '1,000', '1', '000', 'items']);
    expect(indexTerms('What is the time?')).toEqual(['time']);
    expect(indexTerms('Ｌｏｃｋｅｒ ３１８')).toEqual(['locker', '318']);
    expect(indexTerms('Café déjà-vu 12:30:05')).toEqual(['café', 'déjà', 'vu', '12:30:05', '12', '30', '05']);
    // The one tokenizer's words: apostrophes inside words, CJK characters one by one.
    expect(indexTerms("Don’t stop at 東京")).toEqual(["don't", 'stop', '東', '京']);
  });
});

describe('LexicalIndex (BM25)', () => {
  const index = new LexicalIndex();
  index.add(0, 'red car on the street');
  index.add(1, 'red red red door');
  index.add(2, 'blue car');
  index.add(3, 'TRAIN LEAVES AT 7:45');
  index.add(4, 'the train to 8:15 platform 7');

  it('prefers rare terms, repeated terms and short documents', () => {
    expect(index.search('car', 10).map((match) => match.id)).toEqual([2, 0]);
    expect(index.search('red', 10).map((match) => match.id)).toEqual([1, 0]);
    expect(index.search('red car', 10)[0].id).toBe(0);
  });

  it('matches times exactly before their parts', () => {
    const matches = index.search('7:45', 10);
    expect(matches[0].id).toBe(3);
    expect(matches.map((match) => match.id)).toContain(4); // shares the part "7"
    expect(matches[0].score).toBeGreaterThan(matches[1].score);
  });

  it('computes the Okapi BM25 score with k1 = 1.2 and b = 0.75', () => {
    // "blue": in 1 of 5 documents; document 2 has 2 terms; lengths 3 + 4 + 2 + 5 + 6 (stop words out, time parts in) = 20.
    const idf = Math.log(1 + (5 - 1 + 0.5) / (1 + 0.5));
    const expected = (idf * 1 * 2.2) / (1 + 1.2 * (1 - 0.75 + (0.75 * 2) / 4));
    expect(index.search('blue', 1)[0].score).toBeCloseTo(expected, 10);
  });

  it('applies a filter, a limit, and returns nothing for unknown words', () => {
    expect(index.search('car', 10, (id) => id !== 2).map((match) => match.id)).toEqual([0]);
    expect(index.search('red car', 1)).toHaveLength(1);
    expect(index.search('zebra', 10)).toEqual([]);
    expect(index.search('car', 0)).toEqual([]);
  });
});

describe('LexicalIndex against a plain BM25 reference', () => {
  // Every document scored, everything sorted: what the index's posting lists and bounded heap must reproduce.
  function reference(documents: string[], query: string, limit: number, allowed?: (id: number) => boolean): { id: number; score: number }[] {
    const terms = documents.map(indexTerms);
    const average = terms.reduce((sum, t) => sum + t.length, 0) / documents.length;
    const scored = terms.map((documentTerms, id) => {
      let score = 0;
      for (const term of new Set(indexTerms(query))) {
        const frequency = documentTerms.filter((t) => t === term).length;
        const containing = terms.filter((t) => t.includes(term)).length;
        if (frequency === 0) continue;
        const idf = Math.log(1 + (documents.length - containing + 0.5) / (containing + 0.5));
        score += (idf * frequency * 2.2) / (frequency + 1.2 * (1 - 0.75 + (0.75 * documentTerms.length) / average));
      }
      return { id, score };
    });
    return scored
      .filter((match) => match.score > 0 && (!allowed || allowed(match.id)))
      .sort((a, b) => b.score - a.score || a.id - b.id)
      .slice(0, limit);
  }

  it('gives the same matches, scores and order (ties by lower id) for any limit and filter', () => {
    // A seeded linear congruential generator over a small vocabulary: many ties and repeated terms.
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const words = ['red', 'blue', 'car', 'door', 'train', '7:45', 'gate', 'locker', '318', 'dog', 'cup', 'table'];
    const documents = Array.from({ length: 400 }, () => Array.from({ length: 1 + Math.floor(next() * 6) }, () => words[Math.floor(next() * words.length)]).join(' '));
    const index = new LexicalIndex();
    documents.forEach((text, id) => index.add(id, text));
    for (let q = 0; q < 60; q += 1) {
      const query = Array.from({ length: 1 + Math.floor(next() * 3) }, () => words[Math.floor(next() * words.length)]).join(' ');
      for (const limit of [1, 7, 50, 1000]) {
        const allowed = q % 3 === 0 ? (id: number) => id % 5 !== 0 : undefined;
        const got = index.search(query, limit, allowed);
        const want = reference(documents, query, limit, allowed);
        expect(got.map((m) => m.id)).toEqual(want.map((m) => m.id));
        got.forEach((match, i) => expect(match.score).toBeCloseTo(want[i].score, 9));
      }
    }
  });
});

describe('reciprocalRankFusion', () => {
  it('sums 1 / (60 + rank) over the lists', () => {
    const fused = reciprocalRankFusion([
      [10, 11, 12],
      [12, 10],
    ]);
    expect(fused.map((item) => item.id)).toEqual([10, 12, 11]);
    expect(fused[0].score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[0].ranks).toEqual([1, 2]);
    expect(fused[2].ranks).toEqual([2, undefined]);
  });

  it('breaks ties by best rank, then by the earlier list', () => {
    expect(reciprocalRankFusion([[1], [2]]).map((item) => item.id)).toEqual([1, 2]);
    expect(reciprocalRankFusion([[], []])).toEqual([]);
  });
});

describe('LexicalIndex with OCR readings', () => {
  it('finds a caption OCR read with digits for letters only when asked to', () => {
    const caption = 'DO0R C0DE 6743';
    const robust = new LexicalIndex({ ocrReadings: true });
    const plain = new LexicalIndex();
    for (const index of [robust, plain]) {
      index.add(0, caption);
      index.add(1, 'LOCKER 828 door');
    }
    expect(robust.search('What is the door code?', 5).map((match) => match.id)).toEqual([0, 1]);
    expect(plain.search('What is the door code?', 5).map((match) => match.id)).toEqual([1]);
    // The caption's own tokens still match exactly.
    expect(robust.search('6743', 5).map((match) => match.id)).toEqual([0]);
  });
});
