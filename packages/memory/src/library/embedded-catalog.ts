import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { atomicWriteFile, LongVidError } from '@longvid/core';
import { z } from 'zod';
import { describeZodError } from '../schemas';
import type { LibraryAddResult, LibraryCatalog, LibraryVideo } from '../library-types';
import { withFileLock } from './file-lock';
import { libraryFile, validateLibraryName } from './library-name';

const videoSchema = z.object({
  videoHash: z.string().regex(/^[0-9a-f]{64}$/),
  path: z.string().min(1),
  name: z.string(),
  status: z.enum(['pending', 'ingesting', 'ingested', 'failed']),
  error: z.string().optional(),
  duration: z.number().min(0).optional(),
  doneSeconds: z.number().min(0).optional(),
  worker: z.string().optional(),
  addedAt: z.string(),
  updatedAt: z.string(),
  /** Embedded only: where the video's episodic memory was stored when it was ingested. */
  memoryDirectory: z.string().optional(),
});

const fileSchema = z.object({ formatVersion: z.literal(1), name: z.string(), videos: z.array(videoSchema) });

/** A video as the embedded catalog stores it: the contract's fields and its memory directory. */
export type EmbeddedLibraryVideo = z.infer<typeof videoSchema>;
type CatalogFile = z.infer<typeof fileSchema>;

function publicVideo(video: EmbeddedLibraryVideo): LibraryVideo {
  const { memoryDirectory: _memoryDirectory, ...rest } = video;
  return rest;
}

/**
 * The embedded {@link LibraryCatalog}: one JSON file per library, `<cacheDir>/libraries/<name>.json`
 * (see {@link libraryFile}), read whole and written atomically (temp + rename) under an
 * inter-process file lock, so concurrent `longvid library add` runs never lose each other's changes.
 * Besides the contract's fields it records where each ingested video's episodic memory is stored
 * ({@link EmbeddedLibraryCatalog.recordMemory}), which {@link EmbeddedLibraryMemory} opens.
 */
export class EmbeddedLibraryCatalog implements LibraryCatalog {
  /** The catalog file. */
  readonly file: string;

  /**
   * @param cacheDir The cache directory (settings `cacheDir`).
   * @param name The library name (see {@link validateLibraryName}).
   * @throws LongVidError `BAD_INPUT` for an invalid name.
   */
  constructor(
    cacheDir: string,
    readonly name: string,
  ) {
    validateLibraryName(name);
    this.file = libraryFile(cacheDir, name);
  }

  /**
   * Adds files by content hash: a new path → added (pending); a known path whose hash changed →
   * changed (pending again, its error, progress and memory cleared); same hash → unchanged. A new
   * path whose content is already in the library under another path is unchanged (that video).
   * Paths are made absolute.
   * @throws LongVidError `BAD_INPUT` for a hash that is not SHA-256 hex; `MEMORY_CORRUPT` for a damaged catalog file.
   */
  async add(files: readonly { path: string; videoHash: string }[]): Promise<LibraryAddResult> {
    for (const file of files) {
      if (!/^[0-9a-f]{64}$/.test(file.videoHash)) {
        throw new LongVidError('BAD_INPUT', `video hash ${JSON.stringify(file.videoHash)} of ${file.path} is not a SHA-256 hex digest`, { details: { path: file.path, videoHash: file.videoHash }, hint: 'hash the file with videoContentHash from @longvid/video' });
      }
    }
    return this.change((catalog) => {
      const result: LibraryAddResult = { added: [], changed: [], unchanged: [] };
      const now = new Date().toISOString();
      for (const file of files) {
        const path = resolve(file.path);
        const known = catalog.videos.find((video) => video.path === path);
        const sameContent = catalog.videos.find((video) => video.videoHash === file.videoHash);
        if (known?.videoHash === file.videoHash) {
          result.unchanged.push(publicVideo(known));
        } else if (sameContent) {
          // The content is in the library already (a copy, or a file changed into one): keep that video once.
          if (known) catalog.videos.splice(catalog.videos.indexOf(known), 1);
          result.unchanged.push(publicVideo(sameContent));
        } else if (known) {
          const changed: EmbeddedLibraryVideo = { videoHash: file.videoHash, path, name: known.name, status: 'pending', addedAt: known.addedAt, updatedAt: now };
          catalog.videos[catalog.videos.indexOf(known)] = changed;
          result.changed.push(publicVideo(changed));
        } else {
          const added: EmbeddedLibraryVideo = { videoHash: file.videoHash, path, name: basename(path), status: 'pending', addedAt: now, updatedAt: now };
          catalog.videos.push(added);
          result.added.push(publicVideo(added));
        }
      }
      return result;
    });
  }

