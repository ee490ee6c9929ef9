module.exports = { ...require('../../jest.preset.js'), displayName: '@longvid/training', rootDir: __dirname };
