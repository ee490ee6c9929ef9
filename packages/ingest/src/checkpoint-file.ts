import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { atomicWriteFile, LongVidError } from '@longvid/core';
import { stableStringify } from '@longvid/memory';
import { z } from 'zod';

/**
 * Ingestion checkpoints with integrity: each checkpoint holds its value together with the SHA-256
 * of the value (stable JSON) and a hash of the inputs that made it (video, models, parameters), so
 * a checkpoint edited by hand (even into other valid JSON), truncated, or made from other inputs is
 * found and redone instead of being baked into memory. Where they are kept is a
 * {@link CheckpointStore}: files under the cache directory ({@link FileCheckpointStore}, the
 * default) or a table of a PostgreSQL database (`PostgresCheckpointStore`, for workers that resume
 * each other's videos).
 */

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The hash that identifies the inputs of a checkpoint (SHA-256 of their stable JSON, hex). */
export function checkpointInputs(inputs: unknown): string {
  return sha256(stableStringify(inputs));
}

/** SHA-256 (hex) of a checkpoint's value as stable JSON: what its integrity record holds. */
export function checkpointDigest(value: unknown): string {
  return sha256(stableStringify(value));
}

/** What {@link CheckpointStore.read} found. */
export type CheckpointRead<T> = { status: 'ok'; value: T } | { status: 'missing' } | { status: 'invalid'; reason: string };

/**
 * Where ingestion checkpoints of one video are kept. Keys are relative, `/`-separated names such as
 * `segments/segment-000003.json` (the same for every store); `inputs` is the
 * {@link checkpointInputs} hash of what the checkpoint was made from.
 */
export interface CheckpointStore {
  /**
   * The checkpoint `key`: `ok` when it exists, its value matches its SHA-256, it was made from
   * `inputs` and it passes `schema`; `missing` when there is none; `invalid` with the reason
   * otherwise. Never rejects for a bad checkpoint (only when the store itself cannot be read).
   */
  read<T>(key: string, schema: z.ZodType<T>, inputs: string): Promise<CheckpointRead<T>>;
  /** Writes `value` as the checkpoint `key` made from `inputs`, atomically (all or nothing), replacing any earlier one. */
  write(key: string, value: unknown, inputs: string): Promise<void>;
}

/**
 * Checks a stored checkpoint against its integrity record (see {@link CheckpointStore.read}); used
 * by every store so they judge checkpoints alike.
 */
export function verifyCheckpoint<T>(stored: { inputs: string; sha256: string; value: unknown }, schema: z.ZodType<T>, inputs: string): CheckpointRead<T> {
  if (stored.inputs !== inputs) return { status: 'invalid', reason: 'it was made from other inputs' };
  if (checkpointDigest(stored.value) !== stored.sha256) return { status: 'invalid', reason: 'its content does not match its SHA-256 (edited or damaged)' };
  const parsed = schema.safeParse(stored.value);
  return parsed.success ? { status: 'ok', value: parsed.data } : { status: 'invalid', reason: 'its content has the wrong shape' };
}

/** Rejects a checkpoint key that is absolute or climbs out of its store (`..`). */
export function checkCheckpointKey(key: string): void {
  const normalized = normalize(key);
  if (key.length === 0 || isAbsolute(key) || normalized === '..' || normalized.startsWith(`..${sep}`)) {
    throw new LongVidError('BAD_INPUT', `checkpoint key ${JSON.stringify(key)} is not a relative name inside the store`, { details: { key }, hint: 'use a relative, /-separated key such as "segments/segment-000000.json"' });
  }
}

const envelopeSchema = z.object({ checkpoint: z.literal(1), inputs: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), value: z.unknown() });

/**
 * Checkpoints as JSON files under one directory (the key is the file's path below it), each written
 * atomically (temporary file, then rename) as `{checkpoint: 1, inputs, sha256, value}`: what
 * ingestion has always done, under `<cacheDir>/checkpoints/<video>-<parameters>/`.
 */
export class FileCheckpointStore implements CheckpointStore {
  /** @param directory the directory the keys are relative to. */
  constructor(readonly directory: string) {}

  /** The file of a key. @throws LongVidError `BAD_INPUT` for a key outside the directory. */
  path(key: string): string {
    checkCheckpointKey(key);
    return join(this.directory, key);
  }

  async read<T>(key: string, schema: z.ZodType<T>, inputs: string): Promise<CheckpointRead<T>> {
    let text: string;
    try {
      text = await readFile(this.path(key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
      return { status: 'invalid', reason: `it cannot be read (${(error as Error).message})` };
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { status: 'invalid', reason: 'it is not valid JSON (truncated?)' };
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) return { status: 'invalid', reason: 'it has no integrity record (written by an older version, or edited)' };
    return verifyCheckpoint(envelope.data, schema, inputs);
  }

  async write(key: string, value: unknown, inputs: string): Promise<void> {
    const envelope = { checkpoint: 1, inputs, sha256: checkpointDigest(value), value };
    await atomicWriteFile(this.path(key), JSON.stringify(envelope));
  }
}

/**
 * The checkpoints of `store` whose keys start with `prefix/`, seen with the prefix dropped: how one
 * ingestion step (transcripts, captions...) gets its own folder of checkpoints.
 */
export function checkpointFolder(store: CheckpointStore, prefix: string): CheckpointStore {
  checkCheckpointKey(prefix);
  return {
    read: (key, schema, inputs) => store.read(`${prefix}/${key}`, schema, inputs),
    write: (key, value, inputs) => store.write(`${prefix}/${key}`, value, inputs),
  };
}
