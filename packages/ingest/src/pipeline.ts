import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { Clip, Observation, OnProgress, Settings, VideoInfo } from '@longvid/core';
import { rm } from 'node:fs/promises';
import { ensureWritableDirectory, LongVidError, progress, type Span, spanOverlap } from '@longvid/core';
import { z } from 'zod';
import { buildNarrative, describeObservations, EpisodicMemory, type EpisodicMemoryOptions, memoryDirectory, stableStringify, type MemoryStore, type NarrativeSummarizer } from '@longvid/memory';
import type { VoiceActivityDetector } from '@longvid/perception';
import { keyframeDetections, speechObservations, trackObjects, trackObservations } from '@longvid/perception';
import type { FfmpegBinaries, SubtitleLine } from '@longvid/video';
import { extractAudio, makeClips, probeVideo, readSubtitles, shotsFromScores, videoContentHash } from '@longvid/video';
import { type KeyframeAnalyzer, scanKeyframes } from './keyframe-scan';
import { captionClips } from './captions';
import type { ClipCaptioner } from './captioner';
import { type CheckpointStore, checkpointFolder, checkpointInputs, FileCheckpointStore } from './checkpoint-file';
import { withIngestLock } from './ingest-lock';
import { groupOcrReadings, SUBTITLE_CONFIDENCE, subtitleObservation } from './observations';
import type { LocalTools } from './local-tools';
import { transcribeSpeech } from './transcripts';

/** Longest frame side, pixels, of keyframes read at ingestion. */
export const INGEST_MAX_SIDE = 640;
/** ffmpeg scene-score threshold for shot detection at ingestion. */
export const SHOT_THRESHOLD = 0.3;
/** Version of the ingestion pipeline; bump it when what is stored changes. */
export const PIPELINE_VERSION = 'ingest-v2';
/** Length of an ingestion checkpoint segment, seconds. */
export const SEGMENT_SECONDS = 60;

function prefixKeys(prefix: string, values: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`${prefix}${key}`, value]));
}

/**
 * Options of {@link ingestVideo}: the settings, the local tools ({@link LocalTools}: ffmpeg, OCR,
 * embedder; the detector's keyframe detections become tracks, object observations and entities;
 * voice activity becomes `speech` observations, whose words the `recognizer` (an OpenAI-compatible
 * `/audio/transcriptions` endpoint, or pocketsphinx) transcribes — {@link transcribeSpeech},
 * checkpointed per chunk — a segment a subtitle line covers being left to the subtitle, the
 * recognizer's `modelId` part of the memory's key (without it speech is `someone speaks`); with
 * `perceptionPool`, worker threads holding the
 * same OCR model and detector — same `modelId`s — analyse the keyframes, one batch per worker at
 * once, started only when the video is actually ingested) and the rest below.
 */
export interface IngestOptions extends LocalTools {
  settings: Settings;
  /** Speech chunks transcribed at once (default 1). */
  transcriptionConcurrency?: number;
  /** A subtitle sidecar (.srt/.vtt); its lines become observations of the clips they overlap. */
  subtitlesPath?: string;
  onProgress?: OnProgress;
  signal?: AbortSignal;
  /**
   * Makes the video-LLM captioner for this video (given its path, probe and content hash). Clips
   * are then captioned ({@link captionClips}) after the local perception, and the narrative layer's
   * summaries are written by the captioner's `doNarrate` ({@link narrativeSummarizer}); the
   * captioner's id is part of the memory's key. Absent offline: memory then holds the local
   * observations only and the narrative is assembled from them.
   */
  captioner?: (video: { path: string; info: VideoInfo; videoHash: string }) => ClipCaptioner;
  /** Clips captioned at once (default 2). */
  captionConcurrency?: number;
  /**
   * Where this video's checkpoints (keyframe segments, speech, transcripts, captions, narrative) are
   * kept, given its content hash. Default: files under `<cacheDir>/checkpoints`
   * ({@link FileCheckpointStore}); a library worker keeps them in the database
   * (`PostgresCheckpointStore`), so another worker resumes a video this one left half-done.
   */
  checkpoints?: (videoHash: string) => CheckpointStore;
  /**
   * Opens the memory the video is ingested into, given what it is built from (the same options as
   * `EpisodicMemory.open`). Default: an `EpisodicMemory` under `settings.cacheDir`, keyed by the
   * video's hash and parameters, one process at a time per memory (a file lock). With this option
   * no file lock is taken: the caller makes sure one process ingests a video at a time (a library
   * worker: the job queue and a database lock). The store it returns is reused as it is when its
   * manifest says complete; otherwise it must hold no events yet (its writes are kept until `save`).
   */
  openMemory?: (options: EpisodicMemoryOptions) => Promise<MemoryStore>;
  /**
   * The content hash the video must have (a library's video, added by hash): checked right after
   * hashing, before any other work.
   */
  expectedVideoHash?: string;
}

