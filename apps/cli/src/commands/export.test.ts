import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedVideo } from '@longvid/core/testing';
import { validateEasyR1File, validateVerlFile } from '@longvid/training';
import { cliHarness } from '../test-support/cli-harness';

const workDir = mkdtempSync(join(tmpdir(), 'longvid-cli-export-'));
const env = { LONGVID_CACHE_DIR: join(workDir, 'cache') };
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const cli = cliHarness({ env, cwd: workDir });

describe('longvid export verl|easyr1', () => {
  beforeAll(async () => {
    const run = await cli('mvp', 'synth', sharedVideo('sam2_04_coffee.mp4'), sharedVideo('askanything_yoga.mp4'), '--out', 'data', '--samples-per-video', '1', '--max-side', '96', '--no-progress');
    expect(run.code).toBe(0);
  });

  it('exports verl parquet and EasyR1 JSONL that validate against the engines\' schemas', async () => {
    const verl = await cli('export', 'verl', 'data', '--out', 'train.parquet', '--json');
    expect(verl.stderr).toBe('');
    expect(verl.code).toBe(0);
    expect(JSON.parse(verl.stdout)).toMatchObject({ engine: 'verl', rows: 4, validated: true, tasks: ['mvp_frame_pool', 'mvp_segment_choice'] });
    expect((await validateVerlFile(join(workDir, 'train.parquet'))).length).toBe(4);
    const easy = await cli('export', 'easyr1', 'data', '--out', 'train.jsonl', '--tasks', 'mvp-segment-choice', '--relative-paths');
    expect(easy.code).toBe(0);
    expect(easy.stdout).toMatch(/^Exported 2 rows \(mvp_segment_choice\) for easyr1/);
    // Relative to the directory the command ran in, where the engine is started from.
    expect((await validateEasyR1File(join(workDir, 'train.jsonl'), { checkFilesIn: workDir })).length).toBe(2);
  });

  it('rejects an unknown engine and a verl file that is not parquet', async () => {
    expect((await cli('export', 'trl', 'data', '--out', 'x.parquet')).code).toBe(2);
    const notParquet = await cli('export', 'verl', 'data', '--out', 'x.jsonl');
    expect(notParquet.code).toBe(2);
    expect(notParquet.stderr).toMatch(/verl reads parquet/);
  });
});
