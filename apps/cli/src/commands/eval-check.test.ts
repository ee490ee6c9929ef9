import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedDataDir } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { VIDEO_MME_SAMPLE_ROWS, writeVideoMmeParquet } from '@longvid/eval/testing';
import { cliHarness } from '../test-support/cli-harness';

/**
 * `longvid eval check` on the benchmark annotation files as released (../shared/data/annotations)
 * and on a Video-MME parquet written with the released columns: counts only, nothing is run.
 */
const annotations = join(sharedDataDir(__dirname) ?? join(__dirname, 'shared-not-found'), 'data', 'annotations');
const work = mkdtempSync(join(tmpdir(), 'longvid-cli-eval-check-'));
const videos = join(work, 'videos');
mkdirSync(join(videos, '1106'), { recursive: true });
symlinkSync(sharedVideo('mmaction2_basketball_gym.mp4'), join(videos, '1106', '4010069381.mp4'));
symlinkSync(sharedVideo('sam2_04_coffee.mp4'), join(videos, 'movie101_66.mp4'));
symlinkSync(sharedVideo('sam2_01_dog.mp4'), join(videos, 'fFjv93ACGo8.mp4'));
const cli = cliHarness({ env: { LONGVID_CACHE_DIR: join(work, 'cache') }, cwd: work });

describe('longvid eval check', () => {
  it('prints the format, questions, skipped rows by reason and videos found for NExT-QA val.csv', async () => {
    const run = await cli('eval', 'check', '--suite', join(annotations, 'nextqa_val.csv'), '--map', join(annotations, 'nextqa_map_vid_vidorID.json'), '--videos', 'videos');
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain('nextqa_val.csv: next-qa (detected)');
    expect(run.stdout).toMatch(/questions: 4996 \(4996 multiple choice, 0 open-ended\); (\d+) ready to run/);
    const ready = Number(/; (\d+) ready to run/.exec(run.stdout)![1]);
    expect(ready).toBeGreaterThan(0);
    expect(run.stdout).toContain(`skipped: missing-video ${4996 - ready}`);
    expect(run.stdout).toContain('videos: 1 found, 569 missing (of 570 named)');
    expect(run.stdout).toMatch(/row 3 \(missing-video\): video 1104\/4882821564\.mp4 not found/);
  });

  it.each([
    ['mlvu_1_plotQA.json', 539, 'multiple choice', 'duplicate-candidates 5, empty-candidate 1', 'none'],
    ['mlvu_2_needle.json', 353, 'multiple choice', 'none', 'unanswerable 2'],
    ['mlvu_3_ego.json', 352, 'multiple choice', 'empty-candidate 2', 'none'],
    ['mlvu_4_count.json', 206, 'multiple choice', 'none', 'none'],
    ['mlvu_5_order.json', 259, 'multiple choice', 'none', 'none'],
    ['mlvu_6_anomaly_reco.json', 200, 'multiple choice', 'duplicate-candidates 9', 'none'],
    ['mlvu_7_topic_reasoning.json', 263, 'multiple choice', 'duplicate-candidates 1', 'unanswerable 1'],
    ['mlvu_8_sub_scene.json', 201, 'open-ended', 'none', 'none'],
    ['mlvu_9_summary.json', 217, 'open-ended', 'none', 'none'],
  ])('checks %s without videos: %i questions (%s), adjusted %s, skipped %s', async (name, questions, kind, adjusted, skipped) => {
    const run = await cli('eval', 'check', '--suite', join(annotations, name));
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain(`${name}: mlvu (detected)`);
    expect(run.stdout).toContain(kind === 'open-ended' ? `questions: ${questions} (0 multiple choice, ${questions} open-ended); ${questions} ready to run` : `questions: ${questions} (${questions} multiple choice, 0 open-ended); ${questions} ready to run`);
    expect(run.stdout).toContain(`adjusted as the benchmark's scorer does: ${adjusted}`);
    expect(run.stdout).toContain(`skipped: ${skipped}`);
    expect(run.stdout).toContain('not looked up (pass --videos DIR)');
  });

  it('checks the Video-MME results template and a parquet with the released columns, as JSON', async () => {
    const template = await cli('eval', 'check', '--suite', join(annotations, 'videomme_output_test_template.json'), '--videos', 'videos', '--json');
    expect([template.code, template.stderr]).toEqual([0, '']);
    expect(JSON.parse(template.stdout)).toMatchObject({
      format: 'video-mme',
      formatDetected: true,
      questions: { total: 9, ready: 0, multipleChoice: 9, openEnded: 0 },
      skipped: { 'missing-video': 9 },
      videos: { checked: true, named: 3, found: 0, missing: 3 },
      examples: [expect.objectContaining({ row: 1, reason: 'missing-video', message: expect.stringContaining('the row has no videoID') }), expect.anything(), expect.anything()],
    });
    const parquet = join(work, 'test-00000-of-00001.parquet');
    writeVideoMmeParquet(parquet, VIDEO_MME_SAMPLE_ROWS);
    const run = await cli('eval', 'check', '--suite', parquet, '--videos', 'videos', '--json');
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(JSON.parse(run.stdout)).toMatchObject({ format: 'video-mme', questions: { total: 3, ready: 2 }, skipped: { 'missing-video': 1 }, videos: { found: 1, missing: 1, named: 2 } });
  });

  it('fails on one line, as bad input (exit code 2), for a file it cannot tell the format of', async () => {
    const run = await cli('eval', 'check', '--suite', join(annotations, 'nextqa_map_vid_vidorID.json'));
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('cannot tell the benchmark format');
  });
});
