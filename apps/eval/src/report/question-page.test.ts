/// <reference lib="dom" />
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { sharedVideo } from '@longvid/core/testing';
import { testBinaries } from '@longvid/video/testing';
import { accuracyByNeedleDepth } from '../metrics';
import { rewriteResults, type ResultRow } from '../runner/results-file';
import { RUN_FILES } from '../runner/runner';
import { launchChromium, openReportPage } from '../test-support/chromium';
import { ZERO_BAR_HEIGHT } from './svg-charts';
import { writeReport, type WrittenReport } from './write-report';

/**
 * The side-by-side question pages and the questions filters of the report, in headless Debian
 * Chromium. The run is four questions answered by two systems, written as result rows (the
 * report's input) on two real videos: dev_long.mp4 (linked, stays reachable) and a copy of
 * sam2_01_dog.mp4 that is removed after the report is written, so its spans fall back to thumbnails.
 */
const work = mkdtempSync(join(tmpdir(), 'longvid-question-pages-'));
const runDir = join(work, 'run');
const longVideo = join(work, 'videos', 'dev_long.mp4');
const dogVideo = join(work, 'videos', 'dog.mp4');
let browser: Browser;
let report: WrittenReport;

/** A result row with neutral values for what the report does not read here. */
function row(fields: Partial<ResultRow> & Pick<ResultRow, 'questionId' | 'system' | 'correct'>): ResultRow {
  return {
    schemaVersion: 1,
    status: 'answered',
    seed: 1,
    video: 'dev_long.mp4',
    videoPath: longVideo,
    question: `What is shown in ${fields.questionId}?`,
    expected: { answer: 'a dog' },
    videoSeconds: 119.8,
    groundTruthSpans: [],
    predicted: { answer: fields.correct ? 'a dog' : 'a cat', confidence: 0.8, sufficient: true },
    parseFailure: false,
    evidence: [],
    evidenceHit: null,
    temporalIoU: null,
    cost: { rounds: 1, framesObserved: 8, llmCalls: 0, inputTokens: 0, outputTokens: 0, wallSeconds: 1 },
    offline: true,
    backends: {},
    traceFile: null,
    error: null,
    finishedAt: '2026-01-01T00:00:00Z',
    ...fields,
  };
}

const evidence = (start: number, end: number, text: string): ResultRow['evidence'][number] => ({ id: `e-${start}`, span: { start, end }, text, tool: 'ocr', kind: 'text', round: 1, confidence: 0.9 });
const needle = { category: 'text-needle', taskType: 'needle-text', durationGroup: '1-2m' };
const rows: ResultRow[] = [
  // q1: needle near the start (depth 0–20%); the agent finds it, the baseline does not.
  row({ questionId: 'q1', system: 'agent', correct: true, ...needle, groundTruthSpans: [{ start: 50, end: 58 }], evidence: [evidence(50, 56, 'dog in a courtyard')] }),
  row({ questionId: 'q1', system: 'uniform-4', correct: false, ...needle, groundTruthSpans: [{ start: 50, end: 58 }] }),
  // q2: needle near the end (80–100%); both wrong.
  row({ questionId: 'q2', system: 'agent', correct: false, ...needle, groundTruthSpans: [{ start: 105, end: 110 }], evidence: [evidence(88, 96, 'yoga on a rooftop')] }),
  row({ questionId: 'q2', system: 'uniform-4', correct: false, ...needle, groundTruthSpans: [{ start: 105, end: 110 }] }),
  // q3, q4: on the short copy that goes away; counting, both systems 0% on q3's category.
  ...(['agent', 'uniform-4'] as const).map((system) =>
    row({ questionId: 'q3', system, correct: false, category: 'counting', taskType: 'count', durationGroup: '<2m', video: 'dog.mp4', videoPath: dogVideo, videoSeconds: 9.7, evidence: [evidence(2, 4, 'one dog')] }),
  ),
  row({ questionId: 'q4', system: 'agent', correct: false, category: 'action', taskType: 'action', durationGroup: '<2m', video: 'dog.mp4', videoPath: dogVideo, videoSeconds: 9.7, choices: ['running', 'sitting'], expected: { answer: 'running', answerIndex: 0 }, predicted: { answer: 'sitting', choiceIndex: 1, confidence: 0.6, sufficient: true } }),
  row({ questionId: 'q4', system: 'uniform-4', correct: true, category: 'action', taskType: 'action', durationGroup: '<2m', video: 'dog.mp4', videoPath: dogVideo, videoSeconds: 9.7, choices: ['running', 'sitting'], expected: { answer: 'running', answerIndex: 0 }, predicted: { answer: 'running', choiceIndex: 0, confidence: 0.7, sufficient: true } }),
];

