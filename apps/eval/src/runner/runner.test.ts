import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LongVidError } from '@longvid/core';
import { loadGenericJsonl } from '../loaders/generic-jsonl';
import type { LoadedQuestion } from '../question';
import { buildShortNiahSuite, evalTestCacheDirectory } from '../testing';
import { computeMetrics } from '../metrics';
import { readResults, rowKey, type ResultRow } from './results-file';
import { readRunManifest, readVideoStats, runEvaluation, type RunSummary } from './runner';

/**
 * The runner end to end, offline, on a real 1-minute needle-in-a-haystack video built from the
 * shared clips: the agent and a 4-frame uniform baseline on two of its text needles.
 */
const SYSTEMS = ['agent', 'uniform-4'];
const LIMIT = 2;
const settings = { cacheDir: evalTestCacheDirectory() };
let suite: Awaited<ReturnType<typeof buildShortNiahSuite>>;
let questions: LoadedQuestion[];
let reference: RunSummary;
let referenceDir: string;

/** A row without what depends on timing. */
function timeless(row: ResultRow): unknown {
  const { finishedAt: _finishedAt, cost, ...rest } = row;
  const { wallSeconds: _wallSeconds, ...work } = cost;
  return { ...rest, cost: work };
}

beforeAll(async () => {
  suite = await buildShortNiahSuite();
  questions = (await loadGenericJsonl(suite.suitePath, { videosDir: suite.dir })).questions;
  referenceDir = mkdtempSync(join(tmpdir(), 'longvid-run-reference-'));
  reference = await runEvaluation({ questions, outDir: referenceDir, systems: SYSTEMS, limit: LIMIT, offline: true, settings });
});

