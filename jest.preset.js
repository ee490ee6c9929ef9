/**
 * Shared Jest preset: TypeScript through SWC, a node environment that shares typed arrays with
 * the main realm (onnxruntime-node needs it),
 * and @longvid/* imports mapped to each package's sources so tests never need a build.
 */
const path = require('node:path');

module.exports = {
  // Node environment with the main realm's typed arrays, for onnxruntime-node (see the file).
  testEnvironment: path.join(__dirname, 'jest-environment.js'),
  transform: {
    '^.+\\.tsx?$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    // @longvid/eval lives in apps/ (the CLI imports it).
    '^@longvid/eval/testing$': path.join(__dirname, 'apps/eval/src/testing.ts'),
    '^@longvid/eval$': path.join(__dirname, 'apps/eval/src/index.ts'),
    '^@longvid/([a-z-]+)/testing$': path.join(__dirname, 'packages/$1/src/testing.ts'),
    '^@longvid/([a-z-]+)$': path.join(__dirname, 'packages/$1/src/index.ts'),
  },
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '\\.int\\.test\\.ts$'],
  testTimeout: 120000,
  // One temporary directory per run, removed at the end (see the file); Jest's own cache stays out
  // of the OS temporary directory too.
  globalSetup: path.join(__dirname, 'jest-temp-directory.js'),
  globalTeardown: path.join(__dirname, 'jest-temp-directory-teardown.js'),
  cacheDirectory: path.join(__dirname, 'node_modules', '.cache', 'jest'),
};
