import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedVideo } from '@longvid/core/testing';
import { MockSpeechRecognizer } from '@longvid/perception/testing';
import { testBinaries } from '@longvid/video/testing';
import { FileCheckpointStore } from './checkpoint-file';
import { transcribeSpeech, transcriptChunks } from './transcripts';

describe('transcriptChunks', () => {
  it('pads speech by 0.25 s, joins what then overlaps, clamps to the video and cuts pieces of at most 30 s', () => {
    expect(transcriptChunks([{ start: 71.1, end: 72.9 }, { start: 59.3, end: 66.8 }, { start: 67, end: 67.5 }], 119.8)).toEqual([
      { start: 59.05, end: 67.75 },
      { start: 70.85, end: 73.15 },
    ]);
    expect(transcriptChunks([{ start: 0.1, end: 70 }], 70)).toEqual([
      { start: 0, end: 70 / 3 },
      { start: 70 / 3, end: (2 * 70) / 3 },
      { start: (2 * 70) / 3, end: 70 },
    ]);
    expect(transcriptChunks([], 10)).toEqual([]);
  });
});

describe('transcribeSpeech on dev_long.mp4', () => {
  const speech = [{ start: 59.3, end: 66.8 }, { start: 71.1, end: 72.9 }];
  const segments = [{ start: 71.2, end: 72.8, text: 'The package is in the blue van.' }];

  it('sends each chunk once with its offset, and a rerun reads the checkpoints; one made from other inputs is redone', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'longvid-transcripts-'));
    const recognizer = new MockSpeechRecognizer({ segments });
    const options = { binaries: testBinaries(), recognizer, checkpoints: new FileCheckpointStore(directory), checkpointInputs: { video: 'dev_long' } };
    const first = await transcribeSpeech(sharedVideo('dev_long.mp4'), speech, 119.8, options);
    expect(first).toEqual(segments);
    expect(recognizer.calls.map((call) => [call.offset, Math.round(call.samples / 160) / 100])).toEqual([
      [59.05, 8],
      [70.85, 2.3],
    ]);
    expect(readdirSync(directory).sort()).toEqual(['chunk-59050-67050.json', 'chunk-70850-73150.json']);

    expect(await transcribeSpeech(sharedVideo('dev_long.mp4'), speech, 119.8, options)).toEqual(segments);
    expect(recognizer.calls).toHaveLength(2);

    writeFileSync(join(directory, 'chunk-70850-73150.json'), JSON.stringify([{ start: 71, end: 72, text: 'edited' }]));
    expect(await transcribeSpeech(sharedVideo('dev_long.mp4'), speech, 119.8, { ...options, checkpointInputs: { video: 'other' } })).toEqual(segments);
    expect(recognizer.calls).toHaveLength(4);
  });
});
