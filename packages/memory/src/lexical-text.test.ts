import { foldConfusables, ocrWordReading, STOP_WORDS, tokenize } from './lexical-text';

describe('tokenize', () => {
  it('lower-cases words and keeps numbers, times and decimals whole', () => {
    expect(tokenize('TRAIN LEAVES AT 7:45.')).toEqual(['train', 'leaves', 'at', '7:45']);
    expect(tokenize('Locker #318, please')).toEqual(['locker', '318', 'please']);
    expect(tokenize('3.5 kg for $1,000 at 10:30:15')).toEqual(['3.5', 'kg', 'for', '1,000', 'at', '10:30:15']);
  });

  it('drops punctuation between words and keeps apostrophes inside them', () => {
    expect(tokenize('What is the locker number?')).toEqual(['what', 'is', 'the', 'locker', 'number']);
    expect(tokenize('Don’t stop—go!')).toEqual(["don't", 'stop', 'go']);
    expect(tokenize('a,b c.d e:f')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(tokenize('   ')).toEqual([]);
  });

  it('normalises full-width characters and splits CJK into characters', () => {
    expect(tokenize('ＬＯＣＫＥＲ　３１８')).toEqual(['locker', '318']);
    expect(tokenize('東京 station')).toEqual(['東', '京', 'station']);
  });
});

describe('tokenize variants', () => {
  it('splits letters from digits (letterDigitPieces), keeping times whole', () => {
    expect(tokenize('GATEC0DE5021', { letterDigitPieces: true })).toEqual(['gatec', '0', 'de', '5021']);
    expect(tokenize('GATEC0DE5021')).toEqual(['gatec0de5021']);
    expect(tokenize('R00M 108, leaves at 7:45am', { letterDigitPieces: true })).toEqual(['r', '00', 'm', '108', 'leaves', 'at', '7:45', 'am']);
    expect(tokenize("Don't 3.5kg", { letterDigitPieces: true })).toEqual(["don't", '3.5', 'kg']);
  });

  it('follows numbers by their parts (numberParts) and drops stop words (stopWords)', () => {
    expect(tokenize('TRAIN LEAVES AT 7:45', { numberParts: true, stopWords: STOP_WORDS })).toEqual(['train', 'leaves', '7:45', '7', '45']);
    expect(tokenize('7:45am', { numberParts: true })).toEqual(['7:45am']);
    expect(tokenize('7:45am', { numberParts: true, letterDigitPieces: true })).toEqual(['7:45', '7', '45', 'am']);
  });
});

describe('foldConfusables', () => {
  it('reads OCR confusions as letters and drops spaces', () => {
    expect(foldConfusables('GATEC0DE 5521')).toBe('GATECODESSZI');
    expect(foldConfusables('gate code')).toBe('GATECODE');
  });
});

describe('ocrWordReading', () => {
  it('folds the digits of a word OCR misread, and leaves codes and plain words alone', () => {
    expect(ocrWordReading('do0r')).toBe('door');
    expect(ocrWordReading('c0de')).toBe('code');
    expect(ocrWordReading('r00m')).toBe('room');
    expect(ocrWordReading('door')).toBeUndefined();
    expect(ocrWordReading('6743')).toBeUndefined();
    expect(ocrWordReading('b12')).toBeUndefined();
    expect(ocrWordReading('4k')).toBeUndefined();
  });
});
