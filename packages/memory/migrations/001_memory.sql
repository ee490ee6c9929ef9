-- LongVid episodic memory in PostgreSQL + pgvector: one memory per video, keyed by the SHA-256 of the
-- video file (hex). Times are seconds. Applied by migrate() of @longvid/memory (table longvid_migrations).
-- The HNSW index of the embeddings is made per embedding length when a store of that length opens
-- (PostgresMemory): CREATE INDEX longvid_events_embedding_<N> ON longvid_events
--   USING hnsw ((embedding::vector(<N>)) vector_cosine_ops) WHERE dimensions = <N>.
CREATE EXTENSION IF NOT EXISTS vector;

-- One row per video memory: what it was built from (the MemoryManifest as JSON) and whether
-- ingestion finished.
CREATE TABLE longvid_videos (
  video_hash text PRIMARY KEY,
  embedder_id text NOT NULL,
  dimensions integer NOT NULL CHECK (dimensions > 0),
  params jsonb NOT NULL,
  complete boolean NOT NULL DEFAULT false,
  manifest jsonb NOT NULL,
  -- Options the entity layer was built with ({ mergeGapSeconds, synonyms }).
  entity_options jsonb NOT NULL DEFAULT '{"mergeGapSeconds": 1}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Episodic events: a clip of a video with what was observed in it and the embedding of its text.
CREATE TABLE longvid_events (
  video_hash text NOT NULL REFERENCES longvid_videos (video_hash) ON DELETE CASCADE,
  id integer NOT NULL CHECK (id >= 0),
  clip_index integer NOT NULL CHECK (clip_index >= 0),
  span_start double precision NOT NULL,
  span_end double precision NOT NULL CHECK (span_end >= span_start),
  observations jsonb NOT NULL,
  text text NOT NULL,
  dimensions integer NOT NULL CHECK (dimensions > 0),
  embedding vector NOT NULL CHECK (vector_dims(embedding) = dimensions),
  PRIMARY KEY (video_hash, id)
);
CREATE INDEX longvid_events_span ON longvid_events (video_hash, span_start, span_end);

-- Object tracks (from the detector and tracker) of a video: one row per track.
CREATE TABLE longvid_tracks (
  video_hash text NOT NULL REFERENCES longvid_videos (video_hash) ON DELETE CASCADE,
  id integer NOT NULL,
  position integer NOT NULL,
  label text NOT NULL,
  attributes jsonb NOT NULL,
  spans jsonb NOT NULL,
  mean_score double precision NOT NULL,
  PRIMARY KEY (video_hash, id)
);

-- Entities (tracks of one class with equal attributes), as the store derives them from the tracks;
-- kept for SQL queries such as "which videos show a dog".
CREATE TABLE longvid_entities (
  video_hash text NOT NULL REFERENCES longvid_videos (video_hash) ON DELETE CASCADE,
  id integer NOT NULL,
  label text NOT NULL,
  attributes jsonb NOT NULL,
  spans jsonb NOT NULL,
  first_seen double precision,
  seconds double precision NOT NULL,
  count integer NOT NULL,
  track_ids integer[] NOT NULL,
  score double precision NOT NULL,
  PRIMARY KEY (video_hash, id)
);
CREATE INDEX longvid_entities_label ON longvid_entities (label);

-- The narrative layer: ordered summaries of groups of events.
CREATE TABLE longvid_narrative (
  video_hash text NOT NULL REFERENCES longvid_videos (video_hash) ON DELETE CASCADE,
  id integer NOT NULL,
  span_start double precision NOT NULL,
  span_end double precision NOT NULL,
  event_ids integer[] NOT NULL,
  summary text NOT NULL,
  source text NOT NULL CHECK (source IN ('observations', 'summarizer')),
  PRIMARY KEY (video_hash, id)
);