/** What {@link ingestVideo} returns. */
export interface IngestResult {
  info: VideoInfo;
  videoHash: string;
  memory: MemoryStore;
  /** Directory the memory is stored in; empty when {@link IngestOptions.openMemory} stored it elsewhere (e.g. in PostgreSQL). */
  memoryDirectory: string;
  /** True when an existing complete memory was loaded instead of ingesting again. */
  reused: boolean;
  /** Wall time spent in this call, seconds. */
  seconds: number;
  /** Wall time the original ingestion took, seconds (from the stored manifest when reused). */
  ingestSeconds: number;
  subtitles: SubtitleLine[];
  /** The models that built this memory (part of its key), by role; null where none was used. */
  backends: IngestBackends;
}

/** The models an ingestion used, by role (ids as the models report them); null where none was used. */
export interface IngestBackends {
  /** OCR model, e.g. `ppocr-v4:...`. */
  ocr: string;
  /** Object detector, or null without `detectorModelPath`. */
  detector: string | null;
  /** Voice-activity detector, or null when the video has no audio or none was given. */
  vad: string | null;
  /** Speech recognizer, or null when speech was not transcribed. */
  recognizer: string | null;
  /** Text embedder of the events. */
  embedder: string;
  /** Video-LLM captioner (it writes the narrative summaries too), or null offline. */
  captioner: string | null;
}

function shortHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex').slice(0, 12);
}

const speechSchema = z.array(z.object({ start: z.number(), end: z.number() }));

/** Length of the audio read at once for voice activity, seconds (bounds memory on long videos). */
const AUDIO_CHUNK_SECONDS = 600;

/**
 * Speech segments of a video's audio (Silero VAD), read in chunks of {@link AUDIO_CHUNK_SECONDS}
 * and checkpointed as one checkpoint; segments that touch across a chunk border are joined.
 */
async function detectSpeech(
  path: string,
  duration: number,
  binaries: FfmpegBinaries,
  voiceActivity: VoiceActivityDetector,
  checkpoint: { store: CheckpointStore; key: string; inputs: string },
  stageSeconds: Record<string, number>,
  signal: AbortSignal | undefined,
): Promise<Span[]> {
  // A missing, damaged or edited checkpoint is redone.
  const saved = await checkpoint.store.read(checkpoint.key, speechSchema, checkpoint.inputs);
  if (saved.status === 'ok') return saved.value;
  const segments: Span[] = [];
  stageSeconds.audio ??= 0;
  stageSeconds.vad ??= 0;
  for (let start = 0; start < duration; start += AUDIO_CHUNK_SECONDS) {
    let time = performance.now();
    const samples = await extractAudio(path, binaries, { sampleRate: 16000, span: { start, end: Math.min(duration, start + AUDIO_CHUNK_SECONDS) }, signal });
    stageSeconds.audio += (performance.now() - time) / 1000;
    time = performance.now();
    const found = await voiceActivity.doDetect(samples, { offset: start, signal });
    stageSeconds.vad += (performance.now() - time) / 1000;
    for (const segment of found) {
      const last = segments[segments.length - 1];
      if (last && segment.start - last.end < 0.05) last.end = Math.max(last.end, segment.end);
      else segments.push({ start: segment.start, end: segment.end });
    }
  }
  await checkpoint.store.write(checkpoint.key, segments, checkpoint.inputs);
  return segments;
}

/** Joins a clip's observations into the text that is embedded and lexically indexed. */
export function eventText(observations: Observation[]): string {
  return [...new Set(observations.map((o) => o.text.trim()).filter(Boolean))].join(' | ');
}

