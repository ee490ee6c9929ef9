import { consensusReading, groupOcrReadings } from './observations';

const line = (text: string) => ({ text, confidence: 0.9, box: { x: 10, y: 300, width: 200, height: 30 } });

describe('OCR readings across frames', () => {
  it('groups readings that differ only by confusable characters and spaces, and lets the frames vote per character', () => {
    const frames = [
      { time: 1, lines: [line('GATE CODE 5521')] },
      { time: 1.5, lines: [line('GATEC0DE 5521')] },
      { time: 2, lines: [line('GATE CODE SS21')] },
      { time: 2.5, lines: [line('GATE CODE 5521')] },
    ];
    const observations = groupOcrReadings(frames, 2, { start: 0, end: 10 });
    expect(observations).toHaveLength(1);
    expect(observations[0]).toMatchObject({ text: 'GATE CODE 5521', span: { start: 0.75, end: 2.75 } });
  });

  it('keeps the most frequent spelling when frames tie', () => {
    expect(consensusReading(new Map([['TRAIN LEAVES AT 7:45', 3]]))).toBe('TRAIN LEAVES AT 7:45');
    expect(consensusReading(new Map([['R00M 108', 2], ['ROOM 108', 1]]))).toBe('R00M 108');
  });
});
