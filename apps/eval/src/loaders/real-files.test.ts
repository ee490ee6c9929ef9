import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sharedDataDir } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { detectFormat } from './detect-format';
import { loadBenchmark } from './load-benchmark';
import type { LoadedSuite } from './load-annotations';
import { EMPTY_CANDIDATE } from './mlvu';
import { VIDEO_MME_SAMPLE_ROWS, writeVideoMmeParquet } from '../testing';

/**
 * Loader tests on the benchmark annotation files as released (../shared/data/annotations, see
 * MANIFEST.md there), used as they are. Their videos are not here: a few real clips from
 * ../shared/data/videos are linked under names the files use, so loading, mapping and skipping
 * are checked, not answers.
 */
const annotations = join(sharedDataDir(__dirname) ?? join(__dirname, 'shared-not-found'), 'data', 'annotations');
const annotation = (name: string): string => join(annotations, name);
const work = mkdtempSync(join(tmpdir(), 'longvid-eval-real-'));
const videos = join(work, 'videos');
const links: Record<string, string> = {
  'nextqa/1106/4010069381.mp4': 'mmaction2_basketball_gym.mp4',
  'mlvu/plotQA/movie101_66.mp4': 'sam2_04_coffee.mp4',
  'mlvu/subPlot/subPlot_new_all_126.mp4': 'sam2_bedroom.mp4',
  'mlvu/summary/217.mp4': 'askanything_yoga.mp4',
  'videomme/001.mp4': 'sam2_01_dog.mp4',
  'videomme/fFjv93ACGo8.mp4': 'sam2_01_dog.mp4',
};
for (const [name, source] of Object.entries(links)) {
  mkdirSync(dirname(join(videos, name)), { recursive: true });
  symlinkSync(sharedVideo(source), join(videos, name));
}

/** Rows of a JSON array file, counted with the standard parser (the MLVU files are strict JSON). */
const jsonRows = (name: string): number => (JSON.parse(readFileSync(annotation(name), 'utf8')) as unknown[]).length;

/** Skipped rows by reason. */
function skippedBy(suite: LoadedSuite): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of suite.skipped) counts[row.reason] = (counts[row.reason] ?? 0) + 1;
  return counts;
}

/** Adjusted rows by kind. */
function adjustedBy(suite: LoadedSuite): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of suite.adjusted) counts[row.kind] = (counts[row.kind] ?? 0) + 1;
  return counts;
}

describe('NExT-QA val.csv as released', () => {
  it('loads every row, maps video ids through map_vid_vidorID.json, and finds the linked video', async () => {
    const file = annotation('nextqa_val.csv');
    expect(await detectFormat(file)).toBe('next-qa');
    const suite = await loadBenchmark('next-qa', file, { videosDir: join(videos, 'nextqa'), mapFile: annotation('nextqa_map_vid_vidorID.json') });
    // 4,996 questions (MANIFEST.md); none malformed: every row is a question or a missing video.
    expect(suite.questions.length + suite.skipped.length).toBe(4996);
    expect(skippedBy(suite)).toEqual({ 'missing-video': 4996 - suite.questions.length });
    // Video 4010069381 has several questions; all of them find the one linked file at its mapped path.
    expect(suite.questions.length).toBeGreaterThan(1);
    expect(new Set(suite.questions.map((q) => q.video))).toEqual(new Set(['1106/4010069381.mp4']));
    expect(suite.questions[0]).toMatchObject({ id: '4010069381_6', answerIndex: 0, answer: 'roll the handle', category: 'CH', taskType: 'causal' });
  });
});

