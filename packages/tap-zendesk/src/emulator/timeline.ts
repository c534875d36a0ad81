import { seededHash } from '@singer-ts/sdk/testing';

/**
 * The time axis of one generated collection (tickets, users, organizations, …).
 *
 * Records are laid out by *position* `p` in export order: `tsAt(p)` is non-decreasing in `p`, so "first
 * record changed at or after t" is a binary search. Record *indexes* (which determine ids, so id order =
 * creation order) are a block-local permutation of positions, which makes `updated_at` come back out of
 * order in id-ordered list endpoints, as it does on Zendesk. Small groups of consecutive positions share
 * one timestamp (ties), and an optional burst puts `size` records on a single second.
 */
export interface TimelineOptions {
  count: number;
  /** Unix seconds of the first and last change in the generated history. */
  start: number;
  end: number;
  seed: number;
  salt: number;
  /** Every `every` positions, the first `size` share a timestamp. */
  ties?: { every: number; size: number } | undefined;
  /** `size` records, starting at position `at`, share one timestamp. */
  burst?: { at: number; size: number } | undefined;
}

export class Timeline {
  readonly count: number;
  readonly start: number;
  readonly end: number;
  readonly block: number;
  private readonly fullBlocks: number;
  private readonly span: number;
  private readonly seed: number;
  private readonly tieEvery: number;
  private readonly tieSize: number;
  private readonly burstAt: number;
  private readonly burstSize: number;
  private readonly createLead: number;

  constructor(o: TimelineOptions) {
    this.count = Math.max(0, Math.floor(o.count));
    this.start = o.start;
    this.end = Math.max(o.end, o.start + 1);
    this.span = this.end - this.start;
    this.seed = (o.seed ^ o.salt) >>> 0;
    let b = 1;
    while (b * 2 <= Math.min(64, Math.floor(this.count / 4))) b *= 2;
    this.block = b;
    this.fullBlocks = Math.floor(this.count / b) * b;
    this.tieEvery = o.ties && o.ties.every > 1 ? Math.floor(o.ties.every) : 0;
    this.tieSize = o.ties ? Math.max(1, Math.min(Math.floor(o.ties.size), this.tieEvery)) : 1;
    this.burstAt = o.burst ? Math.max(0, Math.min(Math.floor(o.burst.at), this.count)) : 0;
    this.burstSize = o.burst ? Math.max(0, Math.min(Math.floor(o.burst.size), this.count - this.burstAt)) : 0;
    const perRecord = this.count > 0 ? this.span / this.count : 0;
    this.createLead = Math.ceil((this.block + this.tieSize + this.burstSize + 1) * perRecord) + 3600;
  }

  private slot(p: number): number {
    if (this.burstSize > 0 && p >= this.burstAt) {
      if (p < this.burstAt + this.burstSize) return this.burstAt;
      return Math.max(this.tieSlot(p), this.burstAt);
    }
    return this.tieSlot(p);
  }

  private tieSlot(p: number): number {
    if (this.tieEvery === 0) return p;
    const r = p % this.tieEvery;
    return r < this.tieSize ? p - r : p;
  }

  /** The change timestamp (Unix seconds) of the record at export position `p`. */
  tsAt(p: number): number {
    return this.start + Math.floor((this.slot(p) * this.span) / Math.max(1, this.count));
  }

  /** A non-decreasing creation time by index, never after the record's change time. */
  createdAt(i: number): number {
    return this.start - this.createLead + Math.floor((i * this.span) / Math.max(1, this.count));
  }

  private coefficients(blockStart: number): { a: number; c: number; inv: number } {
    const mask = this.block - 1;
    const h = seededHash(this.seed, blockStart, 0x51ed);
    const a = (h & mask) | 1;
    const c = (h >>> 8) & mask;
    let inv = a;
    for (let k = 0; k < 5; k++) inv = Math.imul(inv, 2 - Math.imul(a, inv)) & mask;
    return { a, c, inv };
  }

  posToIndex(p: number): number {
    if (this.block <= 1 || p >= this.fullBlocks) return p;
    const mask = this.block - 1;
    const bs = p - (p & mask);
    const { a, c } = this.coefficients(bs);
    return bs + ((Math.imul(a, p & mask) + c) & mask);
  }

  indexToPos(i: number): number {
    if (this.block <= 1 || i >= this.fullBlocks) return i;
    const mask = this.block - 1;
    const bs = i - (i & mask);
    const { c, inv } = this.coefficients(bs);
    return bs + (Math.imul((i & mask) - c, inv) & mask);
  }

  /** First position whose timestamp is >= ts (count if none). */
  lowerBound(ts: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tsAt(mid) < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First position whose key (tsAt(p), p) is strictly after (ts, seq). */
  after(ts: number, seq: number): number {
    return Math.min(Math.max(this.lowerBound(ts), seq + 1), this.lowerBound(ts + 1));
  }
}
