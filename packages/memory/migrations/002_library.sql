-- Libraries: named collections of videos (the LibraryCatalog of @longvid/memory). A video's id in a
-- library is the SHA-256 of its file (hex); its memory, once ingested, is the longvid_videos row with
-- that hash.
CREATE TABLE longvid_libraries (
  name text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE longvid_library_videos (
  library text NOT NULL REFERENCES longvid_libraries (name) ON DELETE CASCADE,
  path text NOT NULL,
  video_hash text NOT NULL,
  name text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'ingesting', 'ingested', 'failed')),
  error text,
  duration double precision,
  done_seconds double precision,
  worker text,
  -- Order added (list() returns videos in this order).
  position bigint GENERATED ALWAYS AS IDENTITY,
  added_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (library, path)
);
CREATE INDEX longvid_library_videos_hash ON longvid_library_videos (library, video_hash);
