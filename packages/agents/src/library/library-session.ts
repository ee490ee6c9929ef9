import type { Answer, Evidence, OnProgress, Settings, Span, TraceEvent } from '@longvid/core';
import { LongVidError, mergeSpans, progress, throwIfAborted } from '@longvid/core';
import { enqueueLibraryIngest, type LocalTools } from '@longvid/ingest';
import {
  EmbeddedLibraryCatalog,
  LexicalIndex,
  type LibraryAddResult,
  type LibraryCatalog,
  type LibraryMemory,
  type LibraryVideo,
  openEmbeddedLibrary,
  openPostgresLibrary,
  parseEntityQuestion,
  reciprocalRankFusion,
  validateLibraryName,
} from '@longvid/memory';
import { videoContentHash } from '@longvid/video';
import { DETECTOR_HINT } from '../backends/rule-based';
import { ruleConfidence } from '../backends/rule-confidence';
import type { AskResult, IngestVideoResult, SessionAskOptions, SessionIngestOptions } from '../session';
import { expandVideoPaths } from './library-paths';
import { parseLibraryQuestion, type LibraryEntityQuestion } from './library-question';

/** The video an evidence item or a moment is in (see `Evidence.video` of `@longvid/core`). */
export type EvidenceVideo = NonNullable<Evidence['video']>;

/** A library opened by a session: its catalog and its memory, embedded or PostgreSQL. */
export interface SessionLibrary {
  readonly name: string;
  /** `embedded`: files under the cache directory; `postgres`: the database of the `memoryUrl` setting. */
  readonly backend: 'embedded' | 'postgres';
  readonly catalog: LibraryCatalog;
  readonly memory: LibraryMemory;
  /** Releases the memory's handles or connections. */
  close(): Promise<void>;
}

/** Options of {@link LibraryOperations.addToLibrary}. */
export interface LibraryAddOptions {
  /** Directory relative paths and globs are read from (default `process.cwd()`). */
  cwd?: string;
  /** Hashing (`hash`), each video started (`videos`, a notice naming it: `ingesting a.mp4 (2 of 5)`) and each video's ingestion stages. */
  onProgress?: OnProgress;
  /** Called when a video's ingestion ends (status `ingested` or `failed` with its error). */
  onVideo?: (video: LibraryVideo) => void;
  signal?: AbortSignal;
}

/** What {@link LibraryOperations.addToLibrary} did: the catalog's result, and which videos were ingested or failed now. */
export interface LibraryAddReport extends LibraryAddResult {
  /** Videos ingested by this call. */
  ingested: LibraryVideo[];
  /** Videos whose ingestion failed in this call (status `failed`, `error` says why); the others went on. */
  failed: LibraryVideo[];
}

/** Options of {@link LibraryOperations.askLibrary}: those of `Session.ask` (no subtitles), and how many videos the loop may read. */
export interface LibraryAskOptions extends Omit<SessionAskOptions, 'subtitlesPath'> {
  /** Most videos the plan–observe–reflect loop runs on, best-ranked first: 1 or 2 (default 2; the second only when the first answer is not sure). */
  maxVideos?: number;
}

/** A video ranked for a question, with its fused score (reciprocal rank fusion of search, entity and narrative matches). */
export interface RankedVideo {
  video: EvidenceVideo;
  score: number;
}

/** The result of {@link LibraryOperations.askLibrary}. */
export interface LibraryAskResult {
  /** `entities`: answered from the entity layer across videos; `agent`: the plan–observe–reflect loop on the best-ranked video(s). */
  mode: 'entities' | 'agent';
  /** The answer; every evidence item names its video (`evidence[].video`). */
  answer: Answer;
  /** The video the answer came from (agent mode). */
  video?: EvidenceVideo;
  /** Videos ranked for the question, best first (agent mode: at most 10; entity mode: the videos named in the answer). */
  candidates: RankedVideo[];
  /** The loop's runs, one per video read, in order (entity mode: one check per video the memory recalls). */
  runs: (AskResult & { libraryVideo: EvidenceVideo })[];
  /** Ingested videos in the library. */
  videos: number;
  /** Rounds and frames over all runs. */
  rounds: number;
  framesUsed: number;
  offline: boolean;
  /** Seconds: `rank` = choosing videos, `answer` = the loop, `total`. */
  timings: { rankSeconds: number; answerSeconds: number; totalSeconds: number };
  trace: TraceEvent[];
}

