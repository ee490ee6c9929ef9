import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { LongVidError } from '@longvid/core';

/**
 * JSON with object keys sorted at every level, so equal values give equal strings whatever the key
 * order. Follows `JSON.stringify` otherwise: `toJSON()` is called, `undefined` and functions are left
 * out of objects and become `null` in arrays, non-finite numbers become `null`.
 * @throws LongVidError `BAD_INPUT` for a circular structure or a bigint.
 */
export function stableStringify(value: unknown): string {
  return stringifyValue(value, new Set()) ?? 'null';
}

function stringifyValue(value: unknown, ancestors: Set<object>): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      throw new LongVidError('BAD_INPUT', `cannot stringify the bigint ${value}`, { details: { value: String(value) }, hint: 'pass it as a number or a string' });
    case 'number':
    case 'boolean':
    case 'string':
      return JSON.stringify(value);
    default:
      break;
  }
  if (value === null) return 'null';
  const object = value as object;
  if (ancestors.has(object)) {
    throw new LongVidError('BAD_INPUT', 'cannot stringify a circular structure', { hint: 'pass plain data without cycles' });
  }
  ancestors.add(object);
  let text: string;
  if (Array.isArray(object)) {
    text = `[${object.map((item) => stringifyValue(item, ancestors) ?? 'null').join(',')}]`;
  } else {
    const entries: string[] = [];
    for (const key of Object.keys(object).sort()) {
      const item = stringifyValue((object as Record<string, unknown>)[key], ancestors);
      if (item !== undefined) entries.push(`${JSON.stringify(key)}:${item}`);
    }
    text = `{${entries.join(',')}}`;
  }
  ancestors.delete(object);
  return text;
}

/**
 * The directory of the memory of one video built with some parameters:
 * `${cacheDir}/memory/${videoHash.slice(0, 16)}-${sha256(stableStringify(params)).slice(0, 12)}`.
 * Parameters that change what is stored (fps, clip length, embedder, model ids) must go in `params`
 * so that changing one gives another directory, i.e. invalidates the cache.
 * @param videoHash SHA-256 of the video file, hex (see `sha256File` in `@longvid/core`).
 * @throws LongVidError `BAD_INPUT` when `videoHash` is empty or not hex, or `params` cannot be stringified.
 */
export function memoryDirectory(cacheDir: string, videoHash: string, params: Record<string, unknown>): string {
  if (!/^[0-9a-f]+$/i.test(videoHash)) {
    throw new LongVidError('BAD_INPUT', `video hash ${JSON.stringify(videoHash)} is not a hex digest`, {
      details: { videoHash },
      hint: 'pass the SHA-256 of the video file (sha256File from @longvid/core)',
    });
  }
  const paramsHash = createHash('sha256').update(stableStringify(params)).digest('hex');
  return join(cacheDir, 'memory', `${videoHash.toLowerCase().slice(0, 16)}-${paramsHash.slice(0, 12)}`);
}
