import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { atomicWriteFile } from '@longvid/core';
import { stableStringify } from '@longvid/memory';
import { z } from 'zod';

/**
 * Ingestion checkpoints with integrity: each file holds its value together with the SHA-256 of the
 * value (stable JSON) and a hash of the inputs that made it (video, models, parameters), so a
 * checkpoint edited by hand (even into other valid JSON), truncated, or made from other inputs is
 * found and redone instead of being baked into memory.
 */

const envelopeSchema = z.object({ checkpoint: z.literal(1), inputs: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), value: z.unknown() });

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The hash that identifies the inputs of a checkpoint (SHA-256 of their stable JSON, hex). */
export function checkpointInputs(inputs: unknown): string {
  return sha256(stableStringify(inputs));
}

/** Writes `value` as a checkpoint made from `inputs` (see {@link checkpointInputs}), atomically. */
export async function writeCheckpoint(path: string, value: unknown, inputs: string): Promise<void> {
  const envelope = { checkpoint: 1, inputs, sha256: sha256(stableStringify(value)), value };
  await atomicWriteFile(path, JSON.stringify(envelope));
}

/** What {@link readCheckpoint} found. */
export type CheckpointRead<T> = { status: 'ok'; value: T } | { status: 'missing' } | { status: 'invalid'; reason: string };

/**
 * Reads a checkpoint written by {@link writeCheckpoint}: `ok` when it exists, its value matches
 * its SHA-256, it was made from `inputs` and it passes `schema`; `missing` when there is no file;
 * `invalid` with the reason otherwise. Never throws.
 */
export function readCheckpoint<T>(path: string, schema: z.ZodType<T>, inputs: string): CheckpointRead<T> {
  if (!existsSync(path)) return { status: 'missing' };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return { status: 'invalid', reason: 'it is not valid JSON (truncated?)' };
  }
  const envelope = envelopeSchema.safeParse(json);
  if (!envelope.success) return { status: 'invalid', reason: 'it has no integrity record (written by an older version, or edited)' };
  if (envelope.data.inputs !== inputs) return { status: 'invalid', reason: 'it was made from other inputs' };
  if (sha256(stableStringify(envelope.data.value)) !== envelope.data.sha256) return { status: 'invalid', reason: 'its content does not match its SHA-256 (edited or damaged)' };
  const parsed = schema.safeParse(envelope.data.value);
  return parsed.success ? { status: 'ok', value: parsed.data } : { status: 'invalid', reason: 'its content has the wrong shape' };
}
