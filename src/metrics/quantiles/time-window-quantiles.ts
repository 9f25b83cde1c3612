import type { Clock, Timer } from '../../clock.js';
import { sortPrefix } from './sort.js';
import { unionQuantiles } from './digest-union.js';
import { MergingDigest, centroidCapacity } from './t-digest.js';

export interface TimeWindowOptions {
  /** Quantiles in [0, 1], ascending. */
  readonly quantiles: readonly number[];
  /** Observations older than this leave the window (default 600). 0 or Infinity: never. */
  readonly maxAgeSeconds: number;
  /** The window rotates in this many steps (default 5). */
  readonly ageBuckets: number;
  readonly clock: Clock;
  /**
   * t-digest compression δ (default 200): each age bucket keeps at most δ + 2 centroids, and the
   * widest, at the median, holds π/δ of the bucket's observations.
   */
  readonly compression?: number;
}

/** Default t-digest compression: ~0.1 % median rank error on smooth data, ≤ 1 % worst case. */
export const DEFAULT_COMPRESSION = 200;

/**
 * Values buffered before a sort-and-merge into the current bucket's digest. Larger amortises the
 * merge pass (cost ∝ centroids + buffer) over more observations; 1024 doubles is 8 KiB per window
 * (reached only by a window that sees that many observations between queries or slot ends).
 */
export const INSERT_BUFFER_SIZE = 1024;

/** First size of the insert buffer, which grows ×4 up to INSERT_BUFFER_SIZE as it fills. */
const MIN_BUFFER_SIZE = 64;

/** setTimeout's limit; a longer slot simply re-arms when this fires early. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Quantiles over a sliding time window, in bounded memory, as a Prometheus summary reports them.
 *
 * Window rule (the one client_golang and prom-client follow): time is cut into slots of
 * maxAgeSeconds / ageBuckets, aligned to construction; a query covers the current slot and the
 * ageBuckets − 1 before it. An observation therefore counts for at least maxAgeSeconds − slot and
 * at most maxAgeSeconds, then leaves all at once with its slot. client_golang inserts every
 * observation into all ageBuckets streams and reads the oldest one; here an observation goes into
 * its own slot's bucket only and a query combines the live buckets, which covers the same
 * observations with one insert instead of ageBuckets.
 *
 * Each bucket is a merging t-digest (see t-digest.ts). Observations land in one unsorted insert
 * buffer, which is sorted (radix, see sort.ts) and merged into the current bucket's digest when it
 * fills, when the slot ends and before a query: `observe` costs a store and a counter amortised
 * over the buffer, with no allocation. A query adds up the buckets' rank functions and inverts
 * the sum (see digest-union.ts). Memory is bounded: INSERT_BUFFER_SIZE values plus δ + 2
 * centroids per bucket, whatever the number of observations.
 *
 * Time: reading the clock costs ~50 ns on Node 20 (more than the rest of `observe`), so `observe`
 * does not read it. When an observation finds no slot timer armed, it reads the clock once,
 * rotates if due and arms one unref'd `clock.setTimeout` for the end of the current slot; the
 * timer only marks the window stale, so the next observation reads the clock again. A series that
 * goes quiet therefore holds at most one pending timer, which never keeps the process alive, and
 * `dispose()` cancels it. Observations made after a slot ends but before its timer callback runs
 * (a busy event loop) count towards the ending slot. `query()` always reads the clock.
 *
 * NaN observations are ignored (they have no rank).
 */
export class TimeWindowQuantiles {
  private readonly quantiles: readonly number[];
  private readonly clock: Clock;
  /** Ring of age buckets; `digests[head]` is the current slot's. */
  private readonly digests: MergingDigest[];
  private head = 0;
  /** Slot length in ms; Infinity when the window never expires. */
  private readonly slotMs: number;
  /** Monotonic time at which the current slot ends. */
  private slotEnd: number;

  private buffer = new Float64Array(0);
  private buffered = 0;
  /** True when `observe` must read the clock (no slot timer armed). */
  private stale = true;
  private timer: Timer | undefined;
  private readonly onSlotEnd = (): void => {
    this.timer = undefined;
    this.stale = true;
  };

