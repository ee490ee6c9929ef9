/**
 * Library benchmark (issue 15): throughput of distributed ingestion and the per-question cost of
 * `longvid ask --library` as a library grows, through the built CLI (`apps/cli/dist/main.js`) as
 * child processes, offline, with the settings of the environment.
 *
 * Clips: N copies of the shared short clips, each a ~16–20 s video made of two shared clips (one
 * with a burnt-in text needle from the NIAH generator's templates, `encodeSegment`, then joined
 * with `concatSegments`), every caption distinct. Five clips among the first ten carry the needles
 * that are asked about (door code, hotel, meeting, flight, password: templates no other clip uses);
 * the others carry distractor captions (LOCKER 828, GATE 14, BUS 257...). Clips are cached by
 * their spec in the OS temp directory (`--clips-dir`), so reruns skip the encoding.
 *
 * Throughput: `longvid library add` with `LONGVID_MEMORY_URL` queues one ingest job per clip of the
 * first `--workers-videos` (default 20) in a fresh PostgreSQL database (`createTestDatabase` of
 * `@longvid/memory/testing`, on `LONGVID_TEST_POSTGRES_URL`, default
 * postgres://root:longvid@localhost:5432/postgres); then 1, and in a second fresh database 2,
 * `longvid worker --once` processes (each with its own fresh cache directory) ingest them. Video-seconds per wall-second from the workers' start to the last one's
 * exit (so it includes each worker's start-up: Node, models, the queue).
 *
 * Question cost: embedded libraries of the first 10, 50 and 200 clips in one cache directory; the
 * largest is added (and ingested) first, the smaller ones reuse its memories by content hash. Each
 * asked needle is asked of every library: frames observed, rounds, videos read, wall seconds of
 * the process, the question's seconds as the CLI times them (ranking videos = memory search, and
 * the loop), and whether the answer, its video and an evidence span on the caption are right.
 *
 * Usage: node tools/bench/dist/library.js [--sizes 10,50,200] [--questions 5] [--workers-videos 20]
 *   [--worker-counts 1,2] [--skip-workers] [--skip-questions] [--clips-dir DIR] [--cache-dir DIR] [--json FILE]
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSettings, sharedDataDir, spanOverlap, type Span } from '@longvid/core';
import { concatSegments, encodeSegment, resolveCaptionFont, SEGMENT_ENCODING_VERSION, seededRandom, TEXT_NEEDLE_TEMPLATES, type SeededRandom } from '@longvid/eval';
import { createTestDatabase, postgresUnavailableReason, testPostgresUrl } from '@longvid/memory/testing';
import { probeVideo, resolveFfmpeg, type FfmpegBinaries } from '@longvid/video';

/** Bump when the clips change (names, sources, layout). */
const CLIPS_VERSION = 'library-bench-v1';
/** Needle templates asked about: each used by one clip only, among the first ten. */
const ASKED_TEMPLATES = ['door', 'hotel', 'meeting', 'flight', 'password'];
/** Templates of the other clips' captions (distractors). */
const DISTRACTOR_TEMPLATES = ['locker', 'gate', 'ticket', 'bus', 'train', 'shop', 'platform'];
/** Shared clips the library is made of (about 10 s each; dev_long.mp4 has captions of its own, the bottles clip is 40 s). */
const SOURCES = ['askanything_yoga.mp4', 'mmaction2_basketball_gym.mp4', 'sam2_01_dog.mp4', 'sam2_02_cups.mp4', 'sam2_03_blocks.mp4', 'sam2_04_coffee.mp4', 'sam2_bedroom.mp4', 'sadtalker_WDA_AlexandriaOcasioCortez_000.mp4', 'videollava_baby_countdown_demo3.mp4'];
/** When a caption is on screen, seconds from the start of its segment. */
const CAPTION = { start: 2, end: 5.5 };
const SEED = 15;

/** One clip of the library. */
interface Clip {
  index: number;
  file: string;
  path: string;
  template: string;
  caption: string;
  question: string;
  answer: string;
  acceptable: string[];
  /** Where the caption is on screen in this clip, seconds. */
  span: Span;
  /** Whether the benchmark asks about this clip's needle. */
  asked: boolean;
  duration: number;
}

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const numbers = (text: string): number[] => text.split(',').map(Number);
const root = resolve(__dirname, '..', '..', '..');
const cli = join(root, 'apps', 'cli', 'dist', 'main.js');

/** The 1-minute load average, for the report (the machine may be shared). */
const load = (): number => Number(loadavg()[0].toFixed(2));

