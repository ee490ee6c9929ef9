module.exports = { ...require('../../jest.preset.js'), displayName: '@longvid/eval', rootDir: __dirname };
