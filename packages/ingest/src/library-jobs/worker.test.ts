import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadSettings, sha256File } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { describeWithPostgres, useTestDatabase } from '@longvid/memory/testing';
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
  const database = useTestDatabase();

  it('marks a video that cannot be ingested failed with the reason, and exits when nothing is left to retry', async () => {
    const url = database().url;
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
    const settings = loadSettings({ env: {}, overrides: { cacheDir: mkdtempSync(join(tmpdir(), 'longvid-runworker-')), ingestWorkers: 0 } }).settings;
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

  it('ingests a video once: queued again (another library), its complete memory in the database is skipped and only its catalog entry marked', async () => {
    const url = database().url;
    const path = sharedVideo('sam2_bedroom.mp4');
    const video = { videoHash: await sha256File(path), path, name: 'sam2_bedroom.mp4' };
    const catalogs = new Map<string, RecordingCatalog>();
    const catalogOf = (library: string) => catalogs.get(library) ?? catalogs.set(library, new RecordingCatalog()).get(library)!;
    // Each run on a machine of its own (cache directory): only the database is shared.
    const run = async () => {
      const events: WorkerEvent[] = [];
      const settings = loadSettings({ env: {}, overrides: { cacheDir: mkdtempSync(join(tmpdir(), 'longvid-runworker-')), ingestWorkers: 0 } }).settings;
      const summary = await runWorker({ url, settings, exitWhenIdle: true, pollSeconds: 0.2, catalog: catalogOf, onProgress: (event) => events.push(event) });
      return { summary, events };
    };
    await enqueueLibraryIngest({ url, library: 'first', videos: [video] });
    const first = await run();
    expect(first.summary).toMatchObject({ ingested: 1, skipped: 0 });
    expect(first.events.find((event) => event.type === 'video-ingested')).toMatchObject({ events: 1, resumedSegments: 0 });
    await enqueueLibraryIngest({ url, library: 'second', videos: [video] });
    const second = await run();
    expect(second.summary).toMatchObject({ ingested: 0, skipped: 1 });
    expect(second.events.map((event) => event.type)).toEqual(['ready', 'video-started', 'video-skipped', 'idle']);
    expect(catalogOf('second').updates.at(-1)?.change).toMatchObject({ status: 'ingested', doneSeconds: 6.666667 });
    const tables = new Client({ connectionString: url });
    await tables.connect();
    try {
      const runs = await tables.query<{ library: string }>('SELECT library FROM longvid_ingest_runs WHERE video_hash = $1', [video.videoHash]);
      expect(runs.rows).toEqual([{ library: 'first' }]);
    } finally {
      await tables.end();
    }
  }, 60_000);
});
