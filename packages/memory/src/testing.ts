/**
 * Test helpers of `@longvid/memory` (subpath `@longvid/memory/testing`): an in-memory
 * {@link MockMemoryStore} that records its calls, the shared {@link MemoryStore} test suite, a
 * deterministic fixture, and {@link MockTextEmbedder} (a recording double of perception's
 * `TextEmbedder` over the hashing embedder).
 * @packageDocumentation
 */
export { MockMemoryStore } from './mock-memory-store';
export type { MemoryStoreCall, MemoryStoreMethod, MockMemoryStoreOptions } from './mock-memory-store';
export { describeMemoryStore } from './memory-store-suite';
export type { MemoryStoreFactory } from './memory-store-suite';
export { FIXTURE_CLIP_SECONDS, devLongTracks, bruteForceNearest, cosineSimilarity, mixVectors, populateMemoryFixture, randomUnitVector, seededRandom } from './memory-fixture';
export type { MemoryFixture } from './memory-fixture';
export { DEFAULT_TEST_POSTGRES_URL, createTestDatabase, describeWithPostgres, postgresUnavailableReason, testPostgresUrl, useTestDatabase } from './postgres/test-database';
export type { TestDatabase } from './postgres/test-database';
export { MockTextEmbedder } from './mock-text-embedder';
export type { MockTextEmbedderOptions } from './mock-text-embedder';
