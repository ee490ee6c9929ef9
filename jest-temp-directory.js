/**
 * Jest global setup and teardown for every LongVid project: each Jest run gets its own temporary
 * directory (`$TMPDIR/longvid-jest-XXXXXX`), which the test files and the processes they start
 * inherit as `TMPDIR` (so `os.tmpdir()` points into it), and which is removed when the run ends:
 * a test suite leaves nothing in the OS temporary directory.
 *
 * It also sets `ORT_DISABLE_TELEMETRY=1` for the run. LongVid sets it itself before onnxruntime
 * starts (`packages/perception/src/onnx-env.ts`), but inside Jest a test file's `process.env` is a
 * sandbox copy that onnxruntime's native code never sees; the workers inherit the real one from here.
 *
 * Used as `globalSetup` (`module.exports`) and `globalTeardown` (`module.exports.teardown`, through
 * `jest-temp-directory-teardown.js`) in `jest.preset.js`.
 */
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const KEY = 'LONGVID_JEST_TMPDIR';

module.exports = async function setup() {
  const directory = mkdtempSync(join(tmpdir(), 'longvid-jest-'));
  process.env[KEY] = directory;
  process.env.TMPDIR = directory;
  process.env.ORT_DISABLE_TELEMETRY ??= '1';
};

module.exports.teardown = async function teardown() {
  const directory = process.env[KEY];
  if (directory) rmSync(directory, { recursive: true, force: true });
};
