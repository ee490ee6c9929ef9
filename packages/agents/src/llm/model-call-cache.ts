import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWriteFile } from '@longvid/core';
import { stableStringify } from '@longvid/memory';
import { z } from 'zod';

/** Version of the cache entry layout; part of every key. */
export const MODEL_CALL_CACHE_VERSION = 1;

const entrySchema = z.object({
  formatVersion: z.literal(MODEL_CALL_CACHE_VERSION),
  key: z.string(),
  createdAt: z.string(),
  value: z.unknown(),
  original: z.object({ inputTokens: z.number(), outputTokens: z.number(), framesSent: z.number(), latencySeconds: z.number() }),
});

/** What the original (paid) call cost, kept with a cache entry for reports. */
export interface OriginalCallCost {
  inputTokens: number;
  outputTokens: number;
  framesSent: number;
  /** Seconds. */
  latencySeconds: number;
}

/**
 * On-disk cache of model call results, so a rerun of the same question costs no call.
 *
 * Each entry is `<directory>/<sha256[0..2]>/<sha256>.json` where the hash is over the stable JSON
 * of the key parts the caller gives (for the observer: model, video, span, fps, resolution,
 * image detail, mode, tool, question and prompt version; for the planner and reflector: model,
 * prompt version and the exact messages). Entries hold the zod-validated value, never raw text,
 * and are written atomically (temporary file, then rename). A damaged or unreadable entry is a miss.
 */
export class ModelCallCache {
  constructor(readonly directory: string) {}

  /** The hex key of some key parts (stable JSON, so property order does not matter). */
  static keyOf(parts: unknown): string {
    return createHash('sha256').update(stableStringify({ cache: MODEL_CALL_CACHE_VERSION, parts })).digest('hex');
  }

  private pathOf(key: string): string {
    return join(this.directory, key.slice(0, 2), `${key}.json`);
  }

  /** The stored value and original cost, or undefined on a miss. */
  async get(key: string): Promise<{ value: unknown; original: OriginalCallCost } | undefined> {
    let text: string;
    try {
      text = await readFile(this.pathOf(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = entrySchema.safeParse(JSON.parse(text));
      return parsed.success && parsed.data.key === key ? { value: parsed.data.value, original: parsed.data.original } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores a value (atomically). */
  async set(key: string, value: unknown, original: OriginalCallCost): Promise<void> {
    const entry = { formatVersion: MODEL_CALL_CACHE_VERSION, key, createdAt: new Date().toISOString(), value, original };
    await atomicWriteFile(this.pathOf(key), JSON.stringify(entry));
  }
}
