-- Ingestion checkpoints kept in the database (PostgresCheckpointStore of @longvid/ingest), so a
-- library worker resumes a video another worker left half-done. One row per checkpoint of a video:
-- keyframe segments (`<video>-<parameters>/segment-000000.json`), speech, transcript chunks,
-- captions, narrative summaries. `inputs` is the hash of what the checkpoint was made from,
-- `sha256` the SHA-256 of `value` as stable JSON (its integrity record); a row that fails either
-- check is redone.
CREATE TABLE IF NOT EXISTS longvid_checkpoints (
  video_hash text NOT NULL,
  key text NOT NULL,
  inputs text NOT NULL,
  sha256 text NOT NULL,
  value jsonb NOT NULL,
  written_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (video_hash, key)
);

-- One row per finished ingestion of a video by a library worker (not for a memory found complete):
-- who ingested it, how many keyframe segments it resumed from another worker's checkpoints, and
-- how long it took. A video is ingested to completion once, so a video has at most one row here
-- per set of parameters.
CREATE TABLE IF NOT EXISTS longvid_ingest_runs (
  id bigserial PRIMARY KEY,
  video_hash text NOT NULL,
  library text NOT NULL,
  worker text NOT NULL,
  resumed_segments integer NOT NULL,
  ingest_seconds double precision NOT NULL,
  completed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS longvid_ingest_runs_video ON longvid_ingest_runs (video_hash);
