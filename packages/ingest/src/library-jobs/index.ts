export { enqueueLibraryIngest, startQueue, resolvePolicy, migrateIngest, INGEST_QUEUE, QUEUE_SCHEMA, INGEST_MIGRATIONS_DIRECTORY, DEFAULT_LEASE_SECONDS, DEFAULT_RETRY_LIMIT, DEFAULT_RETRY_DELAY_SECONDS, ingestJobSchema } from './queue';
export type { EnqueueLibraryIngestOptions, EnqueueResult, IngestJob, IngestJobPolicy } from './queue';
export { runWorker } from './worker';
export type { RunWorkerOptions, WorkerEvent, WorkerSummary, LibraryIngestCatalog } from './worker';
export { PostgresCheckpointStore } from './postgres-checkpoint-store';
