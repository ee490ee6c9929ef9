/** Jest global teardown: removes the run's temporary directory (see `jest-temp-directory.js`). */
module.exports = require('./jest-temp-directory').teardown;
