import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Gauge, Histogram, Summary } from '../../src/index.js';
import type { Clock, HistogramSeries } from '../../src/index.js';
import { FakeClock } from '../../src/testing/index.js';

/** A clock whose monotonic time the test moves synchronously (FakeClock.advance is async). */
function steppingClock(): Clock & { step(ms: number): void } {
  let mono = 0;
  return {
    now: () => 1_700_000_000_000 + mono,
    monotonic: () => mono,
    setTimeout: () => ({ cancel: () => undefined }),
    step(ms: number) {
      mono += ms;
    },
  };
}

const histogram = (clock: Clock) =>
  new Histogram({ name: 'job_duration', unit: 'seconds', labelNames: ['job'], buckets: [1, 2], registry: null, clock });

function histogramState(h: Histogram<'job'>): Pick<HistogramSeries, 'bucketCounts' | 'sum' | 'count'>[] {
  return h.collect().series.map(({ bucketCounts, sum, count }) => ({ bucketCounts, sum, count }));
}

describe('time()', () => {
  it('observes the duration of a sync function and returns its result', () => {
    const clock = steppingClock();
    const h = histogram(clock);
    const result = h.time({ job: 'a' }, () => {
      clock.step(1500);
      return 'done';
    });
    assert.equal(result, 'done');
    assert.deepEqual(histogramState(h), [{ bucketCounts: [0, 1, 1], sum: 1.5, count: 1 }]);
  });

  it('observes the duration of a sync function that throws, and rethrows the same error', () => {
    const clock = steppingClock();
    const h = histogram(clock);
    const boom = new Error('boom');
    assert.throws(
      () =>
        h.time({ job: 'a' }, () => {
          clock.step(250);
          throw boom;
        }),
      (error: unknown) => error === boom,
    );
    assert.deepEqual(histogramState(h), [{ bucketCounts: [1, 1, 1], sum: 0.25, count: 1 }]);
  });

  it('observes an async function when it resolves, and resolves with its value', async () => {
    const clock = new FakeClock();
    const h = histogram(clock);
    const pending = h.time({ job: 'a' }, async () => {
      await clock.advance(2500);
      return 42;
    });
    // Labels are resolved before fn runs: the series exists, still empty, while fn is pending.
    assert.deepEqual(histogramState(h), [{ bucketCounts: [0, 0, 0], sum: 0, count: 0 }]);
    assert.equal(await pending, 42);
    assert.deepEqual(histogramState(h), [{ bucketCounts: [0, 0, 1], sum: 2.5, count: 1 }]);
  });

  it('observes an async function that rejects, and rejects with the same reason', async () => {
    const clock = new FakeClock();
    const h = histogram(clock);
    const reason = new TypeError('nope');
    await assert.rejects(
      h.time({ job: 'a' }, async () => {
        await clock.advance(500);
        throw reason;
      }),
      (error: unknown) => error === reason,
    );
    assert.deepEqual(histogramState(h), [{ bucketCounts: [1, 1, 1], sum: 0.5, count: 1 }]);
  });

  it('works without labels on a metric without label names', async () => {
    const clock = new FakeClock();
    const s = new Summary({ name: 's', percentiles: [0.5], registry: null, clock });
    await s.time(async () => {
      await clock.advance(3000);
    });
    const [series] = s.collect().series;
    assert.deepEqual([series?.count, series?.sum, series?.quantileValues], [1, 3, [3]]);
  });

  it('sets a gauge to the duration, on a child too', async () => {
    const clock = new FakeClock();
    const g = new Gauge({ name: 'last_run_seconds', labelNames: ['job'], registry: null, clock });
    await g.time({ job: 'x' }, () => clock.advance(750));
    await g.labels('y').time(() => clock.advance(125));
    assert.deepEqual(g.collect().series, [
      { labelValues: ['x'], value: 0.75 },
      { labelValues: ['y'], value: 0.125 },
    ]);
  });

  it('resolves labels before running the function, so bad labels never run it', () => {
    const h = histogram(new FakeClock());
    let ran = false;
    assert.throws(() =>
      h.time({ jb: 'a' } as never, () => {
        ran = true;
      }),
    );
    assert.equal(ran, false);
  });
});

describe('startTimer()', () => {
  it('end() observes and returns the elapsed seconds', async () => {
    const clock = new FakeClock();
    const h = histogram(clock);
    const end = h.labels({ job: 'a' }).startTimer();
    await clock.advance(1250);
    assert.equal(end(), 1.25);
    const endWithLabels = h.startTimer({ job: 'a' });
    await clock.advance(3000);
    assert.equal(endWithLabels(), 3);
    assert.deepEqual(histogramState(h), [{ bucketCounts: [0, 1, 2], sum: 4.25, count: 2 }]);
  });

  it('on a gauge, end() sets the elapsed seconds', async () => {
    const clock = new FakeClock();
    const g = new Gauge({ name: 'g', registry: null, clock });
    const end = g.startTimer();
    await clock.advance(2000);
    assert.equal(end(), 2);
    assert.deepEqual(g.collect().series, [{ labelValues: [], value: 2 }]);
  });

  it('on a summary without labels', async () => {
    const clock = new FakeClock();
    const s = new Summary({ name: 's', percentiles: [], registry: null, clock });
    const end = s.startTimer();
    await clock.advance(100);
    end();
    const [series] = s.collect().series;
    assert.deepEqual([series?.count, series?.sum], [1, 0.1]);
  });

  it('uses the monotonic clock, not wall time', () => {
    const clock = steppingClock();
    const wallJump = { ...clock, now: () => 0 };
    const g = new Gauge({ name: 'g', registry: null, clock: wallJump });
    const end = g.startTimer();
    clock.step(40);
    assert.equal(end(), 0.04);
  });
});
