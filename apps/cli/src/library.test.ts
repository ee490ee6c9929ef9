import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadSettings, sharedDataDir, spanOverlap } from '@longvid/core';
import { encodeSegment, resolveCaptionFont, seededRandom, TEXT_NEEDLE_TEMPLATES } from '@longvid/eval';
import { INGEST_QUEUE } from '@longvid/ingest';
import { describeWithPostgres, useTestDatabase } from '@longvid/memory/testing';
import { resolveFfmpeg } from '@longvid/video';
import { libraryAddJsonSchema, libraryAskJsonSchema, librarySearchJsonSchema, libraryStatusJsonSchema } from './library-json';
import { runLongvid, type ProcessRun } from './test-support/process-harness';

/**
 * Libraries end to end, through the built `longvid` as a child process, offline with the shared
 * YOLOv8n detector: the 11 shared videos (../shared/data/videos, MANIFEST.md) plus 10 short
 * needle clips (shared clips with a burnt-in caption, made with the NIAH generator's `encodeSegment`
 * and text-needle templates) — 21 videos. `ask --library` finds the needle's video and span,
 * "In which videos does a dog appear?" names exactly the dog clips (sam2_01_dog.mp4 and
 * dev_long.mp4 at 49.4–59.1 s, per MANIFEST.md), `search` puts the needle's moment first.
 *
 * The questions (needle ask in JSON and text, the dog question, search) run on both backends with
 * the same bodies ({@link libraryQuestions}): the embedded one (cache directory; `library add`
 * ingests), and PostgreSQL (`LONGVID_MEMORY_URL` on a throw-away `useTestDatabase()` database;
 * `library add` queues one job per video and one `longvid worker --once` ingests them), on the same
 * needle clips.
 */

const shared = sharedDataDir(__dirname)!;
const videosDir = join(shared, 'data', 'videos');
const models = join(shared, 'models', 'yolov8n-int8');
/** Caption templates whose text dev_long.mp4 holds already ("LOCKER 318", "TRAIN LEAVES AT 7:45") are left out, so each needle is in one video. */
const NEEDLE_TEMPLATES = Object.keys(TEXT_NEEDLE_TEMPLATES).filter((name) => name !== 'locker' && name !== 'train');
/** Needle clips are made from these shared clips (no dog in any of them; audio is dropped). */
const NEEDLE_SOURCES = ['askanything_yoga.mp4', 'mmaction2_basketball_gym.mp4', 'sam2_02_cups.mp4', 'sam2_03_blocks.mp4', 'sam2_04_coffee.mp4', 'sam2_bedroom.mp4', 'videollava_baby_countdown_demo3.mp4'];
/** When a needle's caption is on screen, seconds. */
const CAPTION = { start: 2, end: 5.5 };
/** The shared videos with a dog (MANIFEST.md). */
const DOG_VIDEOS = ['dev_long.mp4', 'sam2_01_dog.mp4'];

interface Needle {
  file: string;
  template: string;
  caption: string;
  question: string;
  answer: string;
}

