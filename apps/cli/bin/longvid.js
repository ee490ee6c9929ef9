#!/usr/bin/env node
// The `longvid` executable: runs the built CLI (apps/cli/dist, made by `npm run build`).
try {
  require.resolve('../dist/main.js');
} catch {
  process.stderr.write('longvid: error: the CLI is not built (run "npm run build" in the repository root)\n');
  process.exit(1);
}
require('../dist/main.js');