/** The needles of `count` clips: drawn in order from one seed, so the first n are the same for any count ≥ n. */
function planNeedles(count: number, random: SeededRandom): Omit<Clip, 'file' | 'path' | 'span' | 'duration'>[] {
  const captions = new Set<string>();
  const askedAt = new Map(ASKED_TEMPLATES.map((template, order) => [order * 2, template]));
  const plan: Omit<Clip, 'file' | 'path' | 'span' | 'duration'>[] = [];
  let distractor = 0;
  for (let index = 0; index < count; index += 1) {
    const askedTemplate = askedAt.get(index);
    for (let attempt = 0; ; attempt += 1) {
      const template = askedTemplate ?? DISTRACTOR_TEMPLATES[distractor++ % DISTRACTOR_TEMPLATES.length];
      const drawn = TEXT_NEEDLE_TEMPLATES[template](random);
      if (captions.has(drawn.caption)) {
        if (attempt > 1000) throw new Error(`cannot draw ${count} distinct captions`);
        continue;
      }
      captions.add(drawn.caption);
      plan.push({ index, template, caption: drawn.caption, question: drawn.question, answer: drawn.answer, acceptable: drawn.acceptableAnswers ?? [], asked: askedTemplate !== undefined });
      break;
    }
  }
  return plan;
}

/** Runs tasks two at a time (the machine has two cores). */
async function inPairs<T>(tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all([lane(), lane()]);
  return results;
}

/**
 * The clips, made in `directory` unless there already: clip i = the captioned segment of
 * SOURCES[i mod 9] and the plain segment of another source, captioned one first for even i.
 */
