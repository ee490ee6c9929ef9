import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadSettings, sha256File } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from '@longvid/memory/testing';
import { enqueueLibraryIngest, INGEST_QUEUE } from './queue';
import { runWorker, type LibraryIngestCatalog, type WorkerEvent } from './worker';

/** A catalog that records the worker's updates. */
class RecordingCatalog implements LibraryIngestCatalog {
  readonly updates: { videoHash: string; change: Record<string, unknown> }[] = [];
  async update(videoHash: string, change: Record<string, unknown>): Promise<void> {
    this.updates.push({ videoHash, change });
  }
}

describeWithPostgres('runWorker', () => {
  let database: TestDatabase;
  let url: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    url = database.url;
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('marks a video that cannot be ingested failed with the reason, and exits when nothing is left to retry', async () => {
    const coffee = sharedVideo('sam2_04_coffee.mp4');
    const missing = join(tmpdir(), 'longvid-no-such-video.mp4');
    const videos = [
      { videoHash: 'a'.repeat(64), path: missing, name: 'longvid-no-such-video.mp4' },
      // A file whose content is not what was added (it changed since).
      { videoHash: 'b'.repeat(64), path: coffee, name: 'sam2_04_coffee.mp4' },
    ];
    expect(await enqueueLibraryIngest({ url, library: 'broken', videos, retryLimit: 0 })).toEqual({ queued: videos.map((video) => video.videoHash), alreadyQueued: [] });
    const catalog = new RecordingCatalog();
    const events: WorkerEvent[] = [];
    const settings = loadSettings({ env: { PATH: process.env.PATH }, overrides: { cacheDir: mkdtempSync(join(tmpdir(), 'longvid-runworker-')), ingestWorkers: 0 } }).settings;
    const summary = await runWorker({ url, settings, exitWhenIdle: true, pollSeconds: 0.2, workerId: 'tester', catalog: () => catalog, onProgress: (event) => events.push(event) });
    expect(summary).toEqual({ ingested: 0, skipped: 0, failed: 2, abandoned: 0 });
    expect(events.map((event) => event.type)).toEqual(['ready', 'video-started', 'video-failed', 'video-started', 'video-failed', 'idle']);

    const final = (videoHash: string) => catalog.updates.filter((update) => update.videoHash === videoHash).map((update) => update.change);
    expect(final('a'.repeat(64))[0]).toEqual({ status: 'ingesting', worker: 'tester', error: undefined });
    expect(final('a'.repeat(64)).at(-1)).toMatchObject({ status: 'failed', error: expect.stringMatching(/longvid-no-such-video\.mp4: no such file/), worker: undefined });
    expect(final('b'.repeat(64)).at(-1)).toMatchObject({ status: 'failed', error: expect.stringMatching(/sam2_04_coffee\.mp4 has changed since it was added/) });
    expect(await sha256File(coffee)).not.toBe('b'.repeat(64));

    const tables = new Client({ connectionString: url });
    await tables.connect();
    try {
      const jobs = await tables.query<{ state: string }>('SELECT state FROM pgboss.job WHERE name = $1', [INGEST_QUEUE]);
      expect(jobs.rows).toEqual([{ state: 'failed' }, { state: 'failed' }]);
      expect((await tables.query('SELECT * FROM longvid_ingest_runs')).rows).toEqual([]);
    } finally {
      await tables.end();
    }
  }, 60_000);
});