/**
 * Builds (or loads) the episodic memory of a video: probe → content hash → one decoding pass that
 * streams keyframes at `settings.ingestFps` and scene scores ({@link scanKeyframes}) → OCR on
 * keyframes → shots (scene score > {@link SHOT_THRESHOLD}) → clips → one event per clip with its
 * observations (OCR lines and subtitle lines) and an embedding → hnswlib index + metadata on disk.
 *
 * The memory is stored under `settings.cacheDir` keyed by the video's content hash and every
 * parameter that changes what is stored (or wherever {@link IngestOptions.openMemory} opens it, e.g.
 * PostgreSQL); a later call with the same key loads it instead of ingesting again. Keyframe results
 * and scene scores are checkpointed per {@link SEGMENT_SECONDS} of video (in files under the cache
 * directory, or the store {@link IngestOptions.checkpoints} gives), so an interrupted ingestion — by
 * this process or, with a shared store, another one — resumes where it stopped and ends with the same
 * memory. Checkpoints carry the SHA-256 of their content and a hash of their inputs, and the memory files
 * (index included) are hashed in its manifest: a checkpoint or memory that fails its check is redone
 * from the last good checkpoint, with one progress event (`checkpoint` / `rebuild`) saying so.
 * One process ingests a video at a time (a lock per memory directory; with `openMemory` the caller
 * ensures it): another one waits with a `wait` progress event and then reads the finished memory.
 * @throws LongVidError `FILE_NOT_FOUND` / `NOT_A_VIDEO` / `CORRUPT_VIDEO` for a bad video,
 *   `FILE_NOT_FOUND` / `SUBTITLES_INVALID` for a bad subtitle file, `BAD_INPUT` when the video's
 *   hash is not `expectedVideoHash`, `ABORTED` when `signal` aborts.
 */
