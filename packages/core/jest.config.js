module.exports = { ...require('../../jest.preset.js'), displayName: '@longvid/core', rootDir: __dirname };