/** One moment of {@link LibraryOperations.searchLibrary}: where, in which video, what was seen there. */
export interface LibraryMoment {
  video: EvidenceVideo;
  /** The event's span, seconds. */
  span: Span;
  /** What was seen and heard there (the event's text: OCR lines, speech, captions...). */
  text: string;
  /** Reciprocal rank fusion score, higher is better. */
  score: number;
  /** Id of the event in the video's memory. */
  eventId: number;
}

/** The library methods of a session (see `Session`). */
export interface LibraryOperations {
  /**
   * Opens a library: embedded (under the cache directory) unless the `memoryUrl` setting names a
   * PostgreSQL database. Nothing is created until a video is added.
   * @throws LongVidError `BAD_INPUT` for an invalid name; `BAD_SETTING` when `memoryUrl` is set and
   *   this build has no PostgreSQL support.
   */
  library(name: string): Promise<SessionLibrary>;
  /**
   * Adds videos (files, folders, globs; see `expandVideoPaths`) by content hash: new and changed
   * files become pending, then (embedded) each video of the given paths that is not ingested yet, or
   * was ingested with settings that key another memory (a detector set since, another embedder), is
   * ingested at once, one after another (PostgreSQL: they stay pending, each queued as one job for the `longvid worker` processes on the database, see `enqueueLibraryIngest`); a failure marks that video `failed` with its error and the
   * others go on. Cancelling puts the video being ingested back to `pending`.
   * @throws LongVidError for a bad name or path (before anything is added), `ABORTED`.
   */
  addToLibrary(name: string, paths: readonly string[], options?: LibraryAddOptions): Promise<LibraryAddReport>;
  /**
   * Answers a question across a library. "In which videos does a dog appear?" / "How many videos
   * show a bus?" are answered from the entity layer of every video, each recalled video confirmed
   * with the detector by the one-video loop (evidence: the spans the detector saw it in). Any other question first ranks the videos (library hybrid search, fused with
   * entity and narrative matches), then runs the one-video plan–observe–reflect loop on the best
   * video, and on the second only when the first answer is not sure, so a question costs about the
   * same however large the library. Every evidence item names its video.
   * @throws LongVidError `BAD_INPUT` (empty question, a library without ingested videos), as `Session.ask`.
   */
  askLibrary(name: string, question: string, options?: LibraryAskOptions): Promise<LibraryAskResult>;
  /**
   * Moment retrieval without the agent loop: the `limit` events of the library that best match
   * `query` (hybrid search over every ingested video), best first.
   * @throws LongVidError `BAD_INPUT` for an empty query or a limit below 1.
   */
  searchLibrary(name: string, query: string, limit?: number, options?: { signal?: AbortSignal }): Promise<LibraryMoment[]>;
}

/** What the library methods need from their session. */
export interface LibrarySessionParts {
  settings: Settings;
  offline: boolean;
  tools(): Promise<LocalTools>;
  ingest(videoPath: string, options?: SessionIngestOptions): Promise<IngestVideoResult>;
  ask(videoPath: string, question: string, options?: SessionAskOptions): Promise<AskResult>;
  validateQuestion(question: string, choices: string[] | undefined): void;
}

/** Events taken from the library search to rank videos for a question. */
const RANKING_HITS = 50;
/** Videos listed as candidates in a result. */
const LISTED_CANDIDATES = 10;

function evidenceVideo(video: Pick<LibraryVideo, 'videoHash' | 'path' | 'name'>): EvidenceVideo {
  return { hash: video.videoHash, path: video.path, name: video.name };
}

function errorText(error: unknown): string {
  return LongVidError.is(error) ? error.toLine() : error instanceof Error ? error.message : String(error);
}

