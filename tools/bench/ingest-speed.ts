/**
 * Ingestion benchmark (issue 3, target a): ingests a long video made by looping
 * `../shared/data/videos/dev_long.mp4` (default 30 loops ≈ 60 minutes, `ffmpeg -stream_loop 29
 * -c copy`, written to the OS temp directory, never committed) with default settings into a fresh
 * cache, and reports video-seconds processed per wall-second overall and per stage (from the
 * memory's stage timings), and the peak resident memory of the process tree (Node + ffmpeg).
 *
 * Settings come from the environment as for the CLI (e.g. LONGVID_DETECTOR_MODEL turns detection on,
 * LONGVID_INGEST_WORKERS sets the perception worker threads).
 *
 * Stages overlap (ffmpeg decodes ahead, the workers analyse batches side by side, VAD runs alongside),
 * so stage seconds do not add up to the wall time: `decode` is the time ingestion waited for ffmpeg's
 * next keyframe; `ocr` and `detection` the perception workers' busy seconds summed over workers (or
 * the models' wall time with `ingestWorkers` 0); `audio` and `vad` the speech pass; `shots` and
 * `index` the clip building and the memory indexing after the scan.
 * Usage: node tools/bench/dist/ingest-speed.js [--loops 30] [--json FILE] [--keep-cache]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingest } from '@longvid/agents';
import { loadSettings, sharedDataDir } from '@longvid/core';
import { resolveFfmpeg } from '@longvid/video';

/** Resident memory of a process and its descendants, KiB (Linux /proc). */
function treeRssKiB(pid: number): number {
  let total = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    for (const child of children ? children.split(/\s+/).map(Number) : []) total += treeRssKiB(child);
  } catch {
    // The process ended while we looked.
  }
  return total;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
  const loops = Number(option('--loops', '30'));
  const shared = sharedDataDir(__dirname);
  if (!shared) throw new Error('../shared/data/videos not found beside the repository');
  const source = join(shared, 'data', 'videos', 'dev_long.mp4');
  const { settings: base } = loadSettings();
  const binaries = resolveFfmpeg({});
  const video = join(tmpdir(), `longvid-bench-dev_long-x${loops}.mp4`);
  if (!existsSync(video)) execFileSync(binaries.ffmpeg, ['-v', 'error', '-y', '-stream_loop', String(loops - 1), '-i', source, '-c', 'copy', video]);
  const cacheDir = mkdtempSync(join(tmpdir(), 'longvid-bench-ingest-'));
  const settings = { ...base, cacheDir };

  let peakKiB = 0;
  const sampler = setInterval(() => {
    peakKiB = Math.max(peakKiB, treeRssKiB(process.pid));
  }, 200);
  let lastLine = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  try {
    const result = await ingest(video, {
      resolvedSettings: settings,
      onProgress: (event) => {
        const now = performance.now();
        if (event.stage === 'keyframes' && now - lastLine > 15000) {
          lastLine = now;
          process.stderr.write(`  ${event.done.toFixed(0)}/${event.total.toFixed(0)} s of video after ${((now - started) / 1000).toFixed(0)} s\n`);
        }
      },
    });
    const wall = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peakKiB = Math.max(peakKiB, treeRssKiB(process.pid));
    const duration = result.info.duration;
    const stats = result.memory.manifest.stats ?? {};
    const stages = Object.fromEntries(
      Object.entries(stats)
        .filter(([key]) => key.startsWith('stageSeconds.'))
        .map(([key, seconds]) => [key.slice('stageSeconds.'.length), { seconds, videoSecondsPerSecond: duration / Math.max(seconds, 1e-9) }]),
    );
    const summary = {
      benchmark: 'ingest-speed',
      videoSeconds: duration,
      wallSeconds: wall,
      videoSecondsPerWallSecond: duration / wall,
      peakRssMiB: peakKiB / 1024,
      // This process's CPU time, all threads (ffmpeg, a child process, not included).
      cpuSeconds: (() => {
        const used = process.cpuUsage(cpuStarted);
        return (used.user + used.system) / 1e6;
      })(),
      keyframes: stats.keyframes,
      events: (await result.memory.events()).length,
      stages,
      settings: { ingestFps: settings.ingestFps, maxClipSeconds: settings.maxClipSeconds, ingestWorkers: settings.ingestWorkers, detector: settings.detectorModelPath ?? null },
    };
    console.log(`video ${duration.toFixed(0)} s ingested in ${wall.toFixed(1)} s: ${summary.videoSecondsPerWallSecond.toFixed(2)} video-s per wall-s; peak RSS ${summary.peakRssMiB.toFixed(0)} MiB; ${summary.cpuSeconds.toFixed(0)} s CPU in this process`);
    for (const [stage, value] of Object.entries(stages)) console.log(`  ${stage.padEnd(10)} ${value.seconds.toFixed(1).padStart(7)} s  ${value.videoSecondsPerSecond.toFixed(1).padStart(7)} video-s/s`);
    const out = option('--json', '');
    if (out) writeFileSync(out, JSON.stringify(summary, null, 2));
  } finally {
    clearInterval(sampler);
    if (!args.includes('--keep-cache')) rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
