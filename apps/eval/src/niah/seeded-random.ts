import { createRandom, type Random } from '@longvid/core';

/** The seeded generator the NIAH suites draw from: `createRandom` of `@longvid/core` (mulberry32). */
export type SeededRandom = Random;

/**
 * The NIAH generator's random source for `seed`: the same seed gives the same sequence on every
 * platform, so generated suites are reproducible (the seed is mixed with `0x9e3779b9` first, as
 * the suites have always been drawn).
 */
export function seededRandom(seed: number): SeededRandom {
  return createRandom((Math.floor(seed) ^ 0x9e3779b9) >>> 0);
}
