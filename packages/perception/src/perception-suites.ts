/// <reference types="jest" />
/**
 * The shared test suites of the perception interfaces — {@link OcrModel}, {@link TextEmbedder}
 * and {@link SpeechRecognizer} — that every implementation and the mocks of
 * `@longvid/perception/testing` run (DESIGN: one shared suite per interface). Uses Jest's
 * globals, so call them from a Jest test file only.
 */
import { LongVidError } from '@longvid/core';
import type { Frame } from './frame';
import type { OcrModel } from './ocr-model';
import type { SpeechRecognizer } from './speech-recognition';
import type { TextEmbedder } from './text-embedder';

async function endsWithAbortOrNot(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    expect(LongVidError.is(error) && error.code).toBe('ABORTED');
  }
}

function aborted(): AbortSignal {
  const controller = new AbortController();
  controller.abort();
  return controller.signal;
}

/**
 * Registers the {@link OcrModel} contract: a versioned id; one list of lines per frame, in input
 * order (none for no frame); lines with text and a confidence in [0, 1]; `expected` read in its
 * frame; `BAD_INPUT` for a frame whose bytes are not `width × height × 3`; `ABORTED` on an aborted signal.
 * @param frames real frames, e.g. of dev_long.mp4; @param expected text (case-insensitive) read in `frames[expected.frame]`.
 */
export function describeOcrModel(name: string, create: () => OcrModel | Promise<OcrModel>, frames: () => Promise<Frame[]>, expected: { frame: number; text: string }): void {
  describe(`OcrModel contract: ${name}`, () => {
    let model: OcrModel;
    let input: Frame[];
    beforeAll(async () => {
      [model, input] = await Promise.all([create(), frames()]);
    }, 120_000);
    afterAll(async () => {
      await model?.dispose();
    });

    it('is versioned and named', () => {
      expect(model.specificationVersion).toBe('v1');
      expect(model.modelId).toMatch(/\S/);
    });

    it('reads one list of lines per frame, in order, with text and confidences in [0, 1]', async () => {
      expect(await model.doRecognize([])).toEqual([]);
      const lines = await model.doRecognize(input);
      expect(lines).toHaveLength(input.length);
      for (const frameLines of lines) {
        for (const line of frameLines) {
          expect(line.text).toMatch(/\S/);
          expect(line.confidence).toBeGreaterThanOrEqual(0);
          expect(line.confidence).toBeLessThanOrEqual(1);
        }
      }
      expect(lines[expected.frame].map((line) => line.text).join(' ').toUpperCase()).toContain(expected.text.toUpperCase());
    });

    it('rejects a frame whose bytes do not match its size with BAD_INPUT, and an aborted call with ABORTED', async () => {
      const bad: Frame = { ...input[0], data: input[0].data.subarray(0, 10) };
      await expect(model.doRecognize([bad])).rejects.toMatchObject({ code: 'BAD_INPUT' });
      await expect(model.doRecognize(input.slice(0, 1), { signal: aborted() })).rejects.toMatchObject({ code: 'ABORTED' });
    });
  });
}

/**
 * Registers the {@link TextEmbedder} contract: a versioned id and `dimensions`; one vector of that
 * length per text, in input order, of unit length (or all zeros); the same text always the same
 * vector; none for no text; an aborted signal ends the call with `ABORTED` or not at all.
 */
export function describeTextEmbedder(name: string, create: () => TextEmbedder | Promise<TextEmbedder>): void {
  describe(`TextEmbedder contract: ${name}`, () => {
    let embedder: TextEmbedder;
    beforeAll(async () => {
      embedder = await create();
    }, 120_000);

    it('is versioned, named and sized', () => {
      expect(embedder.specificationVersion).toBe('v1');
      expect(embedder.embedderId).toMatch(/\S/);
      expect(Number.isInteger(embedder.dimensions) && embedder.dimensions > 0).toBe(true);
    });

    it('embeds each text, in order, as a unit vector; the same text the same way', async () => {
      const texts = ['LOCKER 318', 'The package is in the blue van.', 'TRAIN LEAVES AT 7:45', 'LOCKER 318'];
      const vectors = await embedder.doEmbed(texts);
      expect(vectors).toHaveLength(texts.length);
      for (const vector of vectors) {
        expect(vector).toHaveLength(embedder.dimensions);
        const norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
        expect(norm === 0 || Math.abs(norm - 1) < 1e-3).toBe(true);
      }
      expect([...vectors[3]]).toEqual([...vectors[0]]);
      expect([...vectors[1]]).not.toEqual([...vectors[0]]);
      expect(await embedder.doEmbed([])).toEqual([]);
    });

    it('ends with ABORTED, or not at all, when the signal is aborted', async () => {
      await endsWithAbortOrNot(() => embedder.doEmbed(['LOCKER 318'], { signal: aborted() }));
    });
  });
}

/**
 * Registers the {@link SpeechRecognizer} contract on real audio (`samples` at 16 kHz, placed at
 * `offset` seconds in the video): a versioned id; a transcript whose segments are in time order,
 * inside the audio's span (shifted by `offset`), with text; `BAD_INPUT` for a sample rate that is
 * not a positive integer; `ABORTED` on an aborted signal.
 */
export function describeSpeechRecognizer(name: string, create: () => SpeechRecognizer | Promise<SpeechRecognizer>, audio: () => Promise<{ samples: Float32Array; offset: number }>): void {
  describe(`SpeechRecognizer contract: ${name}`, () => {
    let recognizer: SpeechRecognizer;
    let input: { samples: Float32Array; offset: number };
    beforeAll(async () => {
      [recognizer, input] = await Promise.all([create(), audio()]);
    }, 120_000);

    it('is versioned and named', () => {
      expect(recognizer.specificationVersion).toBe('v1');
      expect(recognizer.modelId).toMatch(/\S/);
    });

    it('transcribes into segments in time order, inside the audio span shifted by the offset', async () => {
      const transcript = await recognizer.doTranscribe(input.samples, { offset: input.offset, sampleRate: 16000 });
      expect(typeof transcript.text).toBe('string');
      const end = input.offset + input.samples.length / 16000;
      let last = -Infinity;
      for (const segment of transcript.segments) {
        expect(segment.start).toBeGreaterThanOrEqual(input.offset - 1e-6);
        expect(segment.end).toBeLessThanOrEqual(end + 0.5);
        expect(segment.end).toBeGreaterThanOrEqual(segment.start);
        expect(segment.start).toBeGreaterThanOrEqual(last);
        expect(segment.text).toMatch(/\S/);
        last = segment.start;
      }
    }, 120_000);

    it('rejects a bad sample rate with BAD_INPUT, and an aborted call with ABORTED', async () => {
      await expect(recognizer.doTranscribe(input.samples, { sampleRate: 0 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
      await expect(recognizer.doTranscribe(input.samples, { offset: input.offset, signal: aborted() })).rejects.toMatchObject({ code: 'ABORTED' });
    });
  });
}
