// Stateless, seeded hashing: every generated value is a pure function of (seed, object, index, field), so a row
// can be produced from its index alone, in any order, without holding the tenant in memory.

/** A 32-bit avalanche mix (murmur3 finaliser). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** FNV-1a of a string, mixed: turns an object or field name (or a string seed) into an integer salt. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** A splitmix32 stream seeded from (seed, salt, index): cheap draws for one generated row. */
export class RowRng {
  private state: number;
  constructor(seed: number, salt: number, index: number) {
    this.state = mix32(mix32(seed ^ 0x9e3779b9) ^ salt ^ mix32(index >>> 0) ^ Math.floor(index / 2 ** 32));
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
