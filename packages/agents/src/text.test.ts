import { answerType, choiceMatch, extractAnswer, keywordCoverage, keywords, stem } from './text';

describe('question text', () => {
  it('finds content keywords and stems inflections alike', () => {
    expect(keywords('What is the locker number?')).toEqual(['locker']);
    expect(keywords('What time does the train leave?')).toEqual(['train', 'leav']);
    expect(stem('LEAVES')).toBe(stem('leave'));
    expect(keywordCoverage(keywords('What time does the train leave?'), 'TRAIN LEAVES AT 7:45')).toBe(1);
    expect(keywordCoverage(keywords('Where is the package?'), 'LOCKER 318')).toBe(0);
  });

  it('classifies answer types', () => {
    expect(answerType('What time does the train leave?')).toBe('time');
    expect(answerType('What is the locker number?')).toBe('number');
    expect(answerType('Where is the package?')).toBe('place');
    expect(answerType('What colour is the mug?')).toBe('colour');
  });

  it('extracts typed answers from evidence text', () => {
    expect(extractAnswer('What is the locker number?', 'LOCKER 318')).toBe('318');
    expect(extractAnswer('What time does the train leave?', 'TRAIN LEAVES AT 7:45')).toBe('7:45');
    expect(extractAnswer('Where is the package?', 'The package is in the blue van.')).toBe('the blue van');
    expect(extractAnswer('What is the locker number?', 'LOCKER')).toBeUndefined();
  });

  it('matches options against evidence, numbers exactly', () => {
    expect(choiceMatch('318', 'LOCKER 318', '318')).toBe(1);
    expect(choiceMatch('381', 'LOCKER 318', '318')).toBe(0);
    expect(choiceMatch('In the blue van', 'The package is in the blue van.', 'the blue van')).toBe(1);
    expect(choiceMatch('In the red car', 'The package is in the blue van.', 'the blue van')).toBe(0);
  });
});
