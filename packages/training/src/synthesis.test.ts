import { existsSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LongVidError, spanOverlap, temporalIoU } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { testBinaries } from '@longvid/video/testing';
import { readSamples } from './dataset';
import { PERTURBATIONS, type Perturbation } from './image-operations';
import { readKeyFrames, type KeyFrameVideo } from './key-frames';
import { buildMvpSamples, DISTRACTOR_TYPES, type DistractorType } from './mvp';
import { canonicalAnswer, scoreResponse } from './rewards';
import { countPlaceholders, type TrainingSample, trainingSampleSchema } from './samples';
import { buildSsrSamples } from './ssr';
import { synthesizeMvp, synthesizeSsr } from './synthesize';
import { keyFramePath } from './synthesis-common';
import { readSharedVideos, temporaryDirectory } from './test-support/videos';

const directory = temporaryDirectory('synthesis');
const cacheDir = join(directory, 'cache');
let videos: KeyFrameVideo[];

beforeAll(async () => {
  videos = await readSharedVideos(['sam2_02_cups.mp4', 'sam2_03_blocks.mp4', 'mmaction2_basketball_gym.mp4'], cacheDir);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const only = (...types: DistractorType[]): Record<DistractorType, boolean> => Object.fromEntries(DISTRACTOR_TYPES.map((type) => [type, types.includes(type)])) as Record<DistractorType, boolean>;
const timesOf = (sample: TrainingSample, role: string): number[] => {
  const item = sample.media.find((entry) => entry.role === role);
  if (!item) throw new Error(`no ${role}`);
  return (item.type === 'video' ? item.times : [item.time]).map((time) => time ?? Number.NaN);
};
const exactScore = (sample: TrainingSample): number => scoreResponse(sample.target, `<answer>${sample.answer}</answer>`).reward;

function checkWellFormed(sample: TrainingSample): void {
  expect(trainingSampleSchema.safeParse(sample).success).toBe(true);
  const placeholders = countPlaceholders(sample.prompt);
  expect(placeholders.video + placeholders.image).toBe(sample.media.length);
  expect(sample.answer).toBe(canonicalAnswer(sample.target));
  expect(exactScore(sample)).toBe(1);
}

describe('key frames (1 fps, de-duplicated)', () => {
  it('drops near-duplicate frames of the nearly static baby clip and keeps them all at similarity 1', async () => {
    const path = sharedVideo('videollava_baby_countdown_demo3.mp4');
    const deduplicated = await readKeyFrames(path, testBinaries(), { maxSide: 160, cacheDir });
    const all = await readKeyFrames(path, testBinaries(), { maxSide: 160, cacheDir, duplicateSimilarity: 1 });
    expect(all.frames.length).toBe(6); // 6.1 s at 1 fps
    expect(deduplicated.skippedDuplicates).toBeGreaterThan(0);
    expect(deduplicated.frames.length + deduplicated.skippedDuplicates).toBe(6);
    expect(all.frames.map((frame) => frame.time)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    expect(deduplicated.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('keeps the moving cups clip nearly whole', () => {
    const cups = videos[0];
    expect(cups.frames.length).toBeGreaterThanOrEqual(9);
    expect(cups.frames.every((frame, k) => k === 0 || frame.time > cups.frames[k - 1].time)).toBe(true);
  });
});

describe('MVP segment choice on real videos', () => {
  it('builds K candidates with the truth in the gap, distractor counts in metadata, deterministically', () => {
    const first = buildMvpSamples(videos, { formats: ['segment_choice'], samplesPerVideo: 3, seed: 7 });
    const second = buildMvpSamples(videos, { formats: ['segment_choice'], samplesPerVideo: 3, seed: 7 });
    expect(JSON.stringify(first.drafts.map((draft) => draft.sample))).toBe(JSON.stringify(second.drafts.map((draft) => draft.sample)));
    expect(first.drafts.length).toBe(9);
    for (const { sample } of first.drafts) {
      checkWellFormed(sample);
      if (sample.target.task !== 'mvp_segment_choice') throw new Error('wrong task');
      expect(sample.target.credits.length).toBe(4);
      expect(sample.target.credits[sample.target.correct]).toBe(1);
      const distractors = sample.metadata.distractors as Record<string, number>;
      expect(Object.values(distractors).reduce((sum, n) => sum + n, 0)).toBe(3);
      const before = timesOf(sample, 'context_before');
      const after = timesOf(sample, 'context_after');
      const truth = timesOf(sample, `candidate_${String.fromCharCode(65 + sample.target.correct)}`);
      expect(before.length).toBe(2);
      expect(after.length).toBe(2);
      expect(truth.length).toBe(3);
      expect(Math.max(...before)).toBeLessThan(Math.min(...truth));
      expect(Math.max(...truth)).toBeLessThan(Math.min(...after));
      expect(truth).toEqual([...truth].sort((a, b) => a - b));
      const types = sample.metadata.candidateTypes as string[];
      const sources = sample.metadata.candidateSources as Array<{ videoId: string; span: { start: number; end: number } }>;
      types.forEach((type, k) => {
        const credit = (sample.target as { credits: number[] }).credits[k];
        if (type === 'near') expect(credit).toBeCloseTo(Math.min(0.999, temporalIoU(sources[k].span, sample.metadata.maskSpan as { start: number; end: number })), 3);
        else if (type !== 'truth') expect(credit).toBe(0);
      });
      // Another letter scores its credit, below 1.
      const wrong = (sample.target.correct + 1) % 4;
      expect(scoreResponse(sample.target, `<answer>${String.fromCharCode(65 + wrong)}</answer>`).reward).toBe(sample.target.credits[wrong]);
      expect(sample.target.credits[wrong]).toBeLessThan(1);
    }
  });

  it('turns each distractor type on and off and counts it', () => {
    const reversedShuffled = buildMvpSamples(videos, { formats: ['segment_choice'], samplesPerVideo: 2, candidates: 3, distractorTypes: only('reversed', 'shuffled') });
    for (const { sample } of reversedShuffled.drafts) {
      expect(sample.metadata.distractors).toEqual({ near: 0, far: 0, reversed: 1, shuffled: 1, other_video: 0, nearest: 0 });
      const target = sample.target as { correct: number };
      const truth = timesOf(sample, `candidate_${String.fromCharCode(65 + target.correct)}`);
      const types = sample.metadata.candidateTypes as string[];
      const reversed = timesOf(sample, `candidate_${String.fromCharCode(65 + types.indexOf('reversed'))}`);
      const shuffled = timesOf(sample, `candidate_${String.fromCharCode(65 + types.indexOf('shuffled'))}`);
      expect(reversed).toEqual([...truth].reverse());
      expect([...shuffled].sort((a, b) => a - b)).toEqual(truth);
      expect(shuffled).not.toEqual(truth);
      expect(shuffled).not.toEqual(reversed);
    }
    const other = buildMvpSamples(videos, { formats: ['segment_choice'], samplesPerVideo: 2, distractorTypes: only('other_video') });
    for (const { sample } of other.drafts) {
      const sources = sample.metadata.candidateSources as Array<{ videoId: string }>;
      const types = sample.metadata.candidateTypes as string[];
      types.forEach((type, k) => expect(sources[k].videoId === sample.source.videoId).toBe(type === 'truth'));
    }
    const far = buildMvpSamples(videos, { formats: ['segment_choice'], samplesPerVideo: 2, candidates: 2, contextFrames: 1, maskFrames: 2, distractorTypes: only('far') });
    expect(far.drafts.length).toBeGreaterThan(0);
    for (const { sample } of far.drafts) {
      const sources = sample.metadata.candidateSources as Array<{ videoId: string; span: { start: number; end: number } }>;
      const index = (sample.metadata.candidateTypes as string[]).indexOf('far');
      expect(spanOverlap(sources[index].span, sample.metadata.windowSpan as { start: number; end: number })).toBe(0);
    }
    const all = buildMvpSamples(videos, { formats: ['segment_choice'], samplesPerVideo: 2, candidates: 7, contextFrames: 1, maskFrames: 3 });
    expect(all.drafts.length).toBeGreaterThan(0);
    for (const { sample } of all.drafts) expect(sample.metadata.distractors).toEqual({ near: 1, far: 1, reversed: 1, shuffled: 1, other_video: 1, nearest: 1 });
  });

  it('follows the difficulty knobs and refuses impossible ones', () => {
    const small = buildMvpSamples(videos, { formats: ['segment_choice'], samplesPerVideo: 1, contextFrames: 1, maskFrames: 2, candidates: 3 });
    for (const { sample } of small.drafts) {
      expect(sample.media.length).toBe(2 + 3);
      expect(timesOf(sample, 'context_before').length).toBe(1);
      expect(timesOf(sample, 'candidate_A').length).toBe(2);
    }
    const tooLong = buildMvpSamples(videos, { formats: ['segment_choice'], contextFrames: 5, maskFrames: 4 });
    expect(tooLong.drafts.length).toBe(0);
    expect(tooLong.perVideo.every((entry) => entry.windows === 0)).toBe(true);
    expect(() => buildMvpSamples(videos, { candidates: 1 })).toThrow(LongVidError);
    expect(() => buildMvpSamples(videos, { distractorTypes: only() })).toThrow(/distractorTypes/);
  });
});

describe('MVP frame pool on real videos', () => {
  it('shuffles the masked frames with distractor frames; the answer lists their pool numbers in playing order', () => {
    const { drafts } = buildMvpSamples(videos, { formats: ['frame_pool'], samplesPerVideo: 3, poolDistractors: 4, seed: 3 });
    expect(drafts.length).toBe(9);
    for (const { sample, frames } of drafts) {
      checkWellFormed(sample);
      if (sample.target.task !== 'mvp_frame_pool') throw new Error('wrong task');
      expect(sample.target.poolSize).toBe(7);
      const pool = sample.media.filter((item) => item.role.startsWith('pool_'));
      expect(pool.length).toBe(7);
      const truthTimes = sample.target.order.map((label) => (pool[label - 1] as { time: number | null }).time);
      const mask = sample.metadata.maskSpan as { start: number; end: number };
      expect(truthTimes.every((time) => time !== null && time > mask.start && time < mask.end)).toBe(true);
      expect(truthTimes).toEqual([...truthTimes].sort((a, b) => (a as number) - (b as number)));
      const distractors = sample.metadata.distractors as Record<string, number>;
      expect(distractors.reversed + distractors.shuffled).toBe(0);
      expect(Object.values(distractors).reduce((sum, n) => sum + n, 0)).toBe(4);
      for (const item of sample.media) for (const path of item.type === 'video' ? item.frames : [item.frame]) expect(frames.has(path)).toBe(true);
      // Swapping two frames scores between 0 and 1.
      const swapped = [...sample.target.order];
      [swapped[0], swapped[1]] = [swapped[1], swapped[0]];
      const partial = scoreResponse(sample.target, `<answer>${swapped.join(', ')}</answer>`).reward;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(1);
    }
  });
});

describe('VideoSSR tasks on real videos', () => {
  it('temporal jigsaw: the answer puts the clips back in playing order', () => {
    const { drafts } = buildSsrSamples(videos, { tasks: ['jigsaw'], samplesPerVideo: 3 });
    expect(drafts.length).toBe(9);
    for (const { sample } of drafts) {
      checkWellFormed(sample);
      if (sample.target.task !== 'ssr_jigsaw') throw new Error('wrong task');
      const starts = sample.target.order.map((label) => timesOf(sample, `clip_${label}`)[0]);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
      expect(sample.target.order).not.toEqual([1, 2, 3]);
      expect(scoreResponse(sample.target, `<answer>${[...sample.target.order].reverse().join(', ')}</answer>`).reward).toBe(0);
    }
  });

  it.each(PERTURBATIONS)('anomaly grounding with %s: only the answer span is changed', (perturbation: Perturbation) => {
    const { drafts } = buildSsrSamples(videos, { tasks: ['anomaly'], samplesPerVideo: 2, perturbations: [perturbation] });
    expect(drafts.length).toBe(6);
    for (const { sample, frames } of drafts) {
      checkWellFormed(sample);
      if (sample.target.task !== 'ssr_anomaly') throw new Error('wrong task');
      expect(sample.metadata.perturbation).toBe(perturbation);
      const video = videos.find((entry) => entry.id === sample.source.videoId) as KeyFrameVideo;
      const clip = sample.media[0];
      if (clip.type !== 'video') throw new Error('not a video');
      const step = 1 / video.fps;
      const first = Math.round(sample.target.span.start / step);
      const last = Math.round(sample.target.span.end / step) - 1;
      expect(last - first + 1).toBe(sample.metadata.perturbedFrames);
      clip.frames.forEach((path, k) => {
        const inside = k >= first && k <= last;
        expect(path.startsWith('frames/ssr/')).toBe(inside);
        if (!inside) {
          expect(video.frames.some((frame) => keyFramePath(video, frame) === path)).toBe(true);
          return;
        }
        expect((frames.get(path) as { data: Uint8Array }).data.length).toBe(video.frames[0].frame.data.length);
      });
      // The perturbed frames differ from the key frames they replace (shuffle: as a sequence).
      const sourceStart = (sample.metadata.sourceSpan as { start: number }).start;
      const originals = video.frames.filter((frame) => frame.time > sourceStart).slice(first, last + 1);
      const changed = clip.frames.slice(first, last + 1).map((path, k) => {
        const a = (frames.get(path) as { data: Uint8Array }).data;
        const b = originals[k].frame.data;
        let sum = 0;
        for (let i = 0; i < a.length; i += 97) sum += Math.abs(a[i] - b[i]);
        return sum / Math.ceil(a.length / 97);
      });
      expect(Math.max(...changed)).toBeGreaterThan(2);
      if (perturbation === 'grayscale') {
        const data = (frames.get(clip.frames[first]) as { data: Uint8Array }).data;
        for (let i = 0; i < data.length; i += 301 * 3) expect(data[i]).toBe(data[i + 1]);
      }
      expect(scoreResponse(sample.target, `<answer>${sample.target.span.start}-${sample.target.span.end + 10}</answer>`).reward).toBeLessThan(1);
    }
  });

  it('object counting: each drawn shape shows its colour at its centre while visible; counts are the shapes per class', () => {
    const { drafts } = buildSsrSamples(videos, { tasks: ['counting'], samplesPerVideo: 3, countingClasses: 3 });
    expect(drafts.length).toBe(9);
    for (const { sample, frames } of drafts) {
      checkWellFormed(sample);
      if (sample.target.task !== 'ssr_counting') throw new Error('wrong task');
      const shapes = sample.metadata.shapes as Array<{ kind: string; x: number; y: number; fromFrame: number; toFrame: number }>;
      for (const kind of Object.keys(sample.target.counts)) expect(shapes.filter((shape) => shape.kind === kind).length).toBe(sample.target.counts[kind]);
      const clip = sample.media[0];
      if (clip.type !== 'video') throw new Error('not a video');
      for (const shape of shapes) {
        const frame = frames.get(clip.frames[shape.fromFrame]) as { width: number; data: Uint8Array };
        const offset = (shape.y * frame.width + shape.x) * 3;
        const colour = [frame.data[offset], frame.data[offset + 1], frame.data[offset + 2]];
        expect(Math.max(...colour) - Math.min(...colour)).toBeGreaterThan(100); // a saturated shape colour
      }
      const wrong = Object.fromEntries(Object.entries(sample.target.counts).map(([kind, n]) => [kind, n + 1]));
      const reward = scoreResponse(sample.target, `<answer>${JSON.stringify(wrong)}</answer>`).reward;
      expect(reward).toBeGreaterThan(0);
      expect(reward).toBeLessThan(1);
    }
  });
});

describe('resumable synthesis to JSONL + frames', () => {
  const paths = ['sam2_02_cups.mp4', 'mmaction2_basketball_gym.mp4'].map(sharedVideo);

  it('writes samples and their frames, resumes after a torn line, and refuses other options', async () => {
    const out = join(directory, 'mvp-dataset');
    const options = { outputDir: out, binaries: testBinaries(), read: { maxSide: 160, cacheDir }, mvp: { samplesPerVideo: 2, seed: 1 } };
    const first = await synthesizeMvp(paths, options);
    expect(first.written).toBe(8); // 2 videos × 2 samples × 2 formats
    const samplesFile = join(out, 'samples.jsonl');
    const whole = readFileSync(samplesFile, 'utf8');
    const { samples } = await readSamples(out);
    for (const sample of samples) for (const item of sample.media) for (const frame of item.type === 'video' ? item.frames : [item.frame]) expect(existsSync(join(out, frame))).toBe(true);
    expect(existsSync(join(out, 'features', `${samples[0].source.videoId}.json`))).toBe(true);
    // A killed run: the last line is half written.
    truncateSync(samplesFile, whole.length - Math.floor(whole.split('\n')[7].length / 2) - 1);
    const resumed = await synthesizeMvp(paths, options);
    expect(resumed.written).toBe(1);
    expect(resumed.alreadyPresent).toBe(7);
    expect(readFileSync(samplesFile, 'utf8')).toBe(whole);
    const again = await synthesizeMvp(paths, options);
    expect(again.written).toBe(0);
    await expect(synthesizeMvp(paths, { ...options, mvp: { samplesPerVideo: 3, seed: 1 } })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });

  it('writes SSR datasets the same way, and reports a broken samples file by line', async () => {
    const out = join(directory, 'ssr-dataset');
    const report = await synthesizeSsr(paths, { outputDir: out, binaries: testBinaries(), read: { maxSide: 160, cacheDir }, ssr: { samplesPerVideo: 1 } });
    expect(report.written).toBe(6);
    const { samples } = await readSamples(join(out, 'samples.jsonl'));
    expect(samples.map((sample) => sample.task).sort()).toEqual(['ssr_anomaly', 'ssr_anomaly', 'ssr_counting', 'ssr_counting', 'ssr_jigsaw', 'ssr_jigsaw']);
    for (const sample of samples) for (const item of sample.media) for (const frame of item.type === 'video' ? item.frames : [item.frame]) expect(existsSync(join(out, frame))).toBe(true);
    writeFileSync(join(out, 'samples.jsonl'), `${readFileSync(join(out, 'samples.jsonl'), 'utf8')}{"schemaVersion":1}\n`);
    await expect(readSamples(out)).rejects.toThrow(/samples.jsonl:7 is not a valid sample/);
  });
});