beforeAll(async () => {
  mkdirSync(join(work, 'videos'), { recursive: true });
  symlinkSync(sharedVideo('dev_long.mp4'), longVideo);
  copyFileSync(sharedVideo('sam2_01_dog.mp4'), dogVideo);
  mkdirSync(runDir, { recursive: true });
  await rewriteResults(join(runDir, RUN_FILES.results), rows);
  report = await writeReport({
    runDir,
    binaries: testBinaries(),
    sections: (all) => [{ id: 'extra', title: 'Extra analysis', html: `<p id="extra-count">${all.length} rows</p>` }],
  });
  rmSync(dogVideo);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

describe('report questions filters', () => {
  it('filter by wrong only, category, length and system, in the page without a server', async () => {
    const { page, problems } = await openReportPage(browser, report.indexPath);
    const shown = async (): Promise<string[]> => page.locator('#questions tr[data-question]:visible').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.question!));
    expect(await shown()).toEqual(['q1', 'q2', 'q3', 'q4']);
    expect(await page.locator('#filter-count').textContent()).toBe('4 of 4 questions');

    await page.locator('#filter-category').selectOption('text-needle');
    expect(await shown()).toEqual(['q1', 'q2']);
    await page.locator('#filter-category').selectOption('');
    await page.locator('#filter-length').selectOption('<2m');
    expect(await shown()).toEqual(['q3', 'q4']);
    await page.locator('#filter-length').selectOption('');

    // Wrong only: every question some system got wrong; with a system chosen, that system's.
    await page.locator('#filter-wrong').check();
    expect(await shown()).toEqual(['q1', 'q2', 'q3', 'q4']);
    await page.locator('#filter-system').selectOption('agent');
    expect(await shown()).toEqual(['q2', 'q3', 'q4']);
    expect(await page.locator('#filter-count').textContent()).toBe('3 of 4 questions');
    // Only the chosen system's column stays.
    expect(await page.locator('#questions th[data-system-column]:visible').allTextContents()).toEqual(['agent']);
    await page.locator('#filter-system').selectOption('uniform-4');
    expect(await shown()).toEqual(['q1', 'q2', 'q3']);
    expect(await page.locator('#questions td[data-system-column="agent"]:visible').count()).toBe(0);
    await page.locator('#filter-wrong').uncheck();
    await page.locator('#filter-system').selectOption('');
    expect(await shown()).toEqual(['q1', 'q2', 'q3', 'q4']);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('draws zero-accuracy bars, accuracy vs needle depth, and the extra section', async () => {
    const { page, problems } = await openReportPage(browser, report.indexPath);
    // counting: both systems 0% — drawn, labelled, not absent.
    for (const system of ['agent', 'uniform-4']) {
      const bar = page.locator(`#chart-category rect[data-series="${system}"][data-group="counting"]`);
      expect(await bar.count()).toBe(1);
      expect(Number(await bar.getAttribute('height'))).toBe(ZERO_BAR_HEIGHT);
      expect((await bar.boundingBox())!.height).toBeGreaterThan(0);
    }
    // counting ×2, agent on action, uniform-4 on text-needle.
    expect(await page.locator('#chart-category text.zero-label').count()).toBe(4);
    // Needle depth: q1 in 40–60% (54/119.8), q2 in 80–100%; the agent is right only on the first.
    const depth = accuracyByNeedleDepth(rows);
    expect(depth.labels).toEqual(['0–20%', '20–40%', '40–60%', '60–80%', '80–100%']);
    expect(await page.locator('#chart-needle-depth rect[data-series="agent"]').evaluateAll((rects) => rects.map((r) => [r.getAttribute('data-group'), r.getAttribute('data-value')]))).toEqual([
      ['40–60%', '1'],
      ['80–100%', '0'],
    ]);
    expect(await page.locator('#section-extra h2').textContent()).toBe('Extra analysis');
    expect(await page.locator('#extra-count').textContent()).toBe('8 rows');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('question page', () => {
  it('opens from the report and shows every system side by side with its outcome and answer', async () => {
    const { page, problems } = await openReportPage(browser, report.indexPath);
    await page.locator('tr[data-question="q4"] a.question-link').click();
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toBe('q4');
    expect(await page.locator('.system-answer').evaluateAll((sections) => sections.map((s) => [(s as HTMLElement).dataset.system, (s as HTMLElement).dataset.outcome]))).toEqual([
      ['agent', 'wrong'],
      ['uniform-4', 'right'],
    ]);
    expect(await page.locator('.system-answer[data-system="uniform-4"] .answer').textContent()).toContain('A. running');
    expect(await page.locator('#choices li.expected').textContent()).toContain('running');
    const [agentBox, baselineBox] = await Promise.all(['agent', 'uniform-4'].map((system) => page.locator(`.system-answer[data-system="${system}"]`).boundingBox()));
    expect(agentBox!.y).toBe(baselineBox!.y); // side by side
    expect(baselineBox!.x).toBeGreaterThan(agentBox!.x + agentBox!.width - 1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('plays an evidence span from its start when the video is reachable', async () => {
    const path = report.questionPages.find((p) => p.endsWith('/q1.html'))!;
    expect(readFileSync(path, 'utf8')).toContain('dev_long.mp4#t=50.00,56.00');
    const { page, problems } = await openReportPage(browser, path);
    const player = page.locator('.system-answer[data-system="agent"] .span-player');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.span-player')).every((p) => (p as HTMLElement).dataset.state));
    expect(await player.getAttribute('data-state')).toBe('playable');
    expect(await player.locator('video').evaluate((video) => (video as HTMLVideoElement).currentTime)).toBeCloseTo(50, 0);
    expect(await player.locator('.fallback').isHidden()).toBe(true);
    // The ground truth plays too.
    expect(await page.locator('.ground-truth .span-player video').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
    // And the cited span on the agent's trace page.
    const trace = await openReportPage(browser, report.tracePages.find((p) => p.endsWith('/agent/q1.html'))!);
    await trace.page.waitForFunction(() => Array.from(document.querySelectorAll('.span-player')).every((p) => (p as HTMLElement).dataset.state));
    expect(await trace.page.locator('#cited .span-player').getAttribute('data-state')).toBe('playable');
    expect(trace.problems).toEqual([]);
    await trace.page.close();
  });

  it('shows the thumbnails of an evidence span when its video is no longer reachable', async () => {
    const path = report.questionPages.find((p) => p.endsWith('/q3.html'))!;
    const { page } = await openReportPage(browser, path);
    const player = page.locator('.system-answer[data-system="agent"] .span-player');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.span-player')).every((p) => (p as HTMLElement).dataset.state));
    expect(await player.getAttribute('data-state')).toBe('fallback');
    expect(await player.locator('video').isHidden()).toBe(true);
    const image = player.locator('.fallback img');
    expect(await image.count()).toBeGreaterThan(0);
    await image.first().evaluate((img) => (img as HTMLImageElement).decode());
    expect(await image.first().evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await page.close();
  });
});