export async function ingestVideo(videoPath: string, options: IngestOptions): Promise<IngestResult> {
  const started = performance.now();
  const { settings, binaries, ocr, embedder, detector, voiceActivity, onProgress, signal } = options;
  const path = resolve(videoPath);
  // Before any work (and any ffmpeg child): a cache directory that is a file or read-only is one line.
  await ensureWritableDirectory(settings.cacheDir, 'cache directory', 'set LONGVID_CACHE_DIR (or --cache-dir) to a writable directory');
  onProgress?.(progress('probe', 0, 1));
  const info = await probeVideo(path, binaries, { signal });
  const subtitles = options.subtitlesPath ? await readSubtitles(options.subtitlesPath) : [];
  onProgress?.(progress('hash', 0, 1));
  const videoHash = await videoContentHash(path);
  if (options.expectedVideoHash !== undefined && options.expectedVideoHash !== videoHash) {
    throw new LongVidError('BAD_INPUT', `${path} has changed since it was added (its content hash is not the one expected)`, {
      details: { path, expected: options.expectedVideoHash, actual: videoHash },
      hint: 'add the file to the library again, so its new content is ingested',
    });
  }
  const visualParams = { pipeline: PIPELINE_VERSION, segmentSeconds: SEGMENT_SECONDS, ingestFps: settings.ingestFps, maxClipSeconds: settings.maxClipSeconds, shotThreshold: SHOT_THRESHOLD, ocr: ocr.modelId, detector: detector?.modelId ?? null, maxSide: INGEST_MAX_SIDE };
  const captioner = options.captioner?.({ path, info, videoHash });
  const transcribes = info.hasAudio && voiceActivity && options.recognizer ? options.recognizer : undefined;
  const params = { ...visualParams, speech: info.hasAudio && voiceActivity ? voiceActivity.modelId : null, ...(transcribes ? { transcription: transcribes.modelId } : {}), embedder: embedder.embedderId, subtitles: subtitles.length ? shortHash({ subtitles, confidence: SUBTITLE_CONFIDENCE }) : null, ...(captioner ? { captions: captioner.captionerId } : {}) };
  const directory = options.openMemory ? '' : memoryDirectory(settings.cacheDir, videoHash, params);
  const memoryOptions: EpisodicMemoryOptions = { videoHash, params, embedderId: embedder.embedderId, dimensions: embedder.dimensions, video: info };
  const backends: IngestBackends = { ocr: ocr.modelId, detector: detector?.modelId ?? null, vad: params.speech, recognizer: transcribes?.modelId ?? null, embedder: embedder.embedderId, captioner: captioner?.captionerId ?? null };

  const reused = (memory: MemoryStore): IngestResult => ({
    info,
    videoHash,
    memory,
    memoryDirectory: directory,
    reused: true,
    seconds: (performance.now() - started) / 1000,
    ingestSeconds: memory.manifest.stats?.ingestSeconds ?? 0,
    subtitles,
    backends,
  });
  if (options.openMemory) {
    const memory = await options.openMemory(memoryOptions);
    if (memory.manifest.complete) return reused(memory);
    if ((await memory.events()).length > 0) {
      throw new LongVidError('MEMORY_CORRUPT', `the memory of ${path} opened by openMemory is incomplete but already holds events`, {
        details: { path, videoHash },
        hint: 'openMemory must return a complete store or an empty one (writes kept until save); delete the incomplete memory and ingest again',
      });
    }
    return ingestInto(async () => memory);
  }
  const openDirectory = (): Promise<EpisodicMemory> => EpisodicMemory.open(directory, memoryOptions);
  const reuse = async (): Promise<IngestResult> => reused(await openDirectory());
  if (EpisodicMemory.exists(directory)) {
    try {
      return await reuse();
    } catch (error) {
      // A memory that fails its integrity check is rebuilt below, under the lock.
      if (!LongVidError.is(error) || error.code !== 'MEMORY_CORRUPT') throw error;
    }
  }
  // One ingestion per memory at a time: a second process waits, then reads the first one's memory.
  return withIngestLock(
    directory,
    async () => {
      if (EpisodicMemory.exists(directory)) {
        try {
          return await reuse();
        } catch (error) {
          if (!LongVidError.is(error) || error.code !== 'MEMORY_CORRUPT') throw error;
          onProgress?.(progress('rebuild', 0, 0, `memory failed its integrity check (${error.message}); rebuilding it from the last good checkpoints`));
          await rm(directory, { recursive: true, force: true });
        }
      }
      return ingestInto(async () => {
        const memory = await openDirectory();
        if ((await memory.events()).length === 0) return memory;
        // Left by a process killed while saving (we hold the lock, so nobody is writing it): the
        // checkpoints hold the work, so the memory is rebuilt from them.
        onProgress?.(progress('rebuild', 0, 0, `memory at ${directory} was left incomplete; rebuilding it from the checkpoints`));
        await rm(directory, { recursive: true, force: true });
        return openDirectory();
      });
    },
    { onProgress, signal },
  );

  /** Ingests the video into the (empty) store `openStore` gives, opened once perception is done. */
  async function ingestInto(openStore: () => Promise<MemoryStore>): Promise<IngestResult> {
    // One folder of checkpoints per video and visual parameters, in the store the options choose.
    const checkpointRoot = options.checkpoints?.(videoHash) ?? new FileCheckpointStore(join(settings.cacheDir, 'checkpoints'));
    const checkpoints = checkpointFolder(checkpointRoot, `${videoHash.slice(0, 16)}-${shortHash(visualParams)}`);
    const pool = options.perceptionPool ? await options.perceptionPool() : undefined;
    if (pool && (pool.ocr?.modelId !== ocr.modelId || pool.detector?.modelId !== detector?.modelId)) {
      throw new LongVidError('BAD_INPUT', `the perception pool's models (${pool.ocr?.modelId}, ${pool.detector?.modelId ?? 'no detector'}) differ from the ingestion's (${ocr.modelId}, ${detector?.modelId ?? 'no detector'})`, {
        details: { pool: [pool.ocr?.modelId, pool.detector?.modelId], models: [ocr.modelId, detector?.modelId] },
        hint: 'start the pool with the same OCR and detector options as the models given to ingestVideo',
      });
    }
    const keyframeOcr = pool?.ocr ?? ocr;
    const keyframeDetector = pool ? pool.detector : detector;
    const ocrAnalyzer: KeyframeAnalyzer = {
      stage: 'ocr',
      analyzerId: ocr.modelId,
      async analyze(frames, into, analyzeSignal) {
        const lines = await keyframeOcr.doRecognize(frames, { signal: analyzeSignal });
        lines.forEach((frameLines, index) => into[index].text.push(...frameLines.map((line) => ({ text: line.text, confidence: line.confidence, box: line.box }))));
      },
    };
    const analyzers = [ocrAnalyzer];
    if (keyframeDetector) {
      analyzers.push({
        stage: 'detection',
        analyzerId: keyframeDetector.modelId,
        async analyze(frames, into, analyzeSignal) {
          const found = keyframeDetections(frames, await keyframeDetector.doDetect(frames, { signal: analyzeSignal }));
          found.forEach((frame, index) => into[index].objects.push(...frame.detections));
        },
      });
    }
    const poolBefore = pool?.stats();
    // With perception workers, speech is found while they analyse the keyframes (the VAD needs little
    // CPU and fills the gaps); without them it would take turns with OCR on this thread, so it waits.
    const speechSeconds: Record<string, number> = {};
    // Stopped when the scan fails, so nothing of this ingestion (ffmpeg, the VAD) runs on after it rejects.
    const stopSpeech = new AbortController();
    const speechSignal = signal ? AbortSignal.any([signal, stopSpeech.signal]) : stopSpeech.signal;
    const findSpeech = (): Promise<Span[]> =>
      info.hasAudio && voiceActivity ? detectSpeech(path, info.duration, binaries, voiceActivity, { store: checkpoints, key: `speech-${shortHash(voiceActivity.modelId)}.json`, inputs: checkpointInputs({ videoHash, vad: voiceActivity.modelId, chunkSeconds: AUDIO_CHUNK_SECONDS }) }, speechSeconds, speechSignal) : Promise.resolve([]);
    const speechTask = pool ? findSpeech() : undefined;
    // Awaited below; this only keeps a failure from being reported as unhandled while the scan runs.
    speechTask?.catch(() => undefined);
    const scan = await scanKeyframes(path, {
      binaries,
      fps: settings.ingestFps,
      maxSide: INGEST_MAX_SIDE,
      duration: info.duration,
      analyzers,
      checkpoints,
      checkpointInputs: { videoHash, visualParams },
      segmentSeconds: SEGMENT_SECONDS,
      // One batch more than workers, so a worker never waits for the next batch to be dispatched.
      concurrency: pool ? pool.size + 1 : 1,
      onProgress,
      signal,
    }).catch(async (error: unknown) => {
      stopSpeech.abort();
      await speechTask?.catch(() => undefined);
      throw error;
    });
    if (pool && poolBefore) {
      // With workers, a stage's time is the workers' busy time (the analyzers' wall time would count
      // the batches in flight at once several times).
      const after = pool.stats();
      scan.stageSeconds.ocr = after.recognize.seconds - poolBefore.recognize.seconds;
      if (keyframeDetector) scan.stageSeconds.detection = after.detect.seconds - poolBefore.detect.seconds;
    }
    let stageStarted = performance.now();
    const shots = shotsFromScores(scan.scenes, info.duration, SHOT_THRESHOLD);
    const clips: Clip[] = makeClips(shots, { maxClipSeconds: settings.maxClipSeconds });
    const perClip: Observation[][] = clips.map((clip) =>
      groupOcrReadings(
        scan.frames.filter((frame) => frame.time >= clip.span.start && frame.time < clip.span.end).map((frame) => ({ time: frame.time, lines: frame.text })),
        settings.ingestFps,
        clip.span,
      ),
    );
    // Objects: keyframe detections linked into tracks (never across a cut), one observation per appearance.
    const tracks = detector
      ? trackObjects(
          scan.frames.map((frame) => ({ time: frame.time, detections: frame.objects })),
          { frameSeconds: 1 / settings.ingestFps, boundaries: shots.slice(1).map((shot) => shot.span.start) },
        )
      : [];
    const objectObservations = trackObservations(tracks);
    scan.stageSeconds.shots = (performance.now() - stageStarted) / 1000;
    // Speech: voice activity over the audio track, checkpointed.
    const speech = await (speechTask ?? findSpeech());
    Object.assign(scan.stageSeconds, speechSeconds);
    // Transcripts: the speech segments' words, checkpointed per chunk; subtitles win where they cover speech.
    let transcribed: Observation[] = [];
    if (transcribes && speech.length > 0) {
      stageStarted = performance.now();
      const segments = await transcribeSpeech(path, speech, info.duration, {
        binaries,
        recognizer: transcribes,
        checkpoints: checkpointFolder(checkpoints, `transcripts-${shortHash(transcribes.modelId)}`),
        checkpointInputs: { videoHash, recognizer: transcribes.modelId },
        concurrency: options.transcriptionConcurrency,
        onProgress,
        signal,
      });
      transcribed = speechObservations({ text: segments.map((segment) => segment.text).join(' '), segments }, subtitles.map((line) => line.span), transcribes.modelId);
      scan.stageSeconds.transcription = (performance.now() - stageStarted) / 1000;
    }
    clips.forEach((clip, index) => {
      const inside = (span: { start: number; end: number }) => spanOverlap(span, clip.span) > 0;
      perClip[index].push(...objectObservations.filter((o) => inside(o.span)));
      perClip[index].push(...transcribed.filter((o) => inside(o.span)));
      // Speech the recognizer gave no words for (or that a subtitle covers) stays "someone speaks".
      const voiced = speech.filter((span) => inside(span) && !transcribed.some((o) => spanOverlap(o.span, span) > 0));
      perClip[index].push(...voiced.map((span): Observation => ({ kind: 'speech', span, text: 'someone speaks', confidence: 0.9, tool: 'vad' })));
    });

    if (captioner) {
      const captionOptions = { checkpoints: checkpointFolder(checkpoints, `captions-${shortHash(captioner.captionerId)}`), concurrency: options.captionConcurrency, onProgress, signal };
      const captions = await captionClips(clips, captioner, captionOptions);
      captions.forEach((observations, index) => perClip[index].push(...observations));
    }

    const memory = await openStore();
    const eventObservations = clips.map((clip, index) => {
      const spoken: Observation[] = subtitles.filter((line) => spanOverlap(line.span, clip.span) > 0).map(subtitleObservation);
      return [...perClip[index], ...spoken].sort((a, b) => a.span.start - b.span.start);
    });
    onProgress?.(progress('index', 0, clips.length));
    stageStarted = performance.now();
    const texts = eventObservations.map(eventText);
    const embeddings = await embedder.doEmbed(texts.map((t) => t || '(no observations)'), { signal });
    await memory.addEvents(clips.map((clip, index) => ({ event: { clipIndex: clip.index, span: clip.span, observations: eventObservations[index], text: texts[index] }, embedding: embeddings[index] })));
    if (tracks.length > 0) await memory.setTracks(tracks);
    // The narrative layer, one mechanism: online the captioner writes each scene's summary, offline the observations' draft is it.
    const summarize = captioner ? narrativeSummarizer(captioner, checkpointFolder(checkpoints, `narrative-${shortHash(captioner.captionerId)}`), { videoHash, captioner: captioner.captionerId }) : undefined;
    await memory.setNarrative(await buildNarrative(await memory.events(), { summarize, signal, onProgress }));
    scan.stageSeconds.index = (performance.now() - stageStarted) / 1000;
    const seconds = (performance.now() - started) / 1000;
    await memory.markComplete({ ingestSeconds: seconds, clips: clips.length, shots: shots.length, tracks: tracks.length, speechSegments: speech.length, transcriptSegments: transcribed.length, keyframes: scan.frames.length, resumedSegments: scan.resumedSegments, ...prefixKeys('stageSeconds.', scan.stageSeconds) });
    await memory.save();
    onProgress?.(progress('index', clips.length, clips.length));
    return { info, videoHash, memory, memoryDirectory: directory, reused: false, seconds, ingestSeconds: seconds, subtitles, backends };
  }
}

/**
 * A {@link NarrativeSummarizer} for `buildNarrative` of `@longvid/memory` that has `captioner` write
 * each scene's summary (its `doNarrate`) from what each of the scene's events says
 * (`describeObservations`: captions, objects, on-screen text, words spoken) and the previous
 * summary. Each summary is checkpointed with integrity in `checkpoints` (keyed by the group's
 * position; its inputs are `inputs` and the request), so an interrupted ingestion resumes without
 * asking again and a checkpoint made from other inputs is asked again.
 */
export function narrativeSummarizer(captioner: ClipCaptioner, checkpoints: CheckpointStore, inputs: unknown): NarrativeSummarizer {
  return async (group, { signal }) => {
    const request = { span: group.span, clips: group.events.map((event) => ({ span: event.span, text: describeObservations(event.observations) })), previous: group.previous };
    const key = `summary-${String(group.index).padStart(5, '0')}.json`;
    const made = checkpointInputs({ inputs, request });
    const saved = await checkpoints.read(key, z.object({ summary: z.string() }), made);
    if (saved.status === 'ok') return saved.value.summary;
    const summary = await captioner.doNarrate(request, { signal });
    await checkpoints.write(key, { summary }, made);
    return summary;
  };
}
