module.exports = { ...require('../../jest.preset.js'), displayName: 'longvid', rootDir: __dirname };
