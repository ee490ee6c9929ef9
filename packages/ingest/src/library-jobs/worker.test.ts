import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadSettings, sha256File } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { enqueueLibraryIngest, INGEST_QUEUE } from './queue';
import { runWorker, type LibraryIngestCatalog, type WorkerEvent } from './worker';

// TODO(issue 15): createTestDatabase/describeWithPostgres of @longvid/memory/testing once the PostgreSQL store lands.
const ADMIN_URL = process.env.LONGVID_TEST_POSTGRES_URL ?? 'postgres://root:longvid@localhost:5432/postgres';
const probe = spawnSync(process.execPath, ['-e', `new (require('pg').Client)({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 }).connect().then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); })`, ADMIN_URL], { encoding: 'utf8', timeout: 10_000, cwd: __dirname });
const unavailable = probe.status === 0 ? undefined : `PostgreSQL is not reachable at LONGVID_TEST_POSTGRES_URL (${probe.stderr.trim() || 'no answer'})`;
if (unavailable && process.env.CI === 'true') throw new Error(`${unavailable}; CI must run the PostgreSQL tests (.ci/run starts it)`);
if (unavailable) console.warn(`runWorker tests skipped: ${unavailable}`);

/** A catalog that records the worker's updates. */
class RecordingCatalog implements LibraryIngestCatalog {
  readonly updates: { videoHash: string; change: Record<string, unknown> }[] = [];
  async update(videoHash: string, change: Record<string, unknown>): Promise<void> {
    this.updates.push({ videoHash, change });
  }
}

(unavailable ? describe.skip : describe)('runWorker', () => {
  const admin = new Client({ connectionString: ADMIN_URL });
  const name = `longvid_test_runworker_${process.pid}_${Date.now()}`;
  let url: string;
  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const parsed = new URL(ADMIN_URL);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
  });
  afterAll(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
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

    const database = new Client({ connectionString: url });
    await database.connect();
    try {
      const jobs = await database.query<{ state: string }>('SELECT state FROM pgboss.job WHERE name = $1', [INGEST_QUEUE]);
      expect(jobs.rows).toEqual([{ state: 'failed' }, { state: 'failed' }]);
      expect((await database.query('SELECT * FROM longvid_ingest_runs')).rows).toEqual([]);
    } finally {
      await database.end();
    }
  }, 60_000);
});
