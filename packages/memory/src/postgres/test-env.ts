/**
 * The environment the PostgreSQL test harness reads (`LONGVID_TEST_POSTGRES_URL`, `CI`): the one
 * place the tests' database settings come from, outside the product's settings loader on purpose
 * (they are not settings of LongVid).
 */
export function testEnvironment(): Record<string, string | undefined> {
  return process.env;
}
