module.exports = { ...require('../../jest.preset.js'), displayName: '@longvid/perception', rootDir: __dirname };
