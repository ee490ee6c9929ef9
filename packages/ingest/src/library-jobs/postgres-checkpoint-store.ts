import type { Pool } from 'pg';
import type { z } from 'zod';
import { type CheckpointRead, type CheckpointStore, checkCheckpointKey, checkpointDigest, verifyCheckpoint } from '../checkpoint-file';

/**
 * Ingestion checkpoints of one video in PostgreSQL (table `longvid_checkpoints` of
 * `packages/ingest/migrations/101_checkpoints.sql`: video_hash, key, inputs, sha256, value jsonb,
 * written_at), so any library worker resumes a video another one left half-done. Each
 * {@link PostgresCheckpointStore.write} is one statement, i.e. one transaction: a keyframe segment
 * is in the table whole or not at all. Values are checked on read exactly like the files of
 * {@link FileCheckpointStore} (inputs hash, SHA-256 of the stable JSON, schema).
 */
export class PostgresCheckpointStore implements CheckpointStore {
  /**
   * @param pool connections to a database the ingest migrations were applied to.
   * @param videoHash the video's content hash (SHA-256, hex).
   */
  constructor(
    private readonly pool: Pool,
    readonly videoHash: string,
  ) {}

  async read<T>(key: string, schema: z.ZodType<T>, inputs: string): Promise<CheckpointRead<T>> {
    checkCheckpointKey(key);
    const { rows } = await this.pool.query<{ inputs: string; sha256: string; value: unknown }>('SELECT inputs, sha256, value FROM longvid_checkpoints WHERE video_hash = $1 AND key = $2', [this.videoHash, key]);
    return rows.length === 0 ? { status: 'missing' } : verifyCheckpoint(rows[0], schema, inputs);
  }

  async write(key: string, value: unknown, inputs: string): Promise<void> {
    checkCheckpointKey(key);
    await this.pool.query(
      `INSERT INTO longvid_checkpoints (video_hash, key, inputs, sha256, value, written_at) VALUES ($1, $2, $3, $4, $5::jsonb, now())
       ON CONFLICT (video_hash, key) DO UPDATE SET inputs = EXCLUDED.inputs, sha256 = EXCLUDED.sha256, value = EXCLUDED.value, written_at = now()`,
      [this.videoHash, key, inputs, checkpointDigest(value), JSON.stringify(value)],
    );
  }
}
