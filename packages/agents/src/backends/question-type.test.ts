import { classifyQuestion, questionTypeHint } from './question-type';

describe('classifyQuestion', () => {
  it.each([
    ['Is there a dog?', 'yes-no', true],
    ['How many children are there?', 'count', true],
    ['How many bottles are on the table?', 'count', true],
    ['When does a dog appear?', 'when', true],
    ['What colour is the mug?', 'colour', true],
    ['What does the notice say?', 'read', false],
    ['What is the person saying?', 'read', false],
    ['What is the gate code?', 'value', false],
    ['What time does the train leave?', 'value', false],
    ['What is the bus number?', 'value', false],
    ['What sport is being played?', 'describe', false],
    ['What happens in the video?', 'describe', false],
    ['Summarize the video', 'describe', false],
  ])('%s → %s', (question, kind, aboutObjects) => {
    const type = classifyQuestion(question);
    expect(type.kind).toBe(kind);
    expect(type.aboutObjects).toBe(aboutObjects);
  });

  it('tells distinct instances from the most seen at once, and the form of a value', () => {
    expect(classifyQuestion('How many different people walk up to the door?').counting).toBe('distinct');
    expect(classifyQuestion('How many people are in the room?').counting).toBe('at-once');
    expect(classifyQuestion('What time does the train leave?').valueForm).toBe('time');
    expect(classifyQuestion('What is the locker number?').valueForm).toBe('number');
    expect(classifyQuestion('What is the name of the hotel?').valueForm).toBe('name');
    expect(classifyQuestion('What is the password?').valueForm).toBe('name');
  });

  it('reads a choice between detector classes as a question about objects', () => {
    expect(classifyQuestion('Which of these appears in the video?', ['dog', 'horse', 'stop sign', 'bicycle'])).toMatchObject({ kind: 'choice', aboutObjects: true });
    expect(classifyQuestion('Which of these appears in the video?', ['a woman doing yoga on a rooftop terrace', 'three red plastic cups shuffled on a white table']).aboutObjects).toBe(false);
  });

  it('gives the LLM prompts a one-line hint in the type’s form', () => {
    expect(questionTypeHint(classifyQuestion('How many children are there?'))).toMatch(/^Question type: count \(about person\); answer a number .*most seen at the same time/);
  });
});
