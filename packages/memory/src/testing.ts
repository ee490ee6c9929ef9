/**
 * Test helpers of `@longvid/memory` (subpath `@longvid/memory/testing`): an in-memory
 * {@link MockMemoryStore} that records its calls, the shared {@link MemoryStore} test suite, and a
 * deterministic fixture.
 * @packageDocumentation
 */
export { MockMemoryStore } from './mock-memory-store';
export type { MemoryStoreCall, MemoryStoreMethod, MockMemoryStoreOptions } from './mock-memory-store';
export { describeMemoryStore } from './memory-store-suite';
export type { MemoryStoreFactory } from './memory-store-suite';
export { FIXTURE_CLIP_SECONDS, devLongTracks, bruteForceNearest, cosineSimilarity, mixVectors, populateMemoryFixture, randomUnitVector, seededRandom } from './memory-fixture';
export type { MemoryFixture } from './memory-fixture';
export { DEFAULT_TEST_POSTGRES_URL, createTestDatabase, describeWithPostgres, postgresUnavailableReason, testPostgresUrl } from './postgres/test-database';
export type { TestDatabase } from './postgres/test-database';
