import { sharedVideo } from '@longvid/core/testing';
import { extractAudio } from './index';
import { testBinaries } from './testing';

const binaries = testBinaries();

function rms(samples: Float32Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

describe('extractAudio', () => {
  it('decodes the spoken sentence of dev_long.mp4 (71–74 s) to 16 kHz mono float', async () => {
    const samples = await extractAudio(sharedVideo('dev_long.mp4'), binaries, { span: { start: 71, end: 74 } });
    expect(samples).toBeInstanceOf(Float32Array);
    expect(Math.abs(samples.length - 48000)).toBeLessThan(400);
    expect(rms(samples)).toBeGreaterThan(0.01);
    // The bottles clip (20–23 s) is silent.
    const silent = await extractAudio(sharedVideo('dev_long.mp4'), binaries, { span: { start: 20, end: 23 } });
    expect(rms(silent)).toBeLessThan(rms(samples) / 20);
    expect(samples.every((sample) => sample >= -1 && sample <= 1)).toBe(true);
  });

  it('honours the sample rate', async () => {
    const samples = await extractAudio(sharedVideo('dev_long.mp4'), binaries, { span: { start: 60, end: 61 }, sampleRate: 8000 });
    expect(Math.abs(samples.length - 8000)).toBeLessThan(100);
  });

  it('returns an empty array for a video without audio', async () => {
    expect(await extractAudio(sharedVideo('sam2_bedroom.mp4'), binaries)).toEqual(new Float32Array(0));
  });

  it('rejects a bad sample rate', async () => {
    await expect(extractAudio(sharedVideo('dev_long.mp4'), binaries, { sampleRate: 0 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});
