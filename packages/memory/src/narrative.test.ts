import type { Observation, Span } from '@longvid/core';
import { assembleSummary, buildNarrative, describeObservations, parseNarrativeQuestion } from './narrative';
import type { NarrativeGroup } from './narrative';
import type { MemoryEvent } from './types';

function object(span: Span, label: string, colour?: string): Observation {
  return { kind: 'object', span, text: colour ? `${colour} ${label}` : label, confidence: 0.8, tool: 'detector', ...(colour ? { attributes: { colour } } : {}) };
}

/** Events shaped like the clips of dev_long.mp4 (see shared/data/videos/MANIFEST.md). */
function devLongEvents(): MemoryEvent[] {
  const spans: Span[] = [
    { start: 0, end: 9.56 },
    { start: 9.56, end: 19.56 },
    { start: 19.56, end: 29.56 },
    { start: 29.56, end: 39.56 },
    { start: 39.56, end: 49.43 },
    { start: 49.43, end: 59.1 },
    { start: 59.1, end: 67.1 },
    { start: 67.1, end: 77.14 },
  ];
  const observations: Observation[][] = [
    [object(spans[0], 'cup', 'blue'), object(spans[0], 'person')],
    [object(spans[1], 'bottle', 'blue')],
    [object(spans[2], 'bottle', 'blue'), { kind: 'text', span: { start: 21, end: 24 }, text: 'LOCKER 318', confidence: 0.95, tool: 'ocr' }],
    [object(spans[3], 'bottle', 'blue')],
    [object(spans[4], 'bottle', 'blue')],
    [object({ start: 49.43, end: 59.1 }, 'person'), object({ start: 50, end: 58 }, 'dog', 'brown')],
    [object(spans[6], 'person'), { kind: 'speech', span: { start: 59.6, end: 66.3 }, text: 'everyone here today', confidence: 0.6, tool: 'speech' }],
    [object(spans[7], 'person'), { kind: 'subtitle', span: { start: 71, end: 74 }, text: 'The package is in the blue van.', confidence: 1, tool: 'subtitles' }],
  ];
  return spans.map((span, id) => ({ id, clipIndex: id, span, observations: observations[id], text: observations[id].map((item) => item.text).join(' | ') }));
}

describe('buildNarrative', () => {
  it('groups consecutive events into scenes where the objects change, and assembles summaries offline', async () => {
    const entries = await buildNarrative(devLongEvents());
    expect(entries.map((entry) => entry.eventIds)).toEqual([[0], [1, 2, 3, 4], [5, 6, 7]]);
    expect(entries.map((entry) => entry.id)).toEqual([0, 1, 2]);
    expect(entries[1].span).toEqual({ start: 9.56, end: 49.43 });
    expect(entries.every((entry) => entry.source === 'observations')).toBe(true);
    expect(entries[0].summary).toBe('00:00–00:09: seen: blue cup, person');
    expect(entries[1].summary).toBe('00:09–00:49: seen: blue bottle; on screen: "LOCKER 318"');
    expect(entries[2].summary).toContain('said: "everyone here today" "The package is in the blue van."');
    expect(entries[2].summary).toContain('seen: person, brown dog');
  });

  it('closes groups at maxEvents and maxSeconds', async () => {
    expect((await buildNarrative(devLongEvents(), { maxEvents: 2, sceneChangeSimilarity: 0 })).map((entry) => entry.eventIds)).toEqual([[0, 1], [2, 3], [4, 5], [6, 7]]);
    expect((await buildNarrative(devLongEvents(), { maxSeconds: 25, sceneChangeSimilarity: 0 })).map((entry) => entry.eventIds)).toEqual([[0, 1], [2, 3], [4, 5], [6, 7]]);
    expect(await buildNarrative([])).toEqual([]);
  });

  it('lets a summarizer write each summary from the draft and the previous summary, keeping the draft when it returns nothing', async () => {
    const groups: NarrativeGroup[] = [];
    const entries = await buildNarrative(devLongEvents(), {
      summarize: async (group) => {
        groups.push(group);
        return group.index === 1 ? '' : `Scene ${group.index + 1} (${group.events.length} clips)`;
      },
    });
    expect(entries.map((entry) => [entry.summary, entry.source])).toEqual([
      ['Scene 1 (1 clips)', 'summarizer'],
      [groups[1].draft, 'observations'],
      ['Scene 3 (3 clips)', 'summarizer'],
    ]);
    expect(groups.map((group) => group.previous)).toEqual([undefined, 'Scene 1 (1 clips)', groups[1].draft]);
    expect(groups[0].draft).toBe(assembleSummary([devLongEvents()[0]]));
  });

  it('reports progress, aborts with ABORTED, and rejects bad options with BAD_INPUT', async () => {
    const progress: number[] = [];
    await buildNarrative(devLongEvents(), { onProgress: (event) => progress.push(event.done) });
    expect(progress).toEqual([1, 2, 3]);
    const controller = new AbortController();
    controller.abort();
    await expect(buildNarrative(devLongEvents(), { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(buildNarrative([], { maxEvents: 0 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(buildNarrative([], { sceneChangeSimilarity: 2 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('says when a group has nothing recorded', () => {
    expect(assembleSummary([{ id: 0, clipIndex: 0, span: { start: 61, end: 70 }, observations: [], text: '' }])).toBe('01:01–01:10: nothing recorded');
  });
});

describe('describeObservations', () => {
  it('says what was seen, read and said, leaving out speech without words', () => {
    const observations: Observation[] = [
      { kind: 'speech', span: { start: 59.6, end: 66.3 }, text: 'someone speaks', confidence: 0.9, tool: 'vad' },
      { kind: 'speech', span: { start: 71.1, end: 73.9 }, text: 'The package is in the blue van.', confidence: 0.8, tool: 'openai-transcription:whisper-1' },
      { kind: 'caption', span: { start: 67.1, end: 77.14 }, text: 'two children with basketballs in a school gym', confidence: 0.8, tool: 'caption:vlm' },
      object({ start: 67.1, end: 77.14 }, 'person'),
    ];
    expect(describeObservations(observations)).toBe('two children with basketballs in a school gym; seen: person; said: "The package is in the blue van."');
    expect(describeObservations([observations[0]])).toBe('nothing recorded');
  });
});

describe('parseNarrativeQuestion', () => {
  it('tells broad questions (what happens, summary, order of events) from questions about a detail', () => {
    expect(['What happens in the video?', 'Summarize the video.', 'What is this video about?', 'Give an overview of the clip'].map(parseNarrativeQuestion)).toEqual(['summary', 'summary', 'summary', 'summary']);
    expect(['In what order do the scenes appear?', 'What is the sequence of events?', 'What happens first?'].map(parseNarrativeQuestion)).toEqual(['order', 'order', 'order']);
    expect(['What is the locker number?', 'What is said about the package?', 'How many bottles are on the table?', 'What happens after the dog appears?'].map(parseNarrativeQuestion)).toEqual([undefined, undefined, undefined, undefined]);
  });
});
