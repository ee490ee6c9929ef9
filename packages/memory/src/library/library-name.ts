import { join } from 'node:path';
import { LongVidError } from '@longvid/core';

/** What a library name may be: a letter or digit, then letters, digits, `.`, `_` or `-`; at most 64 characters. */
const LIBRARY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Checks a library name: 1–64 characters, a letter or digit first, then letters, digits, `.`, `_`
 * or `-` (so it is a safe file name and database key on every system).
 * @returns the name, unchanged.
 * @throws LongVidError `BAD_INPUT` naming the input and the rule.
 */
export function validateLibraryName(name: string): string {
  if (!LIBRARY_NAME.test(name)) {
    throw new LongVidError('BAD_INPUT', `library name ${JSON.stringify(name)} is not allowed`, {
      details: { library: name },
      hint: 'use 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit, e.g. "lectures-2024"',
    });
  }
  return name;
}

/**
 * The file of an embedded library: `<cacheDir>/libraries/<name>.json`.
 * @throws LongVidError `BAD_INPUT` for an invalid name (see {@link validateLibraryName}).
 */
export function libraryFile(cacheDir: string, name: string): string {
  return join(cacheDir, 'libraries', `${validateLibraryName(name)}.json`);
}