const workDir = mkdtempSync(join(tmpdir(), 'longvid-library-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** The needle clips, in `<workDir>/needles`: one per template, each on a shared clip, the caption at {@link CAPTION}. */
async function makeNeedles(): Promise<Needle[]> {
  const directory = join(workDir, 'needles');
  mkdirSync(directory);
  const { settings } = loadSettings({ env: {} });
  const binaries = resolveFfmpeg({ ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath, searchPath: settings.searchPath });
  const fontFile = resolveCaptionFont();
  const random = seededRandom(15);
  const needles: Needle[] = [];
  for (const [index, template] of NEEDLE_TEMPLATES.entries()) {
    const drawn = TEXT_NEEDLE_TEMPLATES[template](random);
    const file = `needle-${String(index + 1).padStart(2, '0')}-${template}.mp4`;
    await encodeSegment(binaries, join(videosDir, NEEDLE_SOURCES[index % NEEDLE_SOURCES.length]), join(directory, file), [{ text: drawn.caption, ...CAPTION, fontFile }]);
    needles.push({ file, template, caption: drawn.caption, question: drawn.question, answer: drawn.answer });
  }
  return needles;
}

let needlesMade: Promise<Needle[]> | undefined;
/** The needle clips, made once for both backends. */
const needleClips = (): Promise<Needle[]> => (needlesMade ??= makeNeedles());

/** The environment of the `longvid` children on one backend: its own cache directory, the detector on. */
function childEnv(cacheName: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    HOME: join(workDir, 'home'),
    TMPDIR: tmpdir(),
    LONGVID_CACHE_DIR: join(workDir, cacheName),
    LONGVID_DETECTOR_MODEL: join(models, 'yolov8n_quant.onnx'),
    LONGVID_DETECTOR_LABELS: join(models, 'labels.json'),
    ...extra,
  };
}

/** A library named `clips` of the 21 videos, ingested, on one backend. */
interface IngestedLibrary {
  /** Runs the built `longvid` with the backend's environment. */
  longvid(argv: string[], timeoutMs?: number): Promise<ProcessRun>;
  /** The needle clip of a caption template (after the block's `beforeAll`). */
  needle(template: string): Needle;
}

/**
 * The questions every backend answers the same way (registered inside a backend's `describe`, after
 * the test that ingests its library).
 */
function libraryQuestions({ longvid, needle }: IngestedLibrary): void {
  it('answers a text needle with its video and span (JSON), reading at most 2 of the 21 videos', async () => {
    const door = needle('door');
    const run = await longvid(['ask', '--library', 'clips', door.question, '--json', '--no-progress']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = libraryAskJsonSchema.parse(JSON.parse(run.stdout));
    expect(json.answer).toBe(door.answer);
    expect(json.mode).toBe('agent');
    expect(json.video?.name).toBe(door.file);
    expect(json.evidence.length).toBeGreaterThan(0);
    expect(json.evidence.every((item) => item.video.name === door.file && item.video.path === join(workDir, 'needles', door.file) && /^[0-9a-f]{64}$/.test(item.video.hash))).toBe(true);
    expect(json.evidence.some((item) => spanOverlap(item, CAPTION) > 0)).toBe(true);
    expect(json.videos).toBe(21);
    expect(json.videosRead.length).toBeLessThanOrEqual(2);
  });

  it('prints the file name before each evidence span in text', async () => {
    const gate = needle('gate');
    const run = await longvid(['ask', '--library', 'clips', gate.question, '--no-progress']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Answer: ${gate.answer}\n`);
    const evidence = run.stdout.split('\n').filter((line) => /^ {2}\S.*\d\d:\d\d–\d\d:\d\d/.test(line));
    expect(evidence.length).toBeGreaterThan(0);
    for (const line of evidence) expect(line.startsWith(`  ${gate.file}  00:0`)).toBe(true);
    expect(run.stdout).toMatch(/^Library: 21 videos · read /m);
  });

  it('names exactly the dog clips for "In which videos does a dog appear?", with their spans', async () => {
    const run = await longvid(['ask', '--library', 'clips', 'In which videos does a dog appear?', '--json', '--no-progress']);
    expect(run.code).toBe(0);
    const json = libraryAskJsonSchema.parse(JSON.parse(run.stdout));
    expect(json.mode).toBe('entities');
    expect(json.answer.split(', ').sort()).toEqual(DOG_VIDEOS);
    expect([...new Set(json.evidence.map((item) => item.video.name))].sort()).toEqual(DOG_VIDEOS);
    expect(json.evidence.some((item) => item.video.name === 'dev_long.mp4' && spanOverlap(item, { start: 49.4, end: 59.1 }) > 0)).toBe(true);
    expect(json.evidence.filter((item) => item.video.name === 'dev_long.mp4').every((item) => spanOverlap(item, { start: 49.4, end: 59.1 }) > 0)).toBe(true);

    const count = await longvid(['ask', '--library', 'clips', 'How many videos show a dog?', '--json', '--no-progress']);
    expect(libraryAskJsonSchema.parse(JSON.parse(count.stdout)).answer).toBe('2');
  });

  it("search puts the needle's moment first, and keeps to --limit", async () => {
    const flight = needle('flight');
    const run = await longvid(['search', '--library', 'clips', flight.caption.toLowerCase(), '--limit', '3', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const json = librarySearchJsonSchema.parse(JSON.parse(run.stdout));
    expect(json.moments.length).toBe(3);
    expect(json.moments[0].video.name).toBe(flight.file);
    expect(spanOverlap(json.moments[0], CAPTION)).toBeGreaterThan(0);
    expect(json.moments[0].text).toContain(flight.answer);

    const text = await longvid(['search', '--library', 'clips', flight.caption.toLowerCase(), '--limit', '1']);
    expect(text.stdout).toMatch(new RegExp(`^ {2}1\\. ${flight.file.replace(/\./g, '\\.')} {2}00:0\\d–00:\\d\\d {2}".*${flight.answer}`));
  });
}

describe('a library of 21 videos (embedded backend)', () => {
  let needles: Needle[] = [];
  const env = childEnv('cache-embedded');
  const longvid = (argv: string[], timeoutMs = 60_000): Promise<ProcessRun> => runLongvid(argv, { env, cwd: workDir, timeoutMs });
  const needle = (template: string): Needle => needles.find((item) => item.template === template)!;

  beforeAll(async () => {
    needles = await needleClips();
  }, 60_000);

  it('adds a folder and a glob by content hash and ingests every video, then finds nothing new', async () => {
    const run = await longvid(['library', 'add', 'clips', videosDir, 'needles/*.mp4', '--json', '--no-progress'], 170_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const added = libraryAddJsonSchema.parse(JSON.parse(run.stdout));
    // The folder's dev_long.srt is not a video.
    expect(added.added.map((video) => video.name).sort()).toEqual([...needles.map((item) => item.file), 'askanything_yoga.mp4', 'dev_long.mp4', 'intel_bottle-detection.mp4', 'mmaction2_basketball_gym.mp4', 'sadtalker_WDA_AlexandriaOcasioCortez_000.mp4', 'sam2_01_dog.mp4', 'sam2_02_cups.mp4', 'sam2_03_blocks.mp4', 'sam2_04_coffee.mp4', 'sam2_bedroom.mp4', 'videollava_baby_countdown_demo3.mp4'].sort());
    expect(added.ingested.length).toBe(21);
    expect(added.failed).toEqual([]);

    const again = await longvid(['library', 'add', 'clips', videosDir, join(workDir, 'needles'), '--json', '--no-progress']);
    expect(again.code).toBe(0);
    const second = libraryAddJsonSchema.parse(JSON.parse(again.stdout));
    expect([second.added.length, second.changed.length, second.unchanged.length, second.ingested.length]).toEqual([0, 0, 21, 0]);
  }, 200_000);

  libraryQuestions({ longvid, needle });

  it('records a file that is not a video as failed with its error, and removes it', async () => {
    const broken = join(workDir, 'broken.mp4');
    writeFileSync(broken, 'not a video\n');
    const run = await longvid(['library', 'add', 'clips', broken, '--no-progress']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Library clips: 1 added, 0 changed, 0 unchanged; 0 ingested, 1 failed\n {2}failed {2}broken\.mp4: /);
    expect(run.stderr).toBe('longvid: error: 1 of 1 videos failed to ingest (see "longvid library status clips")\n');
    const status = libraryStatusJsonSchema.parse(JSON.parse((await longvid(['library', 'status', 'clips', '--json'])).stdout));
    expect(status.counts).toMatchObject({ videos: 22, ingested: 21, failed: 1, pending: 0, ingesting: 0 });
    expect(status.videos.find((video) => video.name === 'broken.mp4')?.error).toMatch(/broken\.mp4/);

    const removed = await longvid(['library', 'remove', 'clips', 'broken.mp4']);
    expect(removed.stdout).toBe('Removed broken.mp4 from library clips\n');
    const missing = await longvid(['library', 'remove', 'clips', 'broken.mp4']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^longvid: error: library clips has no video added from .*broken\.mp4 \(see "longvid library list clips"/);
    const list = libraryStatusJsonSchema.parse(JSON.parse((await longvid(['library', 'list', 'clips', '--json'])).stdout));
    expect(list.counts).toMatchObject({ videos: 21, ingested: 21 });
  });

  it('puts the video being ingested back to pending on SIGINT (exit 130); the next add ingests it', async () => {
    // A cache of its own: the second video is ingested, not read from the memory the first test built.
    const own = { ...env, LONGVID_CACHE_DIR: join(workDir, 'cache-embedded-cancelled') };
    const cups = join(videosDir, 'sam2_02_cups.mp4');
    const cancelled = await runLongvid(['library', 'add', 'cancelled', join(videosDir, 'sam2_bedroom.mp4'), cups], {
      env: own,
      cwd: workDir,
      interrupt: ({ stderr }) => (stderr.includes('ingesting sam2_02_cups.mp4 (2 of 2)') ? 'SIGINT' : undefined),
    });
    expect(cancelled.code).toBe(130);
    expect(cancelled.stderr.trim().split('\n').pop()).toMatch(/^longvid: cancelled/);
    const status = libraryStatusJsonSchema.parse(JSON.parse((await runLongvid(['library', 'status', 'cancelled', '--json'], { env: own })).stdout));
    expect(status.videos.map((video) => [video.name, video.status])).toEqual([
      ['sam2_bedroom.mp4', 'ingested'],
      ['sam2_02_cups.mp4', 'pending'],
    ]);
    const resumed = libraryAddJsonSchema.parse(JSON.parse((await runLongvid(['library', 'add', 'cancelled', cups, '--json', '--no-progress'], { env: own })).stdout));
    expect(resumed.ingested.map((video) => video.name)).toEqual(['sam2_02_cups.mp4']);
  });

  it('rejects a bad library name and a question with a video, naming the fix (exit 2)', async () => {
    const badName = await longvid(['library', 'status', '../x']);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/^longvid: error: library name "\.\.\/x" is not allowed \(use 1–64 letters/);
    const both = await longvid(['ask', '--library', 'clips', join(videosDir, 'dev_long.mp4'), 'What is the locker number?']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/give only the question/);
    const empty = await longvid(['search', '--library', 'nothing-here', 'dog']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/library nothing-here has no ingested video .*longvid library add nothing-here/);
  });
});

describeWithPostgres('a library in PostgreSQL (LONGVID_MEMORY_URL): the catalog through the CLI', () => {
  const database = useTestDatabase();
  let env: Record<string, string | undefined> = {};
  const longvid = (argv: string[]): Promise<ProcessRun> => runLongvid(argv, { env, cwd: workDir });

  beforeAll(() => {
    env = { PATH: process.env.PATH, HOME: join(workDir, 'home'), TMPDIR: tmpdir(), LONGVID_CACHE_DIR: join(workDir, 'cache-postgres-catalog'), LONGVID_MEMORY_URL: database().url };
  });

  it('adds the shared videos as pending (workers ingest them), lists, removes, and says what to do before they are ingested', async () => {
    const run = await longvid(['library', 'add', 'pg-clips', videosDir, '--no-progress']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('Library pg-clips: 11 added, 0 changed, 0 unchanged; 0 ingested, 0 failed\n11 videos are queued for the workers on the database ("longvid worker"; see "longvid library status pg-clips")\n');
    const status = libraryStatusJsonSchema.parse(JSON.parse((await longvid(['library', 'status', 'pg-clips', '--json'])).stdout));
    expect(status.counts).toEqual({ videos: 11, ingested: 0, pending: 11, ingesting: 0, failed: 0 });
    // One job per video on the queue in the same database, for `longvid worker`.
    const tables = new Client({ connectionString: database().url });
    await tables.connect();
    const jobs = await tables.query<{ key: string }>("SELECT singleton_key AS key FROM pgboss.job WHERE name = $1 AND state = 'created' ORDER BY singleton_key", [INGEST_QUEUE]);
    await tables.end();
    expect(jobs.rows.map((row) => row.key)).toEqual(status.videos.map((video) => `pg-clips/${video.hash}`).sort());
    expect(status.videos.find((video) => video.name === 'dev_long.mp4')?.path).toBe(join(videosDir, 'dev_long.mp4'));

    expect((await longvid(['library', 'remove', 'pg-clips', join(videosDir, 'dev_long.mp4')])).stdout).toBe('Removed dev_long.mp4 from library pg-clips\n');
    const again = libraryAddJsonSchema.parse(JSON.parse((await longvid(['library', 'add', 'pg-clips', videosDir, '--json', '--no-progress'])).stdout));
    expect([again.added.map((video) => video.name), again.unchanged.length]).toEqual([['dev_long.mp4'], 10]);

    const ask = await longvid(['ask', '--library', 'pg-clips', 'What is the locker number?']);
    expect(ask.code).toBe(2);
    expect(ask.stderr).toMatch(/^longvid: error: library pg-clips has no ingested video/);
  });
});

describeWithPostgres('a library of 21 videos (PostgreSQL backend: LONGVID_MEMORY_URL, ingested by longvid worker)', () => {
  const database = useTestDatabase();
  let needles: Needle[] = [];
  let env: Record<string, string | undefined> = {};
  const longvid = (argv: string[], timeoutMs = 60_000): Promise<ProcessRun> => runLongvid(argv, { env, cwd: workDir, timeoutMs });
  const needle = (template: string): Needle => needles.find((item) => item.template === template)!;

  beforeAll(async () => {
    env = childEnv('cache-postgres', { LONGVID_MEMORY_URL: database().url });
    needles = await needleClips();
  }, 60_000);

  it('library add queues one job per video; one longvid worker --once ingests all 21', async () => {
    const add = await longvid(['library', 'add', 'clips', videosDir, 'needles/*.mp4', '--no-progress']);
    expect([add.code, add.stderr]).toEqual([0, '']);
    expect(add.stdout).toMatch(/^Library clips: 21 added, 0 changed, 0 unchanged; 0 ingested, 0 failed\n21 videos are queued for the workers/);
    const worker = await longvid(['worker', '--once', '--worker-id', 'library-test'], 240_000);
    expect(worker.stderr).toBe('');
    expect(worker.code).toBe(0);
    expect(worker.stdout).toMatch(/^done: 21 ingested, 0 already ingested, 0 failed$/m);
    const status = libraryStatusJsonSchema.parse(JSON.parse((await longvid(['library', 'status', 'clips', '--json'])).stdout));
    expect(status.counts).toEqual({ videos: 21, ingested: 21, pending: 0, ingesting: 0, failed: 0 });
  }, 300_000);

  libraryQuestions({ longvid, needle });
});
