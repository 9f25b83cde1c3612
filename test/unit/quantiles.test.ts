import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TimeWindowQuantiles } from '../../src/metrics/quantiles/time-window-quantiles.js';
import { MergingDigest } from '../../src/metrics/quantiles/t-digest.js';
import { sortPrefix } from '../../src/metrics/quantiles/sort.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import type { Timer, TimerOptions } from '../../src/clock.js';

const DEFAULT_QUANTILES = [0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999];
const MINUTE = 60_000;

/** mulberry32: a tiny seeded PRNG, so every run sees the same samples. */
function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples by Box-Muller. */
function normals(seed: number, n: number): Float64Array {
  const random = mulberry32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = 1 - random();
    const v = random();
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

function lognormals(seed: number, n: number): Float64Array {
  return normals(seed, n).map(Math.exp);
}

/** Count of sorted values < v, and ≤ v. */
function rankRange(sorted: Float64Array, v: number): [number, number] {
  const bound = (strict: boolean): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (strict ? sorted[mid]! < v : sorted[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return [bound(true), bound(false)];
}

/** Distance, as a fraction of n, between q·n and the ranks v occupies in the sample. */
function rankError(sorted: Float64Array, v: number, q: number): number {
  const [below, upTo] = rankRange(sorted, v);
  const target = q * sorted.length;
  if (target >= below && target <= upTo) return 0;
  return Math.min(Math.abs(below - target), Math.abs(upTo - target)) / sorted.length;
}

function window(clock: FakeClock, extra: Partial<{ maxAgeSeconds: number; ageBuckets: number }> = {}) {
  return new TimeWindowQuantiles({
    quantiles: DEFAULT_QUANTILES,
    maxAgeSeconds: extra.maxAgeSeconds ?? 600,
    ageBuckets: extra.ageBuckets ?? 5,
    clock,
  });
}

const percent = (e: number): string => `${(e * 100).toFixed(3)}%`;

describe('TimeWindowQuantiles accuracy (100k lognormal samples, 1 % rank error)', () => {
  const n = 100_000;
  const cases: { name: string; order: (data: Float64Array, sorted: Float64Array) => Float64Array; spread: boolean }[] =
    [
      { name: 'random order, one age bucket', order: (d) => d, spread: false },
      { name: 'random order, spread over all 5 age buckets', order: (d) => d, spread: true },
      { name: 'ascending order', order: (_, s) => s, spread: false },
      { name: 'descending order, spread over 5 age buckets', order: (_, s) => s.slice().reverse(), spread: true },
    ];
  for (const c of cases) {
    it(c.name, async (t) => {
      const worst = DEFAULT_QUANTILES.map(() => 0);
      for (const seed of [1, 2, 3]) {
        const data = lognormals(seed, n);
        const sorted = data.slice().sort();
        const input = c.order(data, sorted);
        const clock = new FakeClock();
        const tw = window(clock);
        for (let i = 0; i < n; i++) {
          // Spread: a fifth of the samples per 2-minute slot, all still inside the 10-minute window.
          if (c.spread && i > 0 && i % (n / 5) === 0) await clock.advance(2 * MINUTE);
          tw.observe(input[i]!);
          // Interleaved queries flush partial buffers, as periodic pushes do.
          if (i % 9_973 === 0) tw.query();
        }
        const result = tw.query();
        DEFAULT_QUANTILES.forEach((q, k) => {
          worst[k] = Math.max(worst[k]!, rankError(sorted, result[k]!, q));
        });
        tw.dispose();
      }
      t.diagnostic(`max rank error: ${DEFAULT_QUANTILES.map((q, k) => `q${q}=${percent(worst[k]!)}`).join(' ')}`);
      DEFAULT_QUANTILES.forEach((q, k) => {
        assert.ok(worst[k]! <= 0.01, `q=${q}: rank error ${percent(worst[k]!)} > 1 %`);
      });
    });
  }

  it('holds for huge, tiny, negative and mixed-sign values', (t) => {
    const shapes: Record<string, Float64Array> = {
      'normal × 1e300 (huge, both signs)': normals(7, n).map((x) => x * 1e300),
      '−lognormal (all negative)': lognormals(8, n).map((x) => -x),
      'lognormal × 1e-300 (tiny)': lognormals(9, n).map((x) => x * 1e-300),
    };
    for (const [name, data] of Object.entries(shapes)) {
      const sorted = data.slice().sort();
      const tw = window(new FakeClock());
      for (const x of data) tw.observe(x);
      const result = tw.query();
      let worst = 0;
      DEFAULT_QUANTILES.forEach((q, k) => {
        assert.ok(Number.isFinite(result[k]), `${name}: q=${q} gave ${result[k]}`);
        worst = Math.max(worst, rankError(sorted, result[k]!, q));
      });
      t.diagnostic(`${name}: max rank error ${percent(worst)}`);
      assert.ok(worst <= 0.01, name);
      tw.dispose();
    }
  });
});

describe('TimeWindowQuantiles basics', () => {
  it('returns NaN for every quantile when nothing was observed', () => {
    const tw = window(new FakeClock());
    const result = tw.query();
    assert.equal(result.length, DEFAULT_QUANTILES.length);
    assert.ok(result.every(Number.isNaN));
  });

  it('returns the single observed value for every quantile', () => {
    const tw = window(new FakeClock());
    tw.observe(42.5);
    assert.deepEqual(
      tw.query(),
      DEFAULT_QUANTILES.map(() => 42.5),
    );
    tw.dispose();
  });

  it('returns exactly the value when all observations are equal', () => {
    const tw = window(new FakeClock());
    for (let i = 0; i < 100_000; i++) tw.observe(0.1);
    assert.deepEqual(
      tw.query(),
      DEFAULT_QUANTILES.map(() => 0.1),
    );
    tw.dispose();
  });

  it('is exact at the extremes and monotone in q', () => {
    const tw = new TimeWindowQuantiles({
      quantiles: [0, 0.25, 0.5, 0.75, 1],
      maxAgeSeconds: 600,
      ageBuckets: 5,
      clock: new FakeClock(),
    });
    const data = lognormals(3, 50_000);
    for (const x of data) tw.observe(x);
    const [q0, q25, q50, q75, q100] = tw.query() as [number, number, number, number, number];
    const sorted = data.slice().sort();
    assert.equal(q0, sorted[0]);
    assert.equal(q100, sorted[sorted.length - 1]);
    assert.ok(q0 <= q25 && q25 <= q50 && q50 <= q75 && q75 <= q100);
    tw.dispose();
  });

  it('answers small samples from the samples themselves', () => {
    const tw = new TimeWindowQuantiles({
      quantiles: [0, 0.5, 1],
      maxAgeSeconds: 600,
      ageBuckets: 5,
      clock: new FakeClock(),
    });
    for (const x of [5, 1, 4, 2, 3]) tw.observe(x);
    assert.deepEqual(tw.query(), [1, 3, 5]);
    tw.dispose();
  });

  it('handles negative, huge and infinite values', () => {
    const tw = new TimeWindowQuantiles({
      quantiles: [0, 0.5, 1],
      maxAgeSeconds: 600,
      ageBuckets: 5,
      clock: new FakeClock(),
    });
    for (const x of [-1e300, -5, 0, 7, 1e300]) tw.observe(x);
    assert.deepEqual(tw.query(), [-1e300, 0, 1e300]);
    tw.reset();
    for (const x of [-Infinity, -1, 0, 1, Infinity]) tw.observe(x);
    assert.deepEqual(tw.query(), [-Infinity, 0, Infinity]);
    tw.reset();
    // Many of them, so the infinities end up inside merged centroids.
    for (let i = 0; i < 10_000; i++) tw.observe(i % 3 === 0 ? Infinity : i % 3 === 1 ? -Infinity : i);
    const result = tw.query();
    assert.equal(result[0], -Infinity);
    assert.equal(result[2], Infinity);
    assert.ok(!Number.isNaN(result[1]));
    tw.dispose();
  });

  it('ignores NaN observations', () => {
    const tw = window(new FakeClock());
    tw.observe(NaN);
    assert.ok(tw.query().every(Number.isNaN));
    tw.observe(1);
    tw.observe(NaN);
    assert.deepEqual(
      tw.query(),
      DEFAULT_QUANTILES.map(() => 1),
    );
    tw.dispose();
  });

  it('reset() empties the window', () => {
    const tw = window(new FakeClock());
    for (let i = 0; i < 5_000; i++) tw.observe(i);
    tw.reset();
    assert.equal(tw.size, 0);
    assert.ok(tw.query().every(Number.isNaN));
    tw.observe(3);
    assert.deepEqual(
      tw.query(),
      DEFAULT_QUANTILES.map(() => 3),
    );
    tw.dispose();
  });

  it('rejects invalid options', () => {
    const clock = new FakeClock();
    const base = { quantiles: [0.5], maxAgeSeconds: 600, ageBuckets: 5, clock };
    assert.throws(() => new TimeWindowQuantiles({ ...base, ageBuckets: 0 }), RangeError);
    assert.throws(() => new TimeWindowQuantiles({ ...base, ageBuckets: 2.5 }), RangeError);
    assert.throws(() => new TimeWindowQuantiles({ ...base, maxAgeSeconds: -1 }), RangeError);
    assert.throws(() => new TimeWindowQuantiles({ ...base, quantiles: [1.5] }), RangeError);
    assert.throws(() => new TimeWindowQuantiles({ ...base, compression: 1 }), RangeError);
  });
});

describe('TimeWindowQuantiles window', () => {
  it('forgets everything after maxAgeSeconds without observations', async () => {
    const clock = new FakeClock();
    const tw = window(clock);
    for (let i = 0; i < 10_000; i++) tw.observe(i);
    await clock.advance(10 * MINUTE);
    assert.ok(tw.query().every(Number.isNaN));
    assert.equal(tw.size, 0);
  });

  it('drops a slot at a time: an observation lasts between maxAge − maxAge/ageBuckets and maxAge', async () => {
    // 600 s in 5 slots of 120 s, aligned to construction at t = 0.
    const clock = new FakeClock();
    const tw = new TimeWindowQuantiles({ quantiles: [0, 1], maxAgeSeconds: 600, ageBuckets: 5, clock });
    await clock.advance(60_000); // t = 60 s, slot [0, 120)
    for (let i = 0; i < 100; i++) tw.observe(1);
    await clock.advance(240_000); // t = 300 s, slot [240, 360)
    for (let i = 0; i < 100; i++) tw.observe(1000);

    await clock.advance(299_999); // t = 599.999 s: still the window of slots [0, 600)
    assert.deepEqual(tw.query(), [1, 1000]);
    await clock.advance(1); // t = 600 s: slot [0, 120) left, 540 s after its observations
    assert.deepEqual(tw.query(), [1000, 1000]);
    await clock.advance(239_999); // t = 839.999 s
    assert.deepEqual(tw.query(), [1000, 1000]);
    await clock.advance(1); // t = 840 s: slot [240, 360) left too
    assert.ok(tw.query().every(Number.isNaN));
  });

  it('fades old data out as the window slides', async () => {
    const clock = new FakeClock();
    const tw = new TimeWindowQuantiles({ quantiles: [0.5], maxAgeSeconds: 600, ageBuckets: 5, clock });
    // Every 2-minute slot gets 1 000 observations of its own value: 0, 1, 2, ...
    for (let slot = 0; slot < 12; slot++) {
      for (let i = 0; i < 1_000; i++) tw.observe(slot);
      // The window holds the last five slots, so the median is the middle one's value.
      if (slot >= 4) assert.equal(tw.query()[0], slot - 2);
      await clock.advance(2 * MINUTE);
    }
  });

  it('puts an observation made after a long pause into the current slot', async () => {
    const clock = new FakeClock();
    const tw = window(clock);
    for (let i = 0; i < 1_000; i++) tw.observe(1);
    await clock.advance(60 * MINUTE);
    tw.observe(7);
    assert.deepEqual(
      tw.query(),
      DEFAULT_QUANTILES.map(() => 7),
    );
    await clock.advance(5 * MINUTE);
    assert.deepEqual(
      tw.query(),
      DEFAULT_QUANTILES.map(() => 7),
    );
    tw.dispose();
  });

  it('holds at most one unref timer, none once disposed or reset', async () => {
    const unrefs: (boolean | undefined)[] = [];
    const clock = new (class extends FakeClock {
      override setTimeout(callback: () => void, ms: number, options?: TimerOptions): Timer {
        unrefs.push(options?.unref);
        return super.setTimeout(callback, ms, options);
      }
    })();
    const tw = window(clock);
    assert.equal(clock.pendingTimers, 0);
    for (let i = 0; i < 10_000; i++) tw.observe(i);
    assert.equal(clock.pendingTimers, 1);
    // A quiet series: the slot timer fires once and is not re-armed.
    await clock.advance(30 * MINUTE);
    assert.equal(clock.pendingTimers, 0);
    tw.observe(1);
    assert.equal(clock.pendingTimers, 1);
    tw.dispose();
    assert.equal(clock.pendingTimers, 0);
    tw.observe(2);
    tw.reset();
    assert.equal(clock.pendingTimers, 0);
    assert.ok(unrefs.length > 0 && unrefs.every((u) => u === true), 'every slot timer is unref');
  });

  it('never expires with maxAgeSeconds = 0, and needs no timer', async () => {
    const clock = new FakeClock();
    const tw = window(clock, { maxAgeSeconds: 0 });
    tw.observe(5);
    assert.equal(clock.pendingTimers, 0);
    await clock.advance(24 * 60 * MINUTE);
    assert.deepEqual(
      tw.query(),
      DEFAULT_QUANTILES.map(() => 5),
    );
  });
});

describe('TimeWindowQuantiles memory', () => {
  it('stays within its bound after 1e6 observations, across slot rotations', async (t) => {
    const clock = new FakeClock();
    const tw = window(clock);
    const bound = TimeWindowQuantiles.maxSize({ ageBuckets: 5 });
    const data = lognormals(11, 1 << 16);
    let peak = 0;
    for (let i = 0; i < 1_000_000; i++) {
      tw.observe(data[i & 0xffff]! * (1 + i / 1e6));
      if (i % 50_000 === 0) {
        await clock.advance(MINUTE);
        peak = Math.max(peak, tw.size);
      }
    }
    tw.query();
    peak = Math.max(peak, tw.size);
    t.diagnostic(`peak size ${peak} (bound ${bound})`);
    assert.ok(peak <= bound, `size ${peak} > bound ${bound}`);
    tw.dispose();
  });

  it('keeps a digest under δ + 2 centroids', () => {
    for (const delta of [20, 100, 200, 500]) {
      const digest = new MergingDigest(delta);
      const batch = new Float64Array(1000);
      const random = mulberry32(delta);
      for (let round = 0; round < 200; round++) {
        for (let i = 0; i < batch.length; i++) batch[i] = random() * (round % 2 === 0 ? 1 : 1e6);
        sortPrefix(batch, batch.length);
        digest.addSorted(batch, batch.length);
        assert.ok(digest.count <= delta + 2, `δ=${delta}: ${digest.count} centroids`);
      }
      assert.equal(digest.total, 200_000);
    }
  });
});

describe('sortPrefix', () => {
  const random = mulberry32(99);
  const generators: Record<string, (i: number) => number> = {
    lognormal: () => Math.exp(4 * random() - 2),
    'small integers': () => Math.floor(random() * 10),
    ascending: (i) => i,
    descending: (i) => -i,
    'mixed signs and magnitudes': () => (random() - 0.5) * 10 ** Math.floor(600 * random() - 300),
    'close together (1e9 + small integers)': () => 1e9 + Math.floor(random() * 100),
    'nearly identical (needs the fallback)': () => 1 + Math.floor(random() * 1000) * Number.EPSILON,
    'zeros, infinities, subnormals': () => [0, -0, Infinity, -Infinity, 5e-324, -5e-324, 1][Math.floor(7 * random())]!,
    constant: () => 3.25,
  };
  for (const [name, gen] of Object.entries(generators)) {
    it(`sorts ${name}`, () => {
      for (const n of [0, 1, 2, 31, 32, 100, 1024, 2048, 5000]) {
        const a = new Float64Array(n + 3).fill(-7); // the tail beyond n must stay untouched
        for (let i = 0; i < n; i++) a[i] = gen(i);
        const expected = a.slice(0, n).sort();
        sortPrefix(a, n);
        // −0 and 0 compare equal, so their relative order is free: compare with x + 0 (−0 + 0 is 0).
        assert.deepEqual(
          a.slice(0, n).map((x) => x + 0),
          expected.map((x) => x + 0),
          `n=${n}`,
        );
        assert.deepEqual([...a.slice(n)], [-7, -7, -7]);
      }
    });
  }
});
