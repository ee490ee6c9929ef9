import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, resolve } from 'node:path';
import { LongVidError } from '@longvid/core';

/** File extensions tried when an annotation names a video without one. */
export const VIDEO_EXTENSIONS = ['.mp4', '.mkv', '.webm', '.mov', '.avi', '.m4v', '.mpg', '.mpeg', '.flv', '.wmv', '.ts'] as const;

/** Deepest folder level {@link VideoDirectory.open} walks into. */
const MAX_DEPTH = 6;

/**
 * An index of the files under a directory, for finding benchmark videos however they were unpacked:
 * by relative path, by file name anywhere below, or by a bare id plus a video extension.
 */
export class VideoDirectory {
  private constructor(
    /** Absolute path of the directory. */
    readonly root: string,
    private readonly byName: Map<string, string[]>,
  ) {}

  /**
   * Indexes the files under `directory` (up to 6 levels deep, skipping dot folders).
   * @throws LongVidError `FILE_NOT_FOUND` when the directory does not exist or is not a directory.
   */
  static async open(directory: string): Promise<VideoDirectory> {
    const root = resolve(directory);
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      throw new LongVidError('FILE_NOT_FOUND', `videos directory ${root} does not exist`, {
        details: { videosDir: root },
        hint: 'pass the directory that holds the benchmark videos (--videos DIR)',
      });
    }
    const byName = new Map<string, string[]>();
    const walk = async (folder: string, depth: number): Promise<void> => {
      const entries = await readdir(folder, { withFileTypes: true });
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const path = join(folder, entry.name);
        if (entry.isDirectory()) {
          if (depth < MAX_DEPTH) await walk(path, depth + 1);
        } else if (entry.isFile() || entry.isSymbolicLink()) {
          const list = byName.get(entry.name) ?? [];
          list.push(path);
          byName.set(entry.name, list);
        }
      }
    };
    await walk(root, 0);
    return new VideoDirectory(root, byName);
  }

  /**
   * Finds a file: an absolute path that exists; a path relative to the directory; a file of that
   * name anywhere below (the shallowest, then alphabetical); or, when the name has no video
   * extension, the name plus each of {@link VIDEO_EXTENSIONS}. Candidates are tried in order.
   * @returns the absolute path, or undefined.
   */
  find(...candidates: string[]): string | undefined {
    for (const candidate of candidates) {
      if (!candidate) continue;
      if (isAbsolute(candidate)) {
        if (existsSync(candidate)) return candidate;
        continue;
      }
      const relative = join(this.root, candidate);
      if (existsSync(relative) && statSync(relative).isFile()) return relative;
      const byName = this.byName.get(basename(candidate));
      if (byName?.length) return byName[0];
      if (!(VIDEO_EXTENSIONS as readonly string[]).includes(extname(candidate).toLowerCase())) {
        for (const extension of VIDEO_EXTENSIONS) {
          const withExtension = this.byName.get(`${basename(candidate)}${extension}`);
          if (withExtension?.length) return withExtension[0];
          const relativeWithExtension = join(this.root, `${candidate}${extension}`);
          if (existsSync(relativeWithExtension)) return relativeWithExtension;
        }
      }
    }
    return undefined;
  }
}
