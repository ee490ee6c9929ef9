import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sharedVideo } from '@longvid/core/testing';
import { readResults } from '@longvid/eval';
import { cliHarness } from '../test-support/cli-harness';

/**
 * `longvid eval niah|run|report` end to end, offline, in-process: a 30-second needle-in-a-haystack
 * video built from the shared real clips, its questions answered by the agent and a 4-frame uniform
 * baseline, and the HTML report.
 */
const work = mkdtempSync(join(tmpdir(), 'longvid-cli-eval-'));
// Normalised clips are keyed by content, so the cache is shared with the eval package's tests.
const segments = join(tmpdir(), 'longvid-eval-tests', 'segments');
const env = { LONGVID_CACHE_DIR: join(work, 'cache') };

const cli = cliHarness({ env, cwd: work });

describe('longvid eval', () => {
  it('builds a NIAH suite, runs it (resumably) and writes the report', async () => {
    const clips = dirname(sharedVideo('dev_long.mp4'));
    const niah = await cli('eval', 'niah', '--out', 'niah', '--minutes', '0.5', '--seed', '3', '--clips', clips, '--segment-cache', segments, '--no-progress');
    expect([niah.code, niah.stderr]).toEqual([0, '']);
    expect(niah.stdout).toContain('Built niah/niah-0.5m-seed3.mp4: 0.5 min, 1 text needles, 1 odd-object clips');
    expect(niah.stdout).toContain('Suite: niah/niah-suite.jsonl (2 questions)');

    const run = await cli('eval', 'run', '--suite', 'niah/niah-suite.jsonl', '--videos', 'niah', '--out', 'run', '--systems', 'agent,uniform-4', '--limit', '1', '--no-progress');
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toContain('Loaded 2 questions (jsonl)');
    expect(run.stdout).toContain('Answered 2 (skipped 0 already done)');
    expect(run.stdout).toMatch(/agent +accuracy 100\.0% \(1\/1\)/);
    const { rows } = await readResults(join(work, 'run', 'results.jsonl'));
    expect(rows.map((row) => [row.system, row.cost.framesObserved > 0])).toEqual([
      ['agent', true],
      ['uniform-4', true],
    ]);

    const again = await cli('eval', 'run', '--suite', 'niah/niah-suite.jsonl', '--videos', 'niah', '--out', 'run', '--systems', 'agent,uniform-4', '--limit', '1', '--no-progress', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ written: 0, skipped: 2, complete: true });

    const report = await cli('eval', 'report', 'run', '--no-progress');
    expect([report.code, report.stderr]).toEqual([0, '']);
    expect(report.stdout).toContain('2 trace pages');
    const index = readFileSync(join(work, 'run', 'report', 'index.html'), 'utf8');
    expect(index).toContain('LongVid evaluation report');
    expect(existsSync(join(work, 'run', 'report', 'trace', 'agent'))).toBe(true);
  });

  it('reports bad usage with exit code 2 and failures with 1, on one line', async () => {
    const missing = await cli('eval', 'run', '--videos', 'niah', '--out', 'run2');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("required option '--suite <file>' not specified");
    const minutes = await cli('eval', 'niah', '--out', 'x', '--minutes', '0.1');
    expect(minutes.code).toBe(2);
    expect(minutes.stderr).toContain('give minutes between 0.5 and 120');
    const systems = await cli('eval', 'run', '--suite', 's.jsonl', '--videos', '.', '--out', 'r', '--systems', 'agent,random');
    expect(systems.code).toBe(2);
    expect(systems.stderr).toContain('unknown system "random"');
    const noSuite = await cli('eval', 'run', '--suite', 'nope.jsonl', '--videos', '.', '--out', 'r', '--format', 'jsonl');
    expect(noSuite.code).toBe(1);
    expect(noSuite.stderr).toMatch(/^longvid: error: cannot read annotation file .*nope\.jsonl/);
    const noReport = await cli('eval', 'report', 'nowhere');
    expect(noReport.code).toBe(1);
    expect(noReport.stderr).toContain('no results in');
  });
});
