import type { Clip } from '@longvid/core';
import { makeClips } from './index';
import type { Shot } from './index';

function shotsFrom(boundaries: number[], scores: number[] = []): Shot[] {
  return boundaries.slice(0, -1).map((start, index) => ({
    index,
    span: { start, end: boundaries[index + 1] },
    score: index === 0 ? 0 : (scores[index] ?? 0.5),
  }));
}

function expectContiguous(clips: Clip[], start: number, end: number): void {
  expect(clips[0].span.start).toBe(start);
  expect(clips[clips.length - 1].span.end).toBe(end);
  clips.forEach((clip, index) => {
    expect(clip.index).toBe(index);
    if (index > 0) expect(clip.span.start).toBe(clips[index - 1].span.end);
  });
}

describe('makeClips', () => {
  it('keeps shots that fit and splits long shots evenly', () => {
    const clips = makeClips(shotsFrom([0, 9.56, 49.43, 59.1]));
    expect(clips.map((clip) => clip.shotIndex)).toEqual([0, 1, 1, 1, 1, 2]);
    const pieces = clips.filter((clip) => clip.shotIndex === 1);
    for (const piece of pieces) expect(piece.span.end - piece.span.start).toBeCloseTo((49.43 - 9.56) / 4, 9);
    expectContiguous(clips, 0, 59.1);
  });

  it('merges a short shot across its weaker cut', () => {
    // shot 1 (5.0–5.4) is short; its own cut scores 0.9, the next cut 0.4 → it joins shot 2.
    const clips = makeClips(shotsFrom([0, 5, 5.4, 9], [0, 0.9, 0.4]));
    expect(clips.map((clip) => [clip.span.start, clip.span.end, clip.shotIndex])).toEqual([
      [0, 5, 0],
      [5, 9, 2],
    ]);
    // With the weaker cut before it, it joins shot 0 instead.
    const other = makeClips(shotsFrom([0, 5, 5.4, 9], [0, 0.35, 0.8]));
    expect(other.map((clip) => [clip.span.start, clip.span.end, clip.shotIndex])).toEqual([
      [0, 5.4, 0],
      [5.4, 9, 2],
    ]);
  });

  it('merges short first and last shots into their only neighbour', () => {
    const clips = makeClips(shotsFrom([0, 0.3, 6, 6.5]));
    expect(clips.map((clip) => [clip.span.start, clip.span.end])).toEqual([[0, 6.5]]);
  });

  it('honours custom limits and leaves a lone short shot alone', () => {
    const clips = makeClips(shotsFrom([0, 7]), { maxClipSeconds: 2, minClipSeconds: 0.5 });
    expect(clips).toHaveLength(4);
    expectContiguous(clips, 0, 7);
    expect(makeClips(shotsFrom([0, 0.4]))).toEqual([{ index: 0, span: { start: 0, end: 0.4 }, shotIndex: 0 }]);
    expect(makeClips([])).toEqual([]);
  });

  it('rejects impossible limits', () => {
    expect(() => makeClips([], { maxClipSeconds: 0 })).toThrow(/maxClipSeconds/);
    expect(() => makeClips([], { maxClipSeconds: 2, minClipSeconds: 3 })).toThrow(/minClipSeconds/);
  });
});
