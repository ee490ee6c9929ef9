/// <reference types="jest" />
/**
 * Throw-away PostgreSQL databases for tests (`@longvid/memory/testing`). The server is the one at
 * `LONGVID_TEST_POSTGRES_URL` (CI installs and starts PostgreSQL 15 with pgvector and sets it; see
 * `.ci/run`), else {@link DEFAULT_TEST_POSTGRES_URL}.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { redactUrlPassword } from '@longvid/core';
import pg from 'pg';
import { testEnvironment } from './test-env';

/** The server tests use when `LONGVID_TEST_POSTGRES_URL` is unset (the superuser `.ci/run` creates). */
export const DEFAULT_TEST_POSTGRES_URL = 'postgres://root:longvid@localhost:5432/postgres';

/** A database made for one test file; {@link TestDatabase.drop} removes it. */
export interface TestDatabase {
  /** URL of the new database (same server, user and password as the server URL). */
  url: string;
  /** Its name, `longvid_test_<12 hex digits>`. */
  name: string;
  /** Drops the database (ending its connections first). Idempotent. */
  drop(): Promise<void>;
}

/** The test server's URL: `LONGVID_TEST_POSTGRES_URL`, else {@link DEFAULT_TEST_POSTGRES_URL}. */
export function testPostgresUrl(env: Record<string, string | undefined> = testEnvironment()): string {
  return env.LONGVID_TEST_POSTGRES_URL || DEFAULT_TEST_POSTGRES_URL;
}

function withDatabase(url: string, database: string): string {
  const changed = new URL(url);
  changed.pathname = `/${database}`;
  return changed.toString();
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database `longvid_test_<random>` on the test server with the `vector` extension.
 * @param serverUrl the server (any database on it); default {@link testPostgresUrl}.
 * @throws the driver's error when the server cannot be reached or refuses (see {@link describeWithPostgres}).
 */
export async function createTestDatabase(serverUrl: string = testPostgresUrl()): Promise<TestDatabase> {
  const name = `longvid_test_${randomBytes(6).toString('hex')}`;
  const identifier = pg.escapeIdentifier(name);
  await adminQuery(serverUrl, `CREATE DATABASE ${identifier}`);
  const url = withDatabase(serverUrl, name);
  await adminQuery(url, 'CREATE EXTENSION IF NOT EXISTS vector');
  let dropped = false;
  return {
    url,
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${identifier} WITH (FORCE)`);
    },
  };
}

/**
 * A throw-away database ({@link createTestDatabase}) for the tests of the enclosing `describe` block:
 * made in its `beforeAll`, dropped in its `afterAll`.
 * @returns a function that gives the database inside a test (it throws before `beforeAll` ran).
 */
export function useTestDatabase(serverUrl?: string): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(serverUrl);
  });
  afterAll(async () => {
    await database?.drop();
  });
  return () => {
    if (!database) throw new Error('the test database is made in beforeAll: ask for it inside a test');
    return database;
  };
}

/**
 * Why PostgreSQL with pgvector cannot be used at `url`, or undefined when it can. Checked in a child
 * process (synchronously, so that test files can decide at load time whether to skip).
 */
export function postgresUnavailableReason(url: string = testPostgresUrl()): string | undefined {
  const script = `
    const pg = require(${JSON.stringify(require.resolve('pg'))});
    const client = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 5000 });
    client.connect()
      .then(() => client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'"))
      .then((result) => { if (result.rows.length === 0) throw new Error('the pgvector extension is not installed'); })
      .then(() => client.end(), (error) => { process.stderr.write(String(error && error.message || error)); process.exit(1); });`;
  const result = spawnSync(process.execPath, ['-e', script, url], { encoding: 'utf8', timeout: 15_000 });
  if (result.status === 0) return undefined;
  return (result.stderr || result.error?.message || `exit ${result.status}`).trim().split('\n')[0];
}

/**
 * `describe` for tests that need PostgreSQL: when the test server ({@link testPostgresUrl}) is
 * unreachable, the block is skipped and a warning (and its name) says why, except under `CI=true`, where one test
 * fails with the reason (CI installs PostgreSQL, so it must never skip there).
 */
export function describeWithPostgres(name: string, body: () => void, env: Record<string, string | undefined> = testEnvironment()): void {
  const url = testPostgresUrl(env);
  const reason = postgresUnavailableReason(url);
  if (reason === undefined) {
    describe(name, body);
    return;
  }
  const message = `PostgreSQL not reachable at ${redactUrlPassword(url)}: ${reason}; CI installs it (see .ci/run), locally set LONGVID_TEST_POSTGRES_URL`;
  if (env.CI === 'true') {
    describe(name, () => {
      it('needs PostgreSQL with pgvector', () => {
        throw new Error(message);
      });
    });
    return;
  }
  console.warn(`skipped "${name}": ${message}`);
  describe.skip(`${name} (skipped: ${message})`, body);
}
