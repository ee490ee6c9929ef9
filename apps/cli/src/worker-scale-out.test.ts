import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Client } from 'pg';
import { ingest } from '@longvid/agents';
import { loadSettings, sha256File } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { encodeSegment, resolveCaptionFont } from '@longvid/eval';
import { enqueueLibraryIngest, INGEST_QUEUE, SEGMENT_SECONDS } from '@longvid/ingest';
import { openPostgresLibrary, PostgresMemory, type LibraryVideo } from '@longvid/memory';
import { describeWithPostgres, useTestDatabase } from '@longvid/memory/testing';
import { testBinaries } from '@longvid/video/testing';
import { runLongvid, type ProcessRun } from './test-support/process-harness';

/**
 * Two `longvid worker` processes on one PostgreSQL database ingest a 20-video library (the shared
 * clips and dev_long.mp4, plus generated clips with burnt-in captions): every video is ingested
 * exactly once; the worker ingesting dev_long.mp4 is SIGKILLed once it has checkpointed its first
 * segment, and the other worker takes the job over after its lease ends, resumes from that
 * checkpoint in the database and builds the same memory as an uninterrupted ingestion.
 */

const SHARED_CLIPS = [
  'dev_long.mp4',
  'sam2_01_dog.mp4',
  'sam2_02_cups.mp4',
  'sam2_03_blocks.mp4',
  'sam2_04_coffee.mp4',
  'sam2_bedroom.mp4',
  'intel_bottle-detection.mp4',
  'mmaction2_basketball_gym.mp4',
  'sadtalker_WDA_AlexandriaOcasioCortez_000.mp4',
  'askanything_yoga.mp4',
  'videollava_baby_countdown_demo3.mp4',
];
const GENERATED = 9;
const LEASE_SECONDS = 10;

interface WorkerLine {
  type: string;
  job?: { name: string; videoHash: string };
  doneSeconds?: number;
  resumedSegments?: number;
  workerId?: string;
}

function events(run: { stdout: string }): WorkerLine[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as WorkerLine);
}

