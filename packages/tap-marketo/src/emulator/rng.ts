// Stateless seeded hashing: every generated value is a pure function of (seed, kind, index, field), so any
// record can be produced from its index alone, in any order, and a 1M-lead export never sits in memory.

/** A 32-bit avalanche mix (murmur3 finaliser). */
export function mix32(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hash(seed: number, a: number, b = 0): number {
  let h = mix32(seed ^ 0x9e3779b9);
  h = mix32(h ^ (a >>> 0));
  h = mix32(h ^ Math.floor(a / 0x100000000));
  return mix32(h ^ (b >>> 0) ^ 0x27d4eb2f);
}

/** A string seed (or a kind name) as an integer. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** A cheap per-record stream of draws (splitmix32) seeded from (seed, salt, index). */
export class RecordRng {
  private state: number;
  constructor(seed: number, salt: number, index: number) {
    this.state = hash(seed ^ salt, index, 0x2545);
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
