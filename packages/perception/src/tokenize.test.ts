import { tokenize } from './tokenize';

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