describeWithPostgres('two longvid workers on one PostgreSQL database', () => {
  const database = useTestDatabase();

  it('ingest a 20-video library once each; a SIGKILLed worker’s video is resumed by the other from its last checkpoint, with the same memory', async () => {
    const url = database().url;
    // The library: the shared clips, and short clips with a caption each (distinct content hashes).
    const folder = mkdtempSync(join(tmpdir(), 'longvid-worker-library-'));
    const font = resolveCaptionFont();
    const sources = SHARED_CLIPS.slice(1);
    const generated: string[] = [];
    for (let index = 0; index < GENERATED; index += 1) {
      const output = join(folder, `worker_clip_${String(index + 1).padStart(2, '0')}.mp4`);
      await encodeSegment(testBinaries(), sharedVideo(sources[index % sources.length]), output, [{ text: `SHELF ${101 + index}`, start: 1, end: 5, fontFile: font }]);
      generated.push(output);
    }
    const paths = [...SHARED_CLIPS.map(sharedVideo), ...generated];
    const videos = await Promise.all(paths.map(async (path) => ({ videoHash: await sha256File(path), path, name: basename(path) })));
    expect(new Set(videos.map((video) => video.videoHash)).size).toBe(20);
    const devLong = videos[0];
    // Each process is its own "machine": its own cache directory; only the database is shared.
    const cacheOf = (name: string): string => {
      const directory = join(folder, `cache-${name}`);
      mkdirSync(directory);
      return directory;
    };
    // The environment (PATH: pocketsphinx, when installed, is part of what is stored).
    const environment = (cacheDir: string) => ({ PATH: process.env.PATH, HOME: process.env.HOME, LONGVID_CACHE_DIR: cacheDir, LONGVID_INGEST_WORKERS: '0', LONGVID_MEMORY_URL: url });
    // `library add` with a PostgreSQL memory: the videos into the catalog, one job each on the queue
    // (dev_long.mp4 first, so one worker takes it at once while the other works through the rest).
    const add = () => runLongvid(['library', 'add', 'scale-out', ...paths, '--no-progress'], { env: environment(cacheOf(`adder-${Date.now()}`)) });
    const added = await add();
    expect([added.code, added.stderr]).toEqual([0, '']);
    expect(added.stdout).toMatch(/^Library scale-out: 20 added, 0 changed, 0 unchanged; 0 ingested, 0 failed\n20 videos are queued for the workers/);
    // Added again before any worker ran: still one job per video.
    expect((await add()).stdout).toMatch(/^Library scale-out: 0 added, 0 changed, 20 unchanged/);
    const queue = new Client({ connectionString: url });
    await queue.connect();
    const waiting = await queue.query<{ count: string }>('SELECT count(*) FROM pgboss.job WHERE name = $1', [INGEST_QUEUE]);
    await queue.end();
    expect(Number(waiting.rows[0].count)).toBe(20);
    const library = await openPostgresLibrary({ url, name: 'scale-out' });
    expect((await library.catalog.list()).map((entry) => entry.videoHash)).toEqual(videos.map((video) => video.videoHash));

    const caches = { a: cacheOf('a'), b: cacheOf('b') };
    let killed: 'a' | 'b' | undefined;
    // The catalog entry of dev_long right after the kill: what `library status` shows.
    let atKill: Promise<LibraryVideo | undefined> | undefined;
    const worker = (name: 'a' | 'b'): Promise<ProcessRun> =>
      runLongvid(['worker', '--memory-url', url, '--once', '--json', '--lease', String(LEASE_SECONDS), '--worker-id', `worker-${name}`], {
        env: environment(caches[name]),
        timeoutMs: 240_000,
        // Killed once it has checkpointed dev_long's first segment (its progress passed SEGMENT_SECONDS).
        interrupt: ({ stdout }) => {
          if (killed) return undefined;
          const midway = events({ stdout }).some((event) => event.type === 'video-progress' && event.job?.videoHash === devLong.videoHash && (event.doneSeconds ?? 0) >= SEGMENT_SECONDS);
          if (!midway) return undefined;
          killed = name;
          atKill = library.catalog.list().then((entries) => entries.find((entry) => entry.videoHash === devLong.videoHash));
          return 'SIGKILL';
        },
      });
    const runs = { a: worker('a'), b: worker('b') };
    const results = { a: await runs.a, b: await runs.b };
    expect(killed).toBeDefined();
    const victim = killed!;
    const survivor = victim === 'a' ? 'b' : 'a';
    expect(results[victim].signal).toBe('SIGKILL');
    expect(results[survivor].stderr).toBe('');
    expect(results[survivor].code).toBe(0);
    expect(await atKill).toMatchObject({ status: 'ingesting', worker: `worker-${victim}`, doneSeconds: SEGMENT_SECONDS });

    const tables = new Client({ connectionString: url });
    await tables.connect();
    try {
      // The killed worker had checkpointed at least one segment of dev_long in the database.
      const segments = await tables.query<{ key: string }>("SELECT key FROM longvid_checkpoints WHERE video_hash = $1 AND key LIKE '%/segment-%' ORDER BY key", [devLong.videoHash]);
      expect(segments.rows.length).toBe(Math.ceil(119.8 / SEGMENT_SECONDS));
      // Every video ingested to completion exactly once, and every job completed.
      const completions = await tables.query<{ video_hash: string; worker: string; resumed_segments: number }>('SELECT video_hash, worker, resumed_segments FROM longvid_ingest_runs ORDER BY id');
      const perVideo = new Map<string, number>();
      for (const row of completions.rows) perVideo.set(row.video_hash, (perVideo.get(row.video_hash) ?? 0) + 1);
      expect(perVideo.size).toBe(20);
      expect([...perVideo.values()].every((count) => count === 1)).toBe(true);
      const jobs = await tables.query<{ state: string; count: string }>('SELECT state, count(*) FROM pgboss.job WHERE name = $1 GROUP BY state', [INGEST_QUEUE]);
      expect(Object.fromEntries(jobs.rows.map((row) => [row.state, Number(row.count)]))).toEqual({ completed: 20 });
      // dev_long was started by the victim and finished by the survivor, from the victim's checkpoint.
      expect(events(results[victim]).some((event) => event.type === 'video-started' && event.job?.videoHash === devLong.videoHash)).toBe(true);
      const devLongRun = completions.rows.find((row) => row.video_hash === devLong.videoHash)!;
      expect(devLongRun.worker).toBe(`worker-${survivor}`);
      expect(devLongRun.resumed_segments).toBeGreaterThan(0);
    } finally {
      await tables.end();
    }
    // Every catalog entry ingested, its progress the whole video; `library status` says so.
    const entries = await library.catalog.list();
    expect(entries.map((entry) => [entry.status, entry.doneSeconds === entry.duration && entry.duration !== undefined])).toEqual(entries.map(() => ['ingested', true]));
    await library.memory.close();
    const status = await runLongvid(['library', 'status', 'scale-out'], { env: environment(cacheOf('status')) });
    expect(status.stdout).toMatch(/^Library scale-out: 20 videos: 20 ingested, 0 pending, 0 ingesting, 0 failed\n/);
    const finished = events(results[survivor]).find((event) => event.type === 'video-ingested' && event.job?.videoHash === devLong.videoHash);
    expect(finished?.resumedSegments).toBeGreaterThan(0);

    // The same memory (in PostgreSQL) as an uninterrupted ingestion of dev_long.mp4.
    const resumed = await PostgresMemory.openExisting({ url }, devLong.videoHash);
    expect(resumed?.manifest.complete).toBe(true);
    const fresh = await ingest(devLong.path, { resolvedSettings: loadSettings({ env: environment(cacheOf('fresh')) }).settings });
    expect(fresh.reused).toBe(false);
    expect(resumed!.manifest.params).toEqual(fresh.memory.manifest.params);
    const shape = async (memory: typeof fresh.memory) => (await memory.events()).map((event) => ({ span: event.span, text: event.text, observations: event.observations }));
    expect(await shape(resumed!)).toEqual(await shape(fresh.memory));
    expect((await resumed!.events()).some((event) => event.text.includes('LOCKER 318'))).toBe(true);
    await resumed!.close();
  }, 300_000);
});