  /**
   * Removes the video added from `path` (made absolute); its memory stays in the cache.
   * @returns the removed video, or undefined when the library has no such path.
   */
  async remove(path: string): Promise<LibraryVideo | undefined> {
    const absolute = resolve(path);
    return this.change((catalog) => {
      const index = catalog.videos.findIndex((video) => video.path === absolute);
      if (index < 0) return undefined;
      const [removed] = catalog.videos.splice(index, 1);
      return publicVideo(removed);
    });
  }

  /** Every video, in the order added (empty for a library never added to). */
  async list(): Promise<LibraryVideo[]> {
    return (await this.read()).videos.map(publicVideo);
  }

  /** Every video with its memory directory (embedded only), in the order added. */
  async entries(): Promise<EmbeddedLibraryVideo[]> {
    return (await this.read()).videos;
  }

  /**
   * Updates a video's status or progress; a key given as `undefined` is cleared. Nothing happens
   * when the library no longer has the video (it was removed meanwhile).
   */
  async update(videoHash: string, change: Partial<Pick<LibraryVideo, 'status' | 'error' | 'duration' | 'doneSeconds' | 'worker'>>): Promise<void> {
    await this.change((catalog) => {
      const video = catalog.videos.find((entry) => entry.videoHash === videoHash);
      if (!video) return;
      Object.assign(video, change, { updatedAt: new Date().toISOString() });
      for (const key of Object.keys(change) as (keyof typeof change)[]) if (change[key] === undefined) delete video[key];
    });
  }

  /**
   * Marks a video ingested and records where its episodic memory is stored (embedded only).
   * Nothing happens when the library no longer has the video.
   */
  async recordMemory(videoHash: string, memoryDirectory: string, duration: number): Promise<void> {
    await this.change((catalog) => {
      const video = catalog.videos.find((entry) => entry.videoHash === videoHash);
      if (!video) return;
      Object.assign(video, { status: 'ingested', memoryDirectory, duration, doneSeconds: duration, updatedAt: new Date().toISOString() });
      delete video.error;
      delete video.worker;
    });
  }

  private async read(): Promise<CatalogFile> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { formatVersion: 1, name: this.name, videos: [] };
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw this.corrupt(`is not JSON (${(error as Error).message})`, error);
    }
    const result = fileSchema.safeParse(parsed);
    if (!result.success) throw this.corrupt(`is malformed: ${describeZodError(result.error)}`, result.error);
    return result.data;
  }

  private corrupt(what: string, cause: unknown): LongVidError {
    return new LongVidError('MEMORY_CORRUPT', `library file ${this.file} ${what}`, {
      details: { path: this.file, library: this.name },
      hint: `delete ${this.file} and add the videos again with "longvid library add ${this.name} PATH..."`,
      cause,
    });
  }

  /** Read–modify–write under the file lock; the file is written only when `modify` returns. */
  private async change<T>(modify: (catalog: CatalogFile) => T): Promise<T> {
    return withFileLock(this.file, async () => {
      const catalog = await this.read();
      const result = modify(catalog);
      await atomicWriteFile(this.file, `${JSON.stringify(catalog, null, 2)}\n`);
      return result;
    });
  }
}
