import { createHash } from 'node:crypto';

/**
 * The one seeded pseudo-random generator (mulberry32: 32-bit state, period 2^32). Everything that
 * draws at random (training synthesis and steps, the NIAH suite generator, memory test fixtures,
 * benchmarks) takes one, so a run is reproducible from its seed on every platform.
 */
export interface Random {
  /** A float in `[0, 1)`. */
  next(): number;
  /** An integer in `[low, high]` (both inclusive). */
  integer(low: number, high: number): number;
  /** A float in `[low, high)`. */
  between(low: number, high: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** A standard normal draw (Box–Muller). */
  normal(): number;
}

/** A 32-bit seed from any string or number: the first 4 bytes of its SHA-256. */
export function seedFrom(...parts: Array<string | number>): number {
  return createHash('sha256').update(parts.map(String).join('\u0000')).digest().readUInt32LE(0);
}

/**
 * Creates a {@link Random} from a seed (mulberry32, Tommy Ettinger's 32-bit generator).
 * @param seed any number (taken modulo 2^32) or string (hashed with {@link seedFrom}).
 */
export function createRandom(seed: number | string): Random {
  let state = (typeof seed === 'string' ? seedFrom(seed) : Math.floor(seed)) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const integer = (low: number, high: number): number => low + Math.floor(next() * (high - low + 1));
  return {
    next,
    integer,
    between: (low: number, high: number): number => low + next() * (high - low),
    pick: <T>(items: readonly T[]): T => items[integer(0, items.length - 1)],
    shuffle: <T>(items: readonly T[]): T[] => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i -= 1) {
        const j = integer(0, i);
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy;
    },
    normal: (): number => {
      const u = Math.max(next(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
  };
}