describe('MLVU task files as released, without skip-malformed', () => {
  // Expected counts come from a scan of the released files (rows whose question is empty or whose
  // answer is none of the candidates; rows with repeated or empty candidates), described in MANIFEST.md.
  const cases: Array<[string, { unanswerable: number; duplicate: number; empty: number; open: boolean }]> = [
    ['mlvu_1_plotQA.json', { unanswerable: 0, duplicate: 5, empty: 1, open: false }],
    ['mlvu_2_needle.json', { unanswerable: 2, duplicate: 0, empty: 0, open: false }],
    ['mlvu_3_ego.json', { unanswerable: 0, duplicate: 0, empty: 2, open: false }],
    ['mlvu_4_count.json', { unanswerable: 0, duplicate: 0, empty: 0, open: false }],
    ['mlvu_5_order.json', { unanswerable: 0, duplicate: 0, empty: 0, open: false }],
    ['mlvu_6_anomaly_reco.json', { unanswerable: 0, duplicate: 9, empty: 0, open: false }],
    ['mlvu_7_topic_reasoning.json', { unanswerable: 1, duplicate: 1, empty: 0, open: false }],
    ['mlvu_8_sub_scene.json', { unanswerable: 0, duplicate: 0, empty: 0, open: true }],
    ['mlvu_9_summary.json', { unanswerable: 0, duplicate: 0, empty: 0, open: true }],
  ];
  it.each(cases)('%s: every row is a question, a missing video, or an unanswerable row as choice_bench.py scores it', async (name, expected) => {
    const file = annotation(name);
    expect(await detectFormat(file)).toBe('mlvu');
    const suite = await loadBenchmark('mlvu', file, { videosDir: join(videos, 'mlvu') });
    const rows = jsonRows(name);
    expect(suite.questions.length + suite.skipped.length).toBe(rows);
    const skipped = skippedBy(suite);
    expect(skipped.malformed).toBeUndefined();
    expect(skipped.unanswerable ?? 0).toBe(expected.unanswerable);
    expect(adjustedBy(suite)).toEqual({
      ...(expected.duplicate ? { 'duplicate-candidates': expected.duplicate } : {}),
      ...(expected.empty ? { 'empty-candidate': expected.empty } : {}),
    });
    for (const question of suite.questions) expect(question.choices === undefined).toBe(expected.open);
  });

  it('takes the last matching candidate as the answer, as choice_bench.py does, and keeps empty candidates in place', async () => {
    const plot = await loadBenchmark('mlvu', annotation('mlvu_1_plotQA.json'), { videosDir: join(videos, 'mlvu'), onMalformed: 'skip' });
    const released = JSON.parse(readFileSync(annotation('mlvu_1_plotQA.json'), 'utf8')) as Array<{ candidates: string[]; answer: string }>;
    const duplicateAnswerRows = plot.adjusted.filter((a) => a.kind === 'duplicate-candidates' && released[a.row - 1].candidates.filter((c) => c === released[a.row - 1].answer).length > 1);
    expect(duplicateAnswerRows.length).toBe(3);
    for (const adjusted of duplicateAnswerRows) expect(adjusted.message).toContain(`(${String.fromCharCode(65 + released[adjusted.row - 1].candidates.lastIndexOf(released[adjusted.row - 1].answer))})`);
    const ego = await loadBenchmark('mlvu', annotation('mlvu_3_ego.json'), { videosDir: join(work, 'videos') });
    expect(ego.adjusted.map((a) => a.row)).toEqual([120, 314]);
    const needle = await loadBenchmark('mlvu', annotation('mlvu_2_needle.json'), { videosDir: videos });
    expect(needle.skipped.filter((s) => s.reason === 'unanswerable').map((s) => [s.row, s.message])).toEqual([
      [35, expect.stringContaining('"Catching a flying drone quadcopter" is not one of the candidates')],
      [339, expect.stringContaining('choice_bench.py keeps the row in its denominator')],
    ]);
    expect(EMPTY_CANDIDATE).toBe('(empty option)');
  });

  it('loads the open-ended tasks with their reference answers and scoring points, finding linked videos', async () => {
    const subScene = await loadBenchmark('mlvu', annotation('mlvu_8_sub_scene.json'), { videosDir: join(videos, 'mlvu') });
    expect(subScene.questions.map((q) => q.video)).toEqual(['subPlot_new_all_126.mp4']);
    expect(subScene.questions[0]).toMatchObject({ taskType: 'subPlot', durationGroup: '>60m' });
    expect(subScene.questions[0].openEnded).toEqual({ rubric: 'mlvu-sub-scene', scoringPoints: expect.arrayContaining(['The man leads the football players with a swagger']) });
    expect(subScene.questions[0].openEnded?.scoringPoints).toHaveLength(3);
    const summary = await loadBenchmark('mlvu', annotation('mlvu_9_summary.json'), { videosDir: join(videos, 'mlvu') });
    // Row 102 is about movie101_66.mp4, the plotQA video linked above (videos are found by name anywhere below).
    expect(summary.questions.map((q) => q.id)).toEqual(['mlvu_9_summary-1', 'mlvu_9_summary-102']);
    expect(summary.questions[0].answer).toMatch(/^The video starts with waves/);
    expect(summary.questions[0].openEnded).toEqual({ rubric: 'mlvu-summary' });
  });
});

describe('Video-MME as released', () => {
  it('loads the official results template (nested, trailing commas, no videoID) and says what file it looked for', async () => {
    const file = annotation('videomme_output_test_template.json');
    expect(await detectFormat(file)).toBe('video-mme');
    const suite = await loadBenchmark('video-mme', file, { videosDir: join(videos, 'videomme') });
    expect(suite.questions.length + suite.skipped.length).toBe(9);
    expect(suite.questions.map((q) => q.id)).toEqual(['001-1', '001-2', '001-3']);
    expect(suite.questions[0]).toMatchObject({ answerIndex: 2, answer: 'Berries.', category: 'Knowledge', taskType: 'Counting Problem', durationGroup: 'short' });
    expect(skippedBy(suite)).toEqual({ 'missing-video': 6 });
    expect(suite.skipped[0].message).toMatch(/video 002\.mp4 not found under .* \(tried 002\.mp4, 002\); the row has no videoID .* name the file 002\.mp4, or load the released parquet/);
  });

  it('loads a parquet file written with the released columns (options as a list of "A. …" strings)', async () => {
    const file = join(work, 'test-00000-of-00001.parquet');
    writeVideoMmeParquet(file, VIDEO_MME_SAMPLE_ROWS);
    expect(await detectFormat(file)).toBe('video-mme');
    const suite = await loadBenchmark('video-mme', file, { videosDir: join(videos, 'videomme') });
    expect(suite.questions.map((q) => [q.id, q.answerIndex, q.answer, q.video])).toEqual([
      ['001-1', 0, 'One.', 'fFjv93ACGo8.mp4'],
      ['001-2', 1, 'A dog.', 'fFjv93ACGo8.mp4'],
    ]);
    expect(suite.questions[0].metadata).toMatchObject({ url: 'https://www.youtube.com/watch?v=fFjv93ACGo8', subCategory: 'Humanity & History' });
    expect(suite.skipped).toEqual([expect.objectContaining({ row: 3, reason: 'missing-video', video: 'notHere0001.mp4' })]);
  });
});