/** Unique items in first-seen order. */
function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

/** The library methods of a session built from its parts (one composition root: `createSession`). */
export function createLibraryOperations(parts: LibrarySessionParts): LibraryOperations {
  const { settings } = parts;

  const library = async (name: string): Promise<SessionLibrary> => {
    validateLibraryName(name);
    if (settings.memoryUrl) {
      const { catalog, memory } = await openPostgresLibrary({ url: settings.memoryUrl, name });
      return { name, backend: 'postgres', catalog, memory, close: () => memory.close() };
    }
    const { catalog, memory } = openEmbeddedLibrary(settings.cacheDir, name);
    return { name, backend: 'embedded', catalog, memory, close: () => memory.close() };
  };

  const withLibrary = async <T>(name: string, task: (opened: SessionLibrary) => Promise<T>): Promise<T> => {
    const opened = await library(name);
    try {
      return await task(opened);
    } finally {
      await opened.close();
    }
  };

  const ingestedVideos = async (opened: SessionLibrary): Promise<LibraryVideo[]> => {
    const videos = await opened.memory.videos();
    if (videos.length === 0) {
      throw new LongVidError('BAD_INPUT', `library ${opened.name} has no ingested video`, {
        details: { library: opened.name },
        hint: `add videos with "longvid library add ${opened.name} PATH..." and see "longvid library status ${opened.name}"`,
      });
    }
    return videos;
  };

  const addToLibrary = async (name: string, paths: readonly string[], options: LibraryAddOptions = {}): Promise<LibraryAddReport> =>
    withLibrary(name, async ({ catalog }) => {
      const { onProgress, signal } = options;
      const files = await expandVideoPaths(paths, options.cwd ?? process.cwd());
      const hashed: { path: string; videoHash: string }[] = [];
      for (const [index, path] of files.entries()) {
        throwIfAborted(signal);
        onProgress?.(progress('hash', index, files.length));
        hashed.push({ path, videoHash: await videoContentHash(path) });
      }
      onProgress?.(progress('hash', files.length, files.length));
      const result = await catalog.add(hashed);
      const report: LibraryAddReport = { ...result, ingested: [], failed: [] };
      // Every video of these paths that is not ingested yet (new, changed, failed or left pending).
      const given = new Set(hashed.map((file) => file.videoHash));
      const pending = (await catalog.list()).filter((video) => given.has(video.videoHash) && video.status !== 'ingested');
      if (!(catalog instanceof EmbeddedLibraryCatalog)) {
        // PostgreSQL: one job per video on the queue in the same database; `longvid worker` processes ingest them.
        if (pending.length > 0 && settings.memoryUrl) {
          await enqueueLibraryIngest({ url: settings.memoryUrl, library: name, videos: pending.map((video) => ({ videoHash: video.videoHash, path: video.path, name: video.name })) });
        }
        return report;
      }
      // Embedded: ingest them now, one after another. A video already ingested is ingested again
      // when the settings now key another memory (e.g. a detector set since): the session reuses a
      // memory of the same key at once, so an up-to-date video costs only its probe.
      const recorded = new Map((await catalog.entries()).map((video) => [video.videoHash, video.memoryDirectory]));
      const ingested = (await catalog.list()).filter((video) => given.has(video.videoHash) && video.status === 'ingested');
      const work = [...pending, ...ingested];
      for (const [index, video] of work.entries()) {
        throwIfAborted(signal);
        const current = video.status === 'ingested';
        onProgress?.(progress('videos', index, work.length, `${current ? 'checking' : 'ingesting'} ${video.name} (${index + 1} of ${work.length})`));
        if (!current) await catalog.update(video.videoHash, { status: 'ingesting', worker: `pid-${process.pid}`, error: undefined });
        try {
          const result = await parts.ingest(video.path, { onProgress, signal });
          if (result.videoHash !== video.videoHash) throw new LongVidError('BAD_INPUT', `${video.path} changed while it was added`, { details: { path: video.path }, hint: `add it again with "longvid library add ${name} ${video.path}"` });
          if (current && result.memoryDirectory === recorded.get(video.videoHash)) continue;
          await catalog.recordMemory(video.videoHash, result.memoryDirectory, result.info.duration);
        } catch (error) {
          if (signal?.aborted || (LongVidError.is(error) && error.code === 'ABORTED')) {
            // A video being ingested again keeps its memory of the earlier settings.
            if (!current) await catalog.update(video.videoHash, { status: 'pending', worker: undefined });
            throw error;
          }
          await catalog.update(video.videoHash, { status: 'failed', worker: undefined, error: errorText(error) });
        }
        const now = (await catalog.list()).find((entry) => entry.videoHash === video.videoHash);
        if (now) {
          (now.status === 'ingested' ? report.ingested : report.failed).push(now);
          options.onVideo?.(now);
        }
      }
      if (work.length) onProgress?.(progress('videos', work.length, work.length));
      return report;
    });

  /**
   * `session.ask` on a video of the library, from the library's memory of it (no ingestion);
   * undefined when its file is gone from disk (moved or deleted since it was added).
   */
  const askIfPresent = async (opened: SessionLibrary, video: EvidenceVideo, question: string, options: SessionAskOptions): Promise<AskResult | undefined> => {
    try {
      return await parts.ask(video.path, question, { ...options, memory: await opened.memory.store(video.hash) });
    } catch (error) {
      if (LongVidError.is(error) && error.code === 'FILE_NOT_FOUND' && error.details.path === video.path) return undefined;
      throw error;
    }
  };

  /**
   * "In which videos / how many videos ...": the videos whose entity layer recalls the class, each
   * confirmed by the one-video loop asking "Is there a <class>?" (the detector on the recalled spans,
   * as a one-video question is), so the cost grows with the videos the memory recalls, not the library.
   * Without a detector in this session, the memory's recall is the answer (not confirmed, less sure).
   */
  const entityAnswer = async (opened: SessionLibrary, videos: LibraryVideo[], question: string, asked: LibraryEntityQuestion, options: LibraryAskOptions): Promise<{ answer: Answer; candidates: RankedVideo[]; runs: LibraryAskResult['runs'] }> => {
    const byHash = new Map(videos.map((video) => [video.videoHash, video]));
    let detectors = 0;
    for (const video of videos) if ((await opened.memory.store(video.videoHash)).manifest.params.detector) detectors += 1;
    if (detectors === 0) {
      return {
        answer: { question, answer: 'cannot tell without an object detector', confidence: ruleConfidence('no-detector'), evidence: [], sufficient: false, explanation: `the videos of library ${opened.name} were ingested without an object detector; ${DETECTOR_HINT}, then add them again`, basis: 'no-detector' },
        candidates: [],
        runs: [],
      };
    }
    const thing = asked.entity.phrase;
    const recalled = (await opened.memory.findEntities(thing))
      .map((match) => ({ ...match, entities: match.entities.filter((entity) => asked.entity.labels.includes(entity.label)) }))
      .filter((match) => match.entities.length > 0 && byHash.has(match.videoHash))
      .map((match) => ({ match, video: evidenceVideo(byHash.get(match.videoHash)!), score: Math.max(...match.entities.map((entity) => entity.seconds * entity.score)) }));
    const canConfirm = (await parts.tools()).detector !== undefined;
    const runs: LibraryAskResult['runs'] = [];
    const evidence: Evidence[] = [];
    const named: RankedVideo[] = [];
    const unconfirmed: string[] = [];
    for (const { match, video, score } of recalled) {
      throwIfAborted(options.signal);
      if (canConfirm) {
        const run = await askIfPresent(opened, video, `Is there a ${thing}?`, { signal: options.signal, onTrace: options.onTrace, onProgress: options.onProgress, budget: options.budget });
        if (!run) {
          unconfirmed.push(`${video.name} (file gone from ${video.path})`);
          continue;
        }
        runs.push({ ...run, libraryVideo: video });
        if (run.answer.basis !== 'object-yes') {
          unconfirmed.push(video.name);
          continue;
        }
        for (const item of run.answer.evidence) evidence.push({ ...item, id: `e${evidence.length + 1}`, video });
      } else {
        for (const entity of match.entities) {
          const colour = entity.attributes.colour;
          for (const span of mergeSpans(entity.spans)) {
            evidence.push({ id: `e${evidence.length + 1}`, round: 0, kind: 'object', span: { ...span }, text: colour ? `${colour} ${entity.label}` : entity.label, confidence: entity.score, tool: 'memory:entities', attributes: { label: entity.label, count: String(entity.count), ...(colour ? { colour } : {}) }, video });
          }
        }
      }
      named.push({ video, score });
    }
    const names = named.map((item) => item.video.name);
    const where = names.length ? `${thing} seen ${canConfirm ? 'by the detector ' : ''}in ${names.length} of ${videos.length} videos: ${names.join(', ')}` : `no ${thing} seen in any of the ${videos.length} videos`;
    const notes = [
      ...(canConfirm ? [] : [`recalled by the memory's entities, not confirmed (${DETECTOR_HINT})`]),
      ...(unconfirmed.length ? [`recalled by the memory but not confirmed by the detector in ${unconfirmed.join(', ')}`] : []),
      ...(detectors < videos.length ? [`${videos.length - detectors} videos were ingested without an object detector`] : []),
    ];
    const basis = names.length ? (canConfirm ? 'object-yes' : 'object-yes-memory') : 'object-no';
    const answer: Answer = {
      question,
      answer: asked.kind === 'count' ? String(names.length) : names.length ? names.join(', ') : 'none',
      confidence: ruleConfidence(basis),
      evidence,
      sufficient: true,
      explanation: [where, ...notes].join('; '),
      basis,
    };
    return { answer, candidates: named, runs };
  };

  /** Videos ranked for a question: the library search's hits, entity matches and narrative matches, fused by reciprocal rank fusion. */
  const rankVideos = async (opened: SessionLibrary, videos: LibraryVideo[], question: string, signal: AbortSignal | undefined): Promise<RankedVideo[]> => {
    const position = new Map(videos.map((video, index) => [video.videoHash, index]));
    const { embedder } = await parts.tools();
    const [embedding] = await embedder.doEmbed([question], { signal });
    const hits = await opened.memory.searchHybrid(question, embedding, RANKING_HITS);
    const bySearch = unique(hits.map((hit) => position.get(hit.videoHash)).filter((index): index is number => index !== undefined));
    const asked = parseEntityQuestion(question);
    const byEntities = asked ? (await opened.memory.findEntities(question)).filter((match) => match.entities.some((entity) => asked.labels.includes(entity.label))).map((match) => position.get(match.videoHash)!).filter((index) => index !== undefined) : [];
    const narrative = new LexicalIndex();
    const narrativeVideo: number[] = [];
    for (const { videoHash, entries } of await opened.memory.overview()) {
      const index = position.get(videoHash);
      if (index === undefined) continue;
      for (const entry of entries) {
        narrative.add(narrativeVideo.length, entry.summary);
        narrativeVideo.push(index);
      }
    }
    const byNarrative = unique(narrative.search(question, RANKING_HITS).map((match) => narrativeVideo[match.id]));
    return reciprocalRankFusion([bySearch, byEntities, byNarrative]).map(({ id, score }) => ({ video: evidenceVideo(videos[id]), score }));
  };

  const askLibrary = async (name: string, question: string, options: LibraryAskOptions = {}): Promise<LibraryAskResult> => {
    const started = performance.now();
    parts.validateQuestion(question, options.choices);
    const maxVideos = options.maxVideos ?? 2;
    if (maxVideos !== 1 && maxVideos !== 2) throw new LongVidError('BAD_INPUT', `maxVideos must be 1 or 2, got ${maxVideos}`, { details: { maxVideos }, hint: 'read 1 or 2 videos per question' });
    return withLibrary(name, async (opened) => {
      const videos = await ingestedVideos(opened);
      const entityQuestion = options.choices ? undefined : parseLibraryQuestion(question);
      if (entityQuestion) {
        const { answer, candidates, runs } = await entityAnswer(opened, videos, question, entityQuestion, options);
        const seconds = (performance.now() - started) / 1000;
        return {
          mode: 'entities',
          answer,
          candidates,
          runs,
          videos: videos.length,
          rounds: runs.reduce((sum, run) => sum + run.rounds, 0),
          framesUsed: runs.reduce((sum, run) => sum + run.framesUsed, 0),
          offline: parts.offline,
          timings: { rankSeconds: 0, answerSeconds: seconds, totalSeconds: seconds },
          trace: runs.flatMap((run) => run.trace),
        };
      }
      const ranked = await rankVideos(opened, videos, question, options.signal);
      const rankedAt = performance.now();
      const runs: LibraryAskResult['runs'] = [];
      const missing: string[] = [];
      const { maxVideos: _maxVideos, ...askOptions } = options;
      for (const candidate of ranked) {
        if (runs.length === maxVideos) break;
        throwIfAborted(options.signal);
        const run = await askIfPresent(opened, candidate.video, question, askOptions);
        if (!run) {
          missing.push(candidate.video.path);
          continue;
        }
        runs.push({ ...run, libraryVideo: candidate.video });
        if (run.answer.sufficient && run.answer.confidence >= settings.confidenceThreshold) break;
      }
      if (runs.length === 0) {
        throw new LongVidError('FILE_NOT_FOUND', `the videos of library ${name} that match the question are gone from disk: ${missing.join(', ')}`, { details: { library: name, paths: missing }, hint: `put them back, or remove them with "longvid library remove ${name} PATH"` });
      }
      // The sure answer first, then the more confident, then the better-ranked video.
      const best = [...runs].sort((a, b) => Number(b.answer.sufficient) - Number(a.answer.sufficient) || b.answer.confidence - a.answer.confidence)[0];
      const finished = performance.now();
      return {
        mode: 'agent',
        answer: { ...best.answer, evidence: best.answer.evidence.map((item) => ({ ...item, video: best.libraryVideo })) },
        video: best.libraryVideo,
        candidates: ranked.slice(0, LISTED_CANDIDATES),
        runs,
        videos: videos.length,
        rounds: runs.reduce((sum, run) => sum + run.rounds, 0),
        framesUsed: runs.reduce((sum, run) => sum + run.framesUsed, 0),
        offline: runs.every((run) => run.offline),
        timings: { rankSeconds: (rankedAt - started) / 1000, answerSeconds: (finished - rankedAt) / 1000, totalSeconds: (finished - started) / 1000 },
        trace: runs.flatMap((run) => run.trace),
      };
    });
  };

  const searchLibrary = async (name: string, query: string, limit = 10, options: { signal?: AbortSignal } = {}): Promise<LibraryMoment[]> => {
    if (!query.trim()) throw new LongVidError('BAD_INPUT', 'the search query is empty', { hint: 'search for words seen or heard in the videos, e.g. "locker number"' });
    if (!Number.isInteger(limit) || limit < 1) throw new LongVidError('BAD_INPUT', `limit must be a positive whole number, got ${limit}`, { details: { limit }, hint: 'pass e.g. --limit 10' });
    return withLibrary(name, async (opened) => {
      const videos = await ingestedVideos(opened);
      const byHash = new Map(videos.map((video) => [video.videoHash, video]));
      const { embedder } = await parts.tools();
      const [embedding] = await embedder.doEmbed([query], { signal: options.signal });
      const hits = await opened.memory.searchHybrid(query, embedding, limit);
      return hits
        .filter((hit) => byHash.has(hit.videoHash))
        .map((hit) => ({ video: evidenceVideo(byHash.get(hit.videoHash)!), span: { ...hit.event.span }, text: hit.event.text, score: hit.score, eventId: hit.event.id }));
    });
  };

  return { library, addToLibrary, askLibrary, searchLibrary };
}