async function makeClips(count: number, directory: string, binaries: FfmpegBinaries, videos: string): Promise<Clip[]> {
  mkdirSync(directory, { recursive: true });
  const fontFile = resolveCaptionFont();
  const plain = new Map<string, { path: string; duration: number }>();
  await inPairs(
    SOURCES.map((source) => async () => {
      const path = join(directory, `plain-${source}`);
      if (!existsSync(path)) await encodeSegment(binaries, join(videos, source), path);
      plain.set(source, { path, duration: (await probeVideo(path, binaries)).duration });
    }),
  );
  const plan = planNeedles(count, seededRandom(SEED));
  return inPairs(
    plan.map((needle) => async (): Promise<Clip> => {
      const { index } = needle;
      const source = SOURCES[index % SOURCES.length];
      const partner = SOURCES[(index + 1 + Math.floor(index / SOURCES.length)) % SOURCES.length];
      const other = plain.get(partner === source ? SOURCES[(index + 2) % SOURCES.length] : partner)!;
      const file = `clip-${String(index + 1).padStart(3, '0')}-${needle.template}-${needle.answer.replace(/[^A-Za-z0-9]/g, '')}.mp4`;
      const path = join(directory, file);
      const captionFirst = index % 2 === 0;
      if (!existsSync(path)) {
        const captioned = join(directory, `captioned-${file}`);
        await encodeSegment(binaries, join(videos, source), captioned, [{ text: needle.caption, ...CAPTION, fontFile }]);
        await concatSegments(binaries, captionFirst ? [captioned, other.path] : [other.path, captioned], path, 60);
        rmSync(captioned, { force: true });
      }
      const offset = captionFirst ? 0 : other.duration;
      return { ...needle, file, path, span: { start: CAPTION.start + offset, end: CAPTION.end + offset }, duration: (await probeVideo(path, binaries)).duration };
    }),
  );
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs the built CLI with `argv` in `env`; rejects on a non-zero exit, naming the command. */
function longvid(argv: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const run = { code, stdout, stderr, seconds: (performance.now() - started) / 1000 };
      if (code === 0) resolvePromise(run);
      else reject(new Error(`longvid ${argv.slice(0, 3).join(' ')} … exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
    });
  });
}

/** Environment of the children: this one's, with the given cache directory and memory URL (none: embedded). */
function childEnv(cacheDir: string, memoryUrl?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LONGVID_CACHE_DIR: cacheDir };
  delete env.LONGVID_MEMORY_URL;
  if (memoryUrl) env.LONGVID_MEMORY_URL = memoryUrl;
  return env;
}

interface WorkerRun {
  workers: number;
  videos: number;
  videoSeconds: number;
  wallSeconds: number;
  videoSecondsPerWallSecond: number;
  /** Videos each worker ingested. */
  perWorker: number[];
  ingestedOnce: boolean;
  enqueueSeconds: number;
  load: { start: number; end: number };
}

/** One throughput run: a fresh database and caches, `library add` queues one job per clip, `workers` processes ingest them. */
async function workerRun(clips: Clip[], workers: number, scratch: string): Promise<WorkerRun> {
  const database = await createTestDatabase(testPostgresUrl());
  try {
    // `library add` with LONGVID_MEMORY_URL queues one job per video (and ingests nothing itself).
    const adder = childEnv(mkdtempSync(join(scratch, `add-${workers}-`)), database.url);
    const queued = await longvid(['library', 'add', 'bench', ...clips.map((clip) => clip.path), '--json', '--no-progress'], adder);
    const enqueueSeconds = queued.seconds;
    const loadStart = load();
    const started = performance.now();
    const runs = await Promise.all(
      Array.from({ length: workers }, (_, index) => longvid(['worker', '--once', '--json', '--worker-id', `bench-${workers}-${index + 1}`], childEnv(mkdtempSync(join(scratch, `worker-${workers}-${index + 1}-`)), database.url))),
    );
    const wallSeconds = (performance.now() - started) / 1000;
    const ingested = runs.map((run) =>
      run.stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as { type: string; job?: { videoHash: string }; duration?: number })
        .filter((event) => event.type === 'video-ingested'),
    );
    const hashes = ingested.flat().map((event) => event.job?.videoHash);
    const videoSeconds = ingested.flat().reduce((sum, event) => sum + (event.duration ?? 0), 0);
    const status = JSON.parse((await longvid(['library', 'status', 'bench', '--json'], adder)).stdout) as { counts: { ingested: number } };
    return {
      workers,
      videos: clips.length,
      videoSeconds,
      wallSeconds,
      videoSecondsPerWallSecond: videoSeconds / wallSeconds,
      perWorker: ingested.map((events) => events.length),
      ingestedOnce: hashes.length === clips.length && new Set(hashes).size === clips.length && status.counts.ingested === clips.length,
      enqueueSeconds,
      load: { start: loadStart, end: load() },
    };
  } finally {
    await database.drop();
  }
}

/** What `ask --library --json` prints (the fields used here). */
interface AskJson {
  answer: string;
  video: { name: string } | null;
  evidence: { start: number; end: number; video: { name: string } }[];
  videosRead: { name: string }[];
  candidates: { video: { name: string } }[];
  rounds: number;
  framesObserved: number;
  timings: { rankSeconds: number; answerSeconds: number; totalSeconds: number };
}

interface QuestionRow {
  library: number;
  clip: string;
  question: string;
  expected: string;
  answer: string;
  answerRight: boolean;
  videoRight: boolean;
  spanRight: boolean;
  framesObserved: number;
  rounds: number;
  videosRead: number;
  /** Names of the videos the loop read, in order, and the best-ranked video. */
  read: string[];
  firstRanked: string | null;
  /** Wall seconds of the `ask` process (Node start-up, opening the library, models, the question). */
  processSeconds: number;
  /** Seconds of the question as the CLI times it: rank + loop. */
  questionSeconds: number;
  /** Seconds ranking the videos (library memory search, entity and narrative matches). */
  rankSeconds: number;
  /** Seconds of the plan–observe–reflect loop on the video(s) read. */
  loopSeconds: number;
}

async function askRow(size: number, clip: Clip, env: NodeJS.ProcessEnv): Promise<QuestionRow> {
  const run = await longvid(['ask', '--library', `bench-${size}`, clip.question, '--json', '--no-progress', '--offline'], env);
  const json = JSON.parse(run.stdout) as AskJson;
  const answer = json.answer.toLowerCase();
  return {
    library: size,
    clip: clip.file,
    question: clip.question,
    expected: clip.answer,
    answer: json.answer,
    answerRight: [clip.answer, ...clip.acceptable].some((expected) => answer.includes(expected.toLowerCase())),
    videoRight: json.video?.name === clip.file,
    spanRight: json.evidence.some((item) => item.video.name === clip.file && spanOverlap(item, clip.span) > 0),
    framesObserved: json.framesObserved,
    rounds: json.rounds,
    videosRead: json.videosRead.length,
    read: json.videosRead.map((video) => video.name),
    firstRanked: json.candidates[0]?.video.name ?? null,
    processSeconds: run.seconds,
    questionSeconds: json.timings.totalSeconds,
    rankSeconds: json.timings.rankSeconds,
    loopSeconds: json.timings.answerSeconds,
  };
}

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / Math.max(values.length, 1);
const fixed = (value: number, digits = 2): string => value.toFixed(digits);

async function main(): Promise<void> {
  const sizes = numbers(option('--sizes', '10,50,200')).sort((a, b) => a - b);
  const questions = Math.min(Number(option('--questions', '5')), ASKED_TEMPLATES.length);
  const workersVideos = Number(option('--workers-videos', '20'));
  const workerCounts = numbers(option('--worker-counts', '1,2'));
  const skipWorkers = args.includes('--skip-workers');
  const skipQuestions = args.includes('--skip-questions');
  if (!existsSync(cli)) throw new Error(`${cli} not found: build the CLI first (npx nx run longvid:build)`);
  const shared = sharedDataDir(__dirname);
  if (!shared) throw new Error('../shared/data/videos not found beside the repository');
  const { settings } = loadSettings();
  const binaries = resolveFfmpeg({ ffmpegPath: settings.ffmpegPath, ffprobePath: settings.ffprobePath, searchPath: settings.searchPath });
  const clipsDir = option('--clips-dir', join(tmpdir(), `longvid-bench-${CLIPS_VERSION}-${SEGMENT_ENCODING_VERSION}`));
  const count = Math.max(skipQuestions ? 0 : sizes[sizes.length - 1], skipWorkers ? 0 : workersVideos, 10);

  const clipsStarted = performance.now();
  const clips = await makeClips(count, clipsDir, binaries, join(shared, 'data', 'videos'));
  const clipSeconds = (performance.now() - clipsStarted) / 1000;
  console.log(`${clips.length} clips (${fixed(mean(clips.map((clip) => clip.duration)), 1)} s on average) in ${clipsDir}, ready in ${fixed(clipSeconds, 1)} s`);
  const scratch = mkdtempSync(join(tmpdir(), 'longvid-bench-library-'));
  const summary: Record<string, unknown> = {
    benchmark: 'library',
    clips: { count: clips.length, directory: clipsDir, meanSeconds: mean(clips.map((clip) => clip.duration)), secondsToMake: clipSeconds },
    settings: { ingestWorkers: settings.ingestWorkers, ingestFps: settings.ingestFps, detector: settings.detectorModelPath ?? null, maxRounds: settings.maxRounds, maxFrames: settings.maxFrames },
  };
  try {
    if (!skipWorkers) {
      const unavailable = postgresUnavailableReason(testPostgresUrl());
      if (unavailable) throw new Error(`PostgreSQL with pgvector is needed for the workers (LONGVID_TEST_POSTGRES_URL): ${unavailable}; start it, or pass --skip-workers`);
      const library = clips.slice(0, workersVideos);
      const runs: WorkerRun[] = [];
      for (const workers of workerCounts) {
        const run = await workerRun(library, workers, scratch);
        runs.push(run);
        console.log(
          `${workers} worker(s): ${run.videos} videos, ${fixed(run.videoSeconds, 0)} s of video in ${fixed(run.wallSeconds, 1)} s = ${fixed(run.videoSecondsPerWallSecond)} video-s per wall-s (per worker ${run.perWorker.join('/')}; each once: ${run.ingestedOnce}; load ${run.load.start}→${run.load.end})`,
        );
      }
      const base = runs[0];
      summary.throughput = { runs, ratios: runs.slice(1).map((run) => ({ workers: `${run.workers}/${base.workers}`, videoSecondsPerWallSecond: run.videoSecondsPerWallSecond / base.videoSecondsPerWallSecond })) };
      for (const run of runs.slice(1)) console.log(`${run.workers} workers / ${base.workers}: ${fixed(run.videoSecondsPerWallSecond / base.videoSecondsPerWallSecond)}× the video-seconds per wall-second`);
    }

    if (!skipQuestions) {
      const cacheDir = option('--cache-dir', '') || join(scratch, 'cache');
      const env = childEnv(cacheDir);
      const adds: { library: number; seconds: number; ingested: number; failed: number; reused: boolean; videoSeconds: number; load: { start: number; end: number } }[] = [];
      // The largest library first: it ingests every clip; the smaller ones reuse those memories by content hash.
      for (const size of [...sizes].reverse()) {
        const loadStart = load();
        const run = await longvid(['library', 'add', `bench-${size}`, ...clips.slice(0, size).map((clip) => clip.path), '--json', '--no-progress'], env);
        const report = JSON.parse(run.stdout) as { ingested: unknown[]; failed: unknown[] };
        const videoSeconds = clips.slice(0, size).reduce((sum, clip) => sum + clip.duration, 0);
        // Only the first add ingests; the others find each memory by content hash.
        const reused = adds.length > 0;
        adds.push({ library: size, seconds: run.seconds, ingested: report.ingested.length, failed: report.failed.length, reused, videoSeconds, load: { start: loadStart, end: load() } });
        console.log(`library add bench-${size}: ${report.ingested.length} videos ${reused ? 'added, memories reused,' : 'ingested'} (${report.failed.length} failed) in ${fixed(run.seconds, 1)} s${reused ? '' : ` (${fixed(videoSeconds / run.seconds)} video-s per wall-s)`}`);
      }
      const asked = clips.filter((clip) => clip.asked).slice(0, questions);
      const rows: QuestionRow[] = [];
      const loadStart = load();
      for (const size of sizes) for (const clip of asked) rows.push(await askRow(size, clip, env));
      const loadEnd = load();
      const costOf = (mine: QuestionRow[]) => ({
        framesObserved: mean(mine.map((row) => row.framesObserved)),
        rounds: mean(mine.map((row) => row.rounds)),
        videosRead: mean(mine.map((row) => row.videosRead)),
        processSeconds: mean(mine.map((row) => row.processSeconds)),
        questionSeconds: mean(mine.map((row) => row.questionSeconds)),
        rankSeconds: mean(mine.map((row) => row.rankSeconds)),
        loopSeconds: mean(mine.map((row) => row.loopSeconds)),
      });
      const perSize = sizes.map((size) => {
        const mine = rows.filter((row) => row.library === size);
        const right = { answer: mine.filter((row) => row.answerRight).length, video: mine.filter((row) => row.videoRight).length, span: mine.filter((row) => row.spanRight).length };
        return { library: size, questions: mine.length, right, ...costOf(mine) };
      });
      // Cost at the largest library over cost at the smallest: over every question, and over the questions answered right (answer, video and span) at every size.
      const rightEverywhere = asked.filter((clip) => rows.filter((row) => row.clip === clip.file).every((row) => row.answerRight && row.videoRight && row.spanRight)).map((clip) => clip.file);
      const ratiosOf = (pick: (row: QuestionRow) => boolean) => {
        const [first, last] = [costOf(rows.filter((row) => row.library === sizes[0] && pick(row))), costOf(rows.filter((row) => row.library === sizes[sizes.length - 1] && pick(row)))];
        const ratio = (key: keyof typeof first) => last[key] / Math.max(first[key], 1e-9);
        return { libraries: `${sizes[sizes.length - 1]}/${sizes[0]}`, framesObserved: ratio('framesObserved'), processSeconds: ratio('processSeconds'), questionSeconds: ratio('questionSeconds'), rankSeconds: ratio('rankSeconds'), loopSeconds: ratio('loopSeconds') };
      };
      const ratios = { all: ratiosOf(() => true), rightEverywhere: { questions: rightEverywhere, ...ratiosOf((row) => rightEverywhere.includes(row.clip)) } };
      summary.questions = { ingestion: adds, perSize, ratios, load: { start: loadStart, end: loadEnd }, rows };
      console.log('\nvideos | right (answer/video/span) | frames | rounds | videos read | process s | question s | rank s | loop s');
      for (const row of perSize) {
        console.log(
          `${String(row.library).padStart(6)} | ${row.right.answer}/${row.right.video}/${row.right.span} of ${row.questions}`.padEnd(36) +
            ` | ${fixed(row.framesObserved, 1).padStart(6)} | ${fixed(row.rounds, 1).padStart(6)} | ${fixed(row.videosRead, 1).padStart(11)} | ${fixed(row.processSeconds).padStart(9)} | ${fixed(row.questionSeconds).padStart(10)} | ${fixed(row.rankSeconds).padStart(6)} | ${fixed(row.loopSeconds).padStart(6)}`,
        );
      }
      for (const [label, value] of [['every question', ratios.all], [`the ${rightEverywhere.length} right at every size`, ratios.rightEverywhere]] as const) {
        console.log(`cost at ${value.libraries} videos, ${label}: frames ${fixed(value.framesObserved)}×, process seconds ${fixed(value.processSeconds)}×, question seconds ${fixed(value.questionSeconds)}× (rank ${fixed(value.rankSeconds)}×, loop ${fixed(value.loopSeconds)}×)`);
      }
    }
    console.log(JSON.stringify({ ...summary, questions: summary.questions ? { ...(summary.questions as object), rows: undefined } : undefined }, null, 2));
    const out = option('--json', '');
    if (out) writeFileSync(out, JSON.stringify(summary, null, 2));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
