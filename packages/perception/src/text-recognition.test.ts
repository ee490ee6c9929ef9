import { ctcClassesFromDictionary, decodeCtc, recognitionTensor, recognitionWidths } from './text-recognition';
import type { TextCrop } from './text-recognition';

describe('ctcClassesFromDictionary', () => {
  it('puts the blank first and a space last', () => {
    expect(ctcClassesFromDictionary('a\nb\r\n:\n')).toEqual(['', 'a', 'b', ':', ' ']);
    expect(ctcClassesFromDictionary('a\nb')).toEqual(['', 'a', 'b', ' ']);
  });
});

describe('decodeCtc (greedy CTC)', () => {
  const classes = ['', 'a', 'b', ' '];
  /** One-hot-ish probabilities: the given class gets `p`, the rest share what is left. */
  function steps(sequence: Array<[number, number]>): Float32Array {
    const data = new Float32Array(sequence.length * classes.length);
    sequence.forEach(([best, p], step) => {
      for (let index = 0; index < classes.length; index += 1) data[step * classes.length + index] = index === best ? p : (1 - p) / 3;
    });
    return data;
  }

  it('collapses repeats, removes blanks and averages the kept probabilities', () => {
    const data = steps([[1, 0.9], [1, 0.8], [0, 0.99], [1, 0.7], [3, 0.6], [2, 1], [2, 1]]);
    const decoded = decodeCtc(data, [1, 7, 4], 0, classes);
    expect(decoded.text).toBe('aa b');
    expect(decoded.confidence).toBeCloseTo((0.9 + 0.7 + 0.6 + 1) / 4, 5);
  });

  it('decodes the item asked for in a batch and gives 0 confidence for nothing', () => {
    const data = new Float32Array([...steps([[0, 1], [0, 1]]), ...steps([[2, 0.5], [0, 1]])]);
    expect(decodeCtc(data, [2, 2, 4], 0, classes)).toEqual({ text: '', confidence: 0 });
    expect(decodeCtc(data, [2, 2, 4], 1, classes)).toEqual({ text: 'b', confidence: 0.5 });
  });

  it('fails with MODEL_FAILED when dictionary and model disagree', () => {
    expect(() => decodeCtc(new Float32Array(5), [1, 1, 5], 0, classes)).toThrow(expect.objectContaining({ code: 'MODEL_FAILED' }));
  });
});

describe('recognitionTensor', () => {
  const frame = { time: 0, width: 100, height: 20, data: new Uint8Array(100 * 20 * 3).fill(255) };
  const crop = (width: number, height: number, rotation: TextCrop['rotation'] = 0): TextCrop => ({ frame, box: { x: 0, y: 0, width, height }, rotation });

  it('resizes to height 48 keeping the aspect ratio, at least 320 wide, rounded up to a multiple of 8', () => {
    expect(recognitionWidths(crop(40, 20))).toEqual({ resized: 96, input: 320 });
    expect(recognitionWidths(crop(100, 10))).toEqual({ resized: 480, input: 480 });
    expect(recognitionWidths(crop(10, 40, 90))).toEqual({ resized: 192, input: 320 });
  });

  it('normalises to [-1, 1] and pads with 0', () => {
    const { data, dims } = recognitionTensor([crop(40, 20)]);
    expect(dims).toEqual([1, 3, 48, 320]);
    expect(data[0]).toBeCloseTo(1, 5); // white
    expect(data[95]).toBeCloseTo(1, 5);
    expect(data[96]).toBe(0); // padding
  });
});
