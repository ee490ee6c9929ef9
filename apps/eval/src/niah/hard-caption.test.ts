import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { askVideo } from '@longvid/agents';
import { createLocalTools } from '@longvid/ingest';
import { loadSettings } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { extractFrames } from '@longvid/video';
import type { CaptionStyle } from './caption-styles';
import { encodeSegment } from './ffmpeg-steps';

/**
 * A caption drawn with the hard suite's options (DejaVu Sans Condensed 26 px, light grey on a
 * semi-transparent grey box) that the local PP-OCRv4 model misreads: `GATE CODE 5021` comes out
 * with a zero for the O and without its spaces. The agent must still answer the exact value.
 */
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf';
const style: CaptionStyle = { font: 'DejaVuSansCondensed.ttf', fontSize: 26, fontColour: '#d0d0d0', boxColour: '#606060@0.7', layout: 'centre-box' };
const work = mkdtempSync(join(tmpdir(), 'longvid-hard-caption-'));
const video = join(work, 'gym-gate-code.mp4');
const settings = loadSettings({ env: {}, overrides: { cacheDir: join(work, 'cache'), ingestWorkers: 0 } }).settings;

beforeAll(async () => {
  if (!existsSync(FONT)) throw new Error(`${FONT} is missing: apt-get install -y fonts-dejavu-extra (see .ci/run)`);
  const tools = await createLocalTools(settings);
  await encodeSegment(tools.binaries, sharedVideo('mmaction2_basketball_gym.mp4'), video, [{ text: 'GATE CODE 5021', start: 2, end: 7, fontFile: FONT, style }]);
}, 60_000);

describe('a hard caption the OCR model misreads', () => {
  it('is read with a confused character and a dropped space, frame after frame', async () => {
    const tools = await createLocalTools(settings);
    const frames = await extractFrames(video, tools.binaries, { span: { start: 3, end: 6 }, fps: 1, maxSide: 640 });
    const read = (await tools.ocr.doRecognize(frames)).map((lines) => lines.map((line) => line.text).join(' | '));
    // The premise of the test: the raw reading is wrong (an O read as 0, words run together).
    expect(read.some((text) => /GATEC0DE/.test(text))).toBe(true);
    expect(read.every((text) => !text.includes('GATE CODE'))).toBe(true);
  }, 60_000);

  it('is answered with the exact value offline', async () => {
    const result = await askVideo(video, 'What is the gate code?', { resolvedSettings: settings, offline: true });
    expect(result.answer.answer).toBe('5021');
    expect(result.answer.sufficient).toBe(true);
    expect(result.answer.evidence.some((e) => e.tool === 'ocr' && e.round > 0 && e.span.start < 7 && e.span.end > 2)).toBe(true);
  }, 120_000);
});
