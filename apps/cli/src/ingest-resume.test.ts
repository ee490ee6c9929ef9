import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingest } from '@longvid/agents';
import { loadSettings } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';

/**
 * A `longvid ingest` killed with SIGKILL mid-way resumes from its checkpoints and ends with the
 * same memory as an uninterrupted run (the built CLI, a real child process, the real video).
 */
const video = sharedVideo('dev_long.mp4');
const bin = join(__dirname, '..', 'bin', 'longvid.js');

function findSegments(cacheDir: string): string[] {
  const root = join(cacheDir, 'checkpoints');
  if (!existsSync(root)) return [];
  return readdirSync(root).flatMap((dir) => readdirSync(join(root, dir)).filter((name) => /^segment-\d+\.json$/.test(name)));
}

describe('longvid ingest after SIGKILL', () => {
  it('resumes at the first unfinished segment and builds the same memory', async () => {
    const killedCache = mkdtempSync(join(tmpdir(), 'longvid-killed-'));
    const child = spawn(process.execPath, [bin, 'ingest', video, '--cache-dir', killedCache, '--no-progress'], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (findSegments(killedCache).length > 0) {
          clearInterval(timer);
          child.kill('SIGKILL');
          resolve();
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(timer);
        reject(new Error('ingest finished before it could be killed'));
      });
    });
    expect(await exited).toBe('SIGKILL');
    expect(findSegments(killedCache)).toEqual(['segment-000000.json']);

    const settings = (cacheDir: string) => loadSettings({ env: {}, overrides: { cacheDir } }).settings;
    const resumed = await ingest(video, { resolvedSettings: settings(killedCache) });
    expect(resumed.reused).toBe(false);
    expect(resumed.memory.manifest.stats?.resumedSegments).toBe(1);
    const fresh = await ingest(video, { resolvedSettings: settings(mkdtempSync(join(tmpdir(), 'longvid-fresh-'))) });
    expect(fresh.memory.manifest.stats?.resumedSegments).toBe(0);
    const shape = (events: Awaited<ReturnType<typeof fresh.memory.events>>) => events.map((e) => ({ span: e.span, text: e.text, observations: e.observations }));
    expect(shape(await resumed.memory.events())).toEqual(shape(await fresh.memory.events()));
    expect((await resumed.memory.events()).some((e) => e.text.includes('LOCKER 318'))).toBe(true);
  });
});
