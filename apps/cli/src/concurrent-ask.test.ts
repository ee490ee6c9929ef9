import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sharedVideo } from '@longvid/core/testing';

/**
 * Three `longvid ask` processes (the built CLI, real child processes) on a video none of them has
 * ingested, started at once against one fresh cache directory: one ingests, the other two wait for
 * its lock, say so, and read its memory; all exit 0 with the same answer.
 * `--workers 0` keeps OCR on the main thread, so three processes stay light on a small machine.
 */
const video = sharedVideo('sam2_02_cups.mp4');
const bin = join(__dirname, '..', 'bin', 'longvid.js');

function ask(cacheDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, 'ask', video, 'How many cups are on the table?', '--json', '--workers', '0'], { env: { ...process.env, LONGVID_CACHE_DIR: cacheDir } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('concurrent longvid ask on a fresh video', () => {
  it('three processes all answer the same, and the video is ingested once', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'longvid-concurrent-'));
    try {
      const runs = await Promise.all([ask(cacheDir), ask(cacheDir), ask(cacheDir)]);
      for (const run of runs) expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
      const results = runs.map((run) => JSON.parse(run.stdout) as { answer: string; memory: { reused: boolean; directory: string; events: number } });
      expect(new Set(results.map((result) => result.answer)).size).toBe(1);
      expect(new Set(results.map((result) => result.memory.directory)).size).toBe(1);
      // Ingestion ran once: one process built the memory, the two others loaded it (`reused`) after waiting.
      expect(results.map((result) => result.memory.reused).sort()).toEqual([false, true, true]);
      // Those that arrived while it ran said they were waiting (all of them, unless one was slower to start than the whole ingestion).
      expect(runs.filter((run) => run.stderr.includes('another process is ingesting this video; waiting')).length).toBeGreaterThanOrEqual(1);
      expect(new Set(results.map((result) => result.memory.events)).size).toBe(1);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }, 120000);
});
