import { answerType, choiceMatch, extractAnswer, keywordCoverage, keywords, normalizeValue, stem, withoutQuestionWords, words } from './text';

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

describe('OCR-robust reading', () => {
  it('matches question words through confusable characters and missing spaces', () => {
    expect(keywordCoverage(keywords('What is the gate code?'), 'GATEC0DE 5521')).toBe(1);
    expect(keywordCoverage(keywords('What is the room number?'), 'R00M 108')).toBe(1);
    expect(keywordCoverage(keywords('What is the gate code?'), 'LOCKER 318')).toBe(0);
  });

  it("reads words in memory's tokenizer's letter and number pieces, so a number glued to a word by OCR stands alone", () => {
    expect(words('GATEC0DE5021')).toEqual(['gatec', '0', 'de', '5021']);
    expect(words('Train leaves at 7:45, platform 3.5')).toEqual(['train', 'leaves', 'at', '7:45', 'platform', '3.5']);
    expect(choiceMatch('5021', 'GATEC0DE5021')).toBe(1);
    expect(choiceMatch('5521', 'GATEC0DE5021')).toBe(0);
  });

  it('answers with the value in the form asked: digits for a code, letters for a name, h:mm for a time', () => {
    expect(extractAnswer('What is the gate code?', 'GATEC0DE 5521')).toBe('5521');
    expect(extractAnswer('What is the gate code?', 'GATECODE5O2I')).toBe('5021');
    expect(extractAnswer('What is the password?', 'PASSWORD 0SL0')).toBe('OSLO');
    expect(extractAnswer('What is the name of the hotel?', 'HOTEL GRAND 0ASIS')).toBe('GRAND OASIS');
    expect(extractAnswer('What time does the train leave?', 'TRAINLEAVES AT 7:4S')).toBe('7:45');
    expect(normalizeValue('NO 1O52I', 'number')).toBe('10521');
    expect(normalizeValue('NO58262', 'number')).toBe('58262');
    expect(withoutQuestionWords('What does the notice say?', 'NOTICE: POOL CLOSED TODAY')).toBe('POOL CLOSED TODAY');
  });
});
