/// <reference lib="dom" />
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { TraceEvent } from '@longvid/core';
import { loadGenericJsonl } from '../loaders/generic-jsonl';
import { buildShortNiahSuite, evalTestCacheDirectory } from '../testing';
import { launchChromium, openReportPage } from '../test-support/chromium';
import type { ResultRow } from '../runner/results-file';
import { runEvaluation } from '../runner/runner';
import { calibrationMetrics } from './calibration';
import { formatPercent } from './html';
import { TIMELINE_COLOURS } from './trace-page';
import { writeReport, type WrittenReport } from './write-report';

/**
 * The report and trace viewer of a real offline run (agent and a 4-frame uniform baseline on a
 * 1-minute needle-in-a-haystack video), opened in headless Debian Chromium through playwright-core.
 */
const work = mkdtempSync(join(tmpdir(), 'longvid-report-'));
let browser: Browser;
let report: WrittenReport;
let rows: ResultRow[];

beforeAll(async () => {
  const suite = await buildShortNiahSuite();
  const questions = (await loadGenericJsonl(suite.suitePath, { videosDir: suite.dir })).questions.filter((q) => q.id.includes('-text-01-') || q.taskType === 'needle-object');
  const run = await runEvaluation({ questions, outDir: join(work, 'run'), systems: ['agent', 'uniform-4'], maxFrames: 16, offline: true, settings: { cacheDir: evalTestCacheDirectory() } });
  rows = run.rows;
  report = await writeReport({ runDir: join(work, 'run') });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Opens a page, failing on any console error or request that leaves the report directory. */
const open = (path: string): Promise<{ page: Page; problems: string[] }> => openReportPage(browser, path);

describe('report page', () => {
  it('shows the summary, the per-length table and the three charts, offline, with the computed figures', async () => {
    const { page, problems } = await open(report.indexPath);
    const agent = report.metrics.systems.find((s) => s.system === 'agent')!;
    expect(await page.locator('#summary tr[data-system="agent"] td').nth(1).textContent()).toBe(formatPercent(agent.overall.accuracy));
    expect(await page.locator('#summary tr[data-system]').count()).toBe(2);
    expect(await page.locator('#by-length tr[data-group="1m"]').count()).toBe(2);
    const ingestion = String(report.metrics.durationGroups[0].framesAtIngestion);
    expect(await page.locator('#by-length tr[data-group="1m"] td').allTextContents()).toContain(ingestion);
    // Accuracy per category: one bar per system and category (object-needle, text-needle) with a value.
    expect(await page.locator('#chart-category rect[data-series]').count()).toBe(4);
    const agentText = page.locator('#chart-category rect[data-series="agent"][data-group="text-needle"]');
    expect(Number(await agentText.getAttribute('height'))).toBeGreaterThan(100);
    // Accuracy vs frames: agent and baseline points; cost histograms.
    expect(await page.locator('#chart-frames circle[data-series="uniform-4"]').count()).toBe(1);
    expect(await page.locator('#chart-cost-frames rect[data-series]').count()).toBeGreaterThanOrEqual(2);
    expect(await page.locator('#chart-frames').isVisible()).toBe(true);
    // Every row links to its trace page, and the parse failure is shown as such.
    expect(await page.locator('a.trace-link').count()).toBe(rows.length);
    expect(await page.locator('#questions .unparsed').count()).toBe(rows.filter((r) => r.parseFailure).length);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the reliability diagram and each system’s expected calibration error', async () => {
    const { page, problems } = await open(report.indexPath);
    const calibration = calibrationMetrics(rows);
    for (const system of calibration) {
      const cells = await page.locator(`#calibration tr[data-system="${system.system}"] td`).allTextContents();
      expect(cells[0]).toBe(String(system.answers));
      expect(cells[1]).toBe(system.expectedCalibrationError!.toFixed(3));
      // One point per non-empty confidence bin, drawn inside the plot.
      const points = page.locator(`#chart-reliability circle[data-series="${system.system}"]`);
      expect(await points.count()).toBe(system.bins.filter((bin) => bin.count > 0).length);
      expect(await points.count()).toBeGreaterThan(0);
    }
    const diagram = page.locator('#chart-reliability');
    expect(await diagram.isVisible()).toBe(true);
    const box = await diagram.boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    expect(await page.locator('#chart-reliability line.diagonal').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('opens a question’s trace page from its link', async () => {
    const { page, problems } = await open(report.indexPath);
    await page.locator('tr[data-question] a.trace-link').first().click();
    await page.waitForLoadState();
    expect(await page.locator('h1').textContent()).toContain(' · agent');
    expect(await page.locator('#timeline').isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('trace viewer', () => {
  const agentRow = (): ResultRow => rows.find((r) => r.system === 'agent' && r.taskType === 'needle-text')!;
  const traceOf = (row: ResultRow): TraceEvent[] => JSON.parse(readFileSync(join(work, 'run', row.traceFile!), 'utf8')).events;
  const pageOf = (row: ResultRow): string => report.tracePages.find((p) => p.endsWith(`/${row.system}/${row.questionId}.html`))!;

  it('draws the spans of every round, the evidence, the reflector decisions and loaded thumbnails', async () => {
    const row = agentRow();
    const events = traceOf(row);
    const { page, problems } = await open(pageOf(row));
    const steps = events.flatMap((e) => (e.type === 'plan' ? e.plan.steps : []));
    expect(await page.locator('#timeline [data-kind="plan"]').count()).toBe(steps.length);
    expect(await page.locator('#timeline [data-kind="ground-truth"]').count()).toBe(row.groundTruthSpans.length);
    expect(await page.locator('#timeline [data-kind="cited"]').count()).toBe(row.evidence.length);
    expect(await page.locator('p.reflection').count()).toBe(events.filter((e) => e.type === 'reflection').length);
    const images = page.locator('#thumbnails img');
    expect(await images.count()).toBeGreaterThan(0);
    for (const width of await images.evaluateAll((list) => list.map((img) => (img as HTMLImageElement).naturalWidth))) expect(width).toBe(240);
    // The ground-truth span sits where its time is on the track.
    const track = (await page.locator('#timeline rect[fill="#f6f8fa"]').first().boundingBox())!;
    const truth = (await page.locator('#timeline [data-kind="ground-truth"]').boundingBox())!;
    expect((truth.x - track.x) / track.width).toBeCloseTo(row.groundTruthSpans[0].start / row.videoSeconds, 2);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('renders the timeline: a screenshot shows the ground truth, the spans looked at and the cited evidence where they belong', async () => {
    const row = agentRow();
    const { page } = await open(pageOf(row));
    const timeline = page.locator('#timeline');
    const png = await timeline.screenshot();
    writeFileSync(join(work, 'timeline.png'), png);
    const box = (await timeline.boundingBox())!;
    const track = (await page.locator('#timeline rect[fill="#f6f8fa"]').first().boundingBox())!;
    // Count each colour's pixels and where they are, in the rendered image itself.
    const colours = { truth: TIMELINE_COLOURS.groundTruth, looked: TIMELINE_COLOURS.ocr, cited: TIMELINE_COLOURS.cited };
    const found = await page.evaluate(
      async ({ data, colours }) => {
        const image = new Image();
        image.src = `data:image/png;base64,${data}`;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = image.width;
        canvas.height = image.height;
        const context = canvas.getContext('2d')!;
        context.drawImage(image, 0, 0);
        const pixels = context.getImageData(0, 0, image.width, image.height).data;
        const result: Record<string, { count: number; minX: number; maxX: number }> = {};
        for (const [name, hex] of Object.entries(colours)) {
          const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
          const stats = { count: 0, minX: Number.POSITIVE_INFINITY, maxX: -1 };
          for (let i = 0; i < pixels.length; i += 4) {
            if (Math.abs(pixels[i] - r) + Math.abs(pixels[i + 1] - g) + Math.abs(pixels[i + 2] - b) > 24) continue;
            const x = (i / 4) % image.width;
            stats.count += 1;
            stats.minX = Math.min(stats.minX, x);
            stats.maxX = Math.max(stats.maxX, x);
          }
          result[name] = stats;
        }
        return { width: image.width, result };
      },
      { data: png.toString('base64'), colours },
    );
    const scale = found.width / box.width;
    const expectedX = (seconds: number): number => (track.x - box.x + (seconds / row.videoSeconds) * track.width) * scale;
    const [truth] = row.groundTruthSpans;
    expect(found.result.truth.count).toBeGreaterThan(100);
    expect(Math.abs(found.result.truth.minX - expectedX(truth.start))).toBeLessThan(3 * scale);
    expect(Math.abs(found.result.truth.maxX - expectedX(truth.end))).toBeLessThan(3 * scale);
    expect(found.result.looked.count).toBeGreaterThan(100);
    expect(found.result.cited.count).toBeGreaterThan(50);
    // The cited evidence lies inside the needle's span, as the answer says.
    expect(found.result.cited.minX).toBeGreaterThanOrEqual(expectedX(truth.start) - 3 * scale);
    expect(found.result.cited.maxX).toBeLessThanOrEqual(expectedX(truth.end) + 3 * scale);
    await page.close();
  });
});
