module.exports = { ...require('../../jest.preset.js'), displayName: '@longvid/ingest', rootDir: __dirname };
