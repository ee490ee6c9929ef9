module.exports = { ...require('../../jest.preset.js'), displayName: '@longvid/agents', rootDir: __dirname };