describe('runEvaluation (offline, 1-minute NIAH video)', () => {
  it('answers every text needle with the agent from evidence inside the needle span; the baseline looks at exactly 4 frames', () => {
    expect(reference.complete).toBe(true);
    expect(reference.rows.map((row) => [row.questionId, row.system])).toEqual(questions.slice(0, LIMIT).flatMap((q) => SYSTEMS.map((s) => [q.id, s])));
    for (const row of reference.rows.filter((r) => r.system === 'agent')) {
      expect([row.questionId, row.status, row.correct, row.predicted?.answer]).toEqual([row.questionId, 'answered', true, expect.any(String)]);
      expect(row.evidenceHit).toBe(true);
      expect(row.temporalIoU).toBeGreaterThan(0.3);
      expect(row.cost.framesObserved).toBeGreaterThan(0);
      expect(row.cost.framesObserved).toBeLessThanOrEqual(96);
      expect(row.offline).toBe(true);
    }
    for (const row of reference.rows.filter((r) => r.system === 'uniform-4')) {
      expect([row.cost.framesObserved, row.cost.rounds]).toEqual([4, 1]);
      expect(row.backends.planner).toBe('uniform-4');
    }
  });

  it('writes traces, the run manifest with its seed, and the frames read once at ingestion', () => {
    for (const row of reference.rows) expect(existsSync(join(referenceDir, row.traceFile!))).toBe(true);
    const manifest = readRunManifest(referenceDir)!;
    expect(manifest).toMatchObject({ seed: 0, systems: SYSTEMS, offline: true, limits: { timeLimitSeconds: 300, maxRounds: 3, maxFrames: 96 } });
    expect(new Set(reference.rows.map((row) => row.seed)).size).toBe(reference.rows.length);
    const [stats] = Object.values(readVideoStats(referenceDir));
    // About 60 s at 0.5 keyframes/s, sampled per clip (at least one keyframe per clip).
    expect(stats.framesAtIngestion).toBeGreaterThanOrEqual(25);
    expect(stats.framesAtIngestion).toBeLessThanOrEqual(45);
  });

  it('skips finished questions on a rerun and leaves the results file as it was', async () => {
    const before = readFileSync(reference.resultsPath, 'utf8');
    const again = await runEvaluation({ questions, outDir: referenceDir, systems: SYSTEMS, limit: LIMIT, offline: true, settings });
    expect([again.written, again.skipped, again.complete]).toEqual([0, LIMIT * SYSTEMS.length, true]);
    expect(readFileSync(reference.resultsPath, 'utf8')).toBe(before);
  });

  it('finishes a run killed mid-way (SIGKILL, plus a torn last line) with the same rows and no duplicates', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'longvid-run-killed-'));
    const resultsPath = join(outDir, 'results.jsonl');
    const args = [
      '-r',
      join(__dirname, '..', 'test-support', 'register-typescript.js'),
      join(__dirname, '..', 'test-support', 'run-suite-child.ts'),
      suite.suitePath,
      suite.dir,
      outDir,
      settings.cacheDir,
      SYSTEMS.join(','),
      String(LIMIT),
    ];
    const runChild = () => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      return { child, exited, output: () => output };
    };
    const lines = (): number => (existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8').split('\n').filter(Boolean).length : 0);

    const first = runChild();
    let exitedEarly = false;
    void first.exited.then(() => (exitedEarly = true));
    while (lines() < 2 && !exitedEarly) await new Promise((resolve) => setTimeout(resolve, 25));
    const finishedOnItsOwn = exitedEarly;
    first.child.kill('SIGKILL');
    await first.exited;
    const killedAfter = lines();
    expect(finishedOnItsOwn ? first.output() : 'killed mid-way').toBe('killed mid-way');
    expect(killedAfter).toBeGreaterThanOrEqual(2);
    expect(killedAfter).toBeLessThan(LIMIT * SYSTEMS.length);
    const finishedBeforeKill = (await readResults(resultsPath)).rows;
    appendFileSync(resultsPath, '{"schemaVersion":1,"questionId":"niah-1m-s7-te');

    const second = runChild();
    expect([await second.exited, second.output()]).toEqual([0, expect.stringContaining(`"written":${LIMIT * SYSTEMS.length - killedAfter}`)]);
    const text = readFileSync(resultsPath, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const { rows, duplicates } = await readResults(resultsPath);
    expect(duplicates).toBe(0);
    expect(text.split('\n').filter(Boolean)).toHaveLength(LIMIT * SYSTEMS.length);
    expect(rows.map(timeless)).toEqual(reference.rows.map(timeless));
    // Rows finished before the kill were kept, not redone.
    for (const row of finishedBeforeKill) expect(rows.find((r) => rowKey(r) === rowKey(row))!.finishedAt).toBe(row.finishedAt);
    for (const row of rows) expect(existsSync(join(outDir, row.traceFile!))).toBe(true);
  });

  it('grades an open-ended question (token F1, ROUGE-L; no judge offline) and keeps it out of accuracy', async () => {
    const needle = questions[0];
    const open: LoadedQuestion = { ...needle, id: `${needle.id}-open`, openEnded: { rubric: 'mlvu-summary' } };
    const summary = await runEvaluation({ questions: [open], outDir: mkdtempSync(join(tmpdir(), 'longvid-run-open-')), systems: ['agent'], offline: true, settings });
    const [row] = summary.rows;
    expect(row).toMatchObject({ status: 'answered', correct: false, openEnded: { rubric: 'mlvu-summary', judge: null } });
    // The offline agent answers this needle right (first test), so its answer overlaps the reference.
    expect(row.openEnded!.tokenF1).toBeGreaterThan(0);
    expect(row.openEnded!.rougeL).toBeGreaterThan(0);
    const agent = computeMetrics(summary.rows).systems[0];
    expect([agent.overall.questions, agent.openEnded?.questions, agent.openEnded?.judged]).toEqual([0, 1, 0]);
  });

  it('records a question over its time limit as timeout, and refuses to mix runs in one directory', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'longvid-run-timeout-'));
    const summary = await runEvaluation({ questions, outDir, systems: ['agent'], limit: 1, timeLimitSeconds: 0.001, offline: true, settings });
    expect(summary.rows.map((row) => [row.status, row.correct, row.error?.code])).toEqual([['timeout', false, 'TIMEOUT']]);
    const other = runEvaluation({ questions, outDir, systems: ['agent'], limit: 1, timeLimitSeconds: 60, offline: true, settings });
    await expect(other).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('other limits') });
    const error = await runEvaluation({ questions, outDir, systems: ['uniform'], offline: true, settings }).catch((e: unknown) => e);
    expect(LongVidError.is(error) && error.message).toBe('unknown system "uniform"');
  });
});
