module.exports = { ...require('../../jest.preset.js'), displayName: '@longvid/memory', rootDir: __dirname };
