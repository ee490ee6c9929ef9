// One worker: the test files share a needle-in-a-haystack video and a memory cache built on first use
// (see src/testing.ts), so they run one after the other.
module.exports = { ...require('../../jest.preset.js'), displayName: '@longvid/eval', rootDir: __dirname, maxWorkers: 1 };
