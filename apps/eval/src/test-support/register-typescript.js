/**
 * Lets a plain `node` child process run this repository's TypeScript sources, the way the Jest
 * preset does: `.ts` files are compiled with SWC on require, and `@longvid/<name>` (and
 * `@longvid/<name>/testing`) resolve to the sources under packages/ or apps/, so no build is needed.
 * Used by tests that must spawn a real process (e.g. to SIGKILL a run): `node -r <this file> script.ts`.
 */
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '../../../..');

function sourceOf(name, subpath) {
  for (const folder of ['packages', 'apps']) {
    const file = path.join(root, folder, name, 'src', subpath === 'testing' ? 'testing.ts' : 'index.ts');
    if (fs.existsSync(file)) return file;
  }
  return undefined;
}

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveLongVid(request, parent, isMain, options) {
  const match = /^@longvid\/([a-z-]+)(?:\/(testing))?$/.exec(request);
  if (match) {
    const file = sourceOf(match[1], match[2]);
    if (file) return file;
  }
  return originalResolve.call(this, request, parent, isMain, options);
};

Module._extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