describeWithPostgres('longvid worker stopped by SIGTERM', () => {
  const database = useTestDatabase();

  it('hands its video back to the queue for a retry, keeps its checkpoints, and exits 143', async () => {
    const url = database().url;
    const path = sharedVideo('dev_long.mp4');
    const videoHash = await sha256File(path);
    await enqueueLibraryIngest({ url, library: 'stop', videos: [{ videoHash, path, name: 'dev_long.mp4' }], retryDelaySeconds: 30 });
    const run = await runLongvid(['worker', '--memory-url', url, '--worker-id', 'stopping'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, LONGVID_CACHE_DIR: mkdtempSync(join(tmpdir(), 'longvid-worker-stop-')), LONGVID_INGEST_WORKERS: '0' },
      timeoutMs: 120_000,
      interrupt: ({ stdout }) => (/^progress dev_long\.mp4 01:00 /m.test(stdout) ? 'SIGTERM' : undefined),
    });
    expect(run.code).toBe(143);
    expect(run.stdout).toMatch(/^stopped {2}dev_long\.mp4 at 01:00; its job is retried, from its checkpoints$/m);
    expect(run.stderr).toBe('longvid: cancelled\n');
    expect(run.lastOutputToExitMs).toBeLessThan(5000);
    const tables = new Client({ connectionString: url });
    await tables.connect();
    try {
      // Waiting for its retry (pg-boss counts the retry when a worker takes it).
      const jobs = await tables.query<{ state: string }>('SELECT state FROM pgboss.job WHERE name = $1', [INGEST_QUEUE]);
      expect(jobs.rows).toEqual([{ state: 'retry' }]);
      const segments = await tables.query("SELECT key FROM longvid_checkpoints WHERE video_hash = $1 AND key LIKE '%/segment-000000.json'", [videoHash]);
      expect(segments.rows).toHaveLength(1);
      expect((await tables.query('SELECT * FROM longvid_ingest_runs')).rows).toEqual([]);
    } finally {
      await tables.end();
    }
  }, 150_000);
});
