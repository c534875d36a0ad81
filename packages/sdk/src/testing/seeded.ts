/**
 * Seeded, stateless hashing for emulators' generated data: every value is a pure function of (seed, kind, index,
 * field), so a record can be produced from its index alone, in any order, and a tenant of millions of records
 * never sits in memory. Not cryptographic: for deterministic test data only.
 */

/** A 32-bit avalanche mix (murmur3 finaliser). */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hash of a seed and up to three integers (indexes up to 2^53 are folded in two halves). */
export function seededHash(seed: number, a: number, b = 0, c = 0): number {
  let h = mix32(seed ^ 0x9e3779b9);
  h = mix32(h ^ (a >>> 0));
  h = mix32(h ^ Math.floor(a / 0x100000000));
  h = mix32(h ^ (b >>> 0) ^ 0x27d4eb2f);
  h = mix32(h ^ (c >>> 0) ^ 0x165667b1);
  return h;
}

/** A small string hash, to turn a kind name or a free-form seed into an integer salt. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** A per-record generator: a splitmix32 stream seeded from (seed, salt, index); draws are cheap. */
export class RecordRng {
  private state: number;
  constructor(seed: number, salt: number, index: number) {
    this.state = seededHash(seed ^ salt, index, 0x2545);
  }
  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }
  int(n: number): number {
    return n <= 1 ? 0 : this.next() % n;
  }
  chance(p: number): boolean {
    return this.next() < p * 0x100000000;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
}

/**
 * Pseudo-random numbers in [0, 1) from a seed (mulberry32), for property tests: log the seed, and a failing
 * case replays from it.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
