module.exports = { ...require('../../jest.preset.js'), displayName: '@longvid/video', rootDir: __dirname };