  constructor(options: TimeWindowOptions) {
    const { quantiles, maxAgeSeconds, ageBuckets, clock } = options;
    const delta = options.compression ?? DEFAULT_COMPRESSION;
    if (!Number.isInteger(ageBuckets) || ageBuckets < 1) {
      throw new RangeError(`ageBuckets must be a positive integer, got ${ageBuckets}`);
    }
    if (!(maxAgeSeconds >= 0)) throw new RangeError(`maxAgeSeconds must be >= 0, got ${maxAgeSeconds}`);
    if (!(delta >= 10 && delta <= 10_000)) throw new RangeError(`compression must be in [10, 10000], got ${delta}`);
    for (const q of quantiles) {
      if (!(q >= 0 && q <= 1)) throw new RangeError(`quantiles must lie in [0, 1], got ${q}`);
    }
    this.quantiles = [...quantiles];
    this.clock = clock;
    const windowed = maxAgeSeconds > 0 && Number.isFinite(maxAgeSeconds);
    const buckets = windowed ? ageBuckets : 1;
    this.digests = Array.from({ length: buckets }, () => new MergingDigest(delta));
    this.slotMs = windowed ? (maxAgeSeconds * 1000) / ageBuckets : Infinity;
    this.slotEnd = clock.monotonic() + this.slotMs;
  }

  observe(value: number): void {
    if (value !== value) return;
    if (this.stale) this.refresh();
    if (this.buffered === this.buffer.length) this.makeRoom();
    this.buffer[this.buffered++] = value;
  }

  /** One value per configured quantile, NaN when the window is empty. */
  query(): number[] {
    this.rotate(this.clock.monotonic());
    this.flush();
    return unionQuantiles(this.digests, this.quantiles);
  }

  /** Empties the window (the slot schedule is kept) and cancels the slot timer. */
  reset(): void {
    for (const d of this.digests) d.reset();
    this.buffered = 0;
    this.dispose();
  }

  /**
   * Cancels the pending slot timer, if any, e.g. when the owning metric is dropped. The data stays;
   * a later `observe` arms a new timer.
   */
  dispose(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.stale = true;
  }

  /** Values held: buffered observations plus centroids over all age buckets. Bounded. */
  get size(): number {
    let n = this.buffered;
    for (const d of this.digests) n += d.count;
    return n;
  }

  /** Upper bound of `size` for these options (what the memory bound promises). */
  static maxSize(options: Pick<TimeWindowOptions, 'ageBuckets' | 'compression'>): number {
    return INSERT_BUFFER_SIZE + options.ageBuckets * centroidCapacity(options.compression ?? DEFAULT_COMPRESSION);
  }

  /** The slow path of `observe`: read the clock, rotate if due, arm the slot timer. */
  private refresh(): void {
    this.stale = false;
    if (this.slotMs === Infinity) return;
    const now = this.clock.monotonic();
    this.rotate(now);
    this.timer = this.clock.setTimeout(this.onSlotEnd, Math.min(MAX_TIMER_MS, this.slotEnd - now), { unref: true });
  }

  /** Moves the ring forward to the slot containing `now`, emptying the buckets that expired. */
  private rotate(now: number): void {
    if (now < this.slotEnd) return;
    const steps = Math.floor((now - this.slotEnd) / this.slotMs) + 1;
    this.slotEnd += steps * this.slotMs;
    if (steps >= this.digests.length) {
      for (const d of this.digests) d.reset();
      this.buffered = 0;
      return;
    }
    // Buffered values belong to the slot that just ended.
    this.flush();
    for (let s = 0; s < steps; s++) {
      this.head = (this.head + 1) % this.digests.length;
      this.digests[this.head]!.reset();
    }
  }

  /** The buffer is full: grow it while it is small (a quiet series keeps a small one), else flush. */
  private makeRoom(): void {
    const length = this.buffer.length;
    if (length < INSERT_BUFFER_SIZE) {
      const grown = new Float64Array(Math.min(INSERT_BUFFER_SIZE, Math.max(MIN_BUFFER_SIZE, 4 * length)));
      grown.set(this.buffer);
      this.buffer = grown;
    } else {
      this.flush();
    }
  }

  private flush(): void {
    const n = this.buffered;
    if (n === 0) return;
    this.buffered = 0;
    sortPrefix(this.buffer, n);
    this.digests[this.head]!.addSorted(this.buffer, n);
  }
}
