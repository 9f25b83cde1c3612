import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, Enum, Gauge, Histogram, Info, InvalidArgumentError, Registry, Summary } from '../../src/index.js';
import type { CounterOptions } from '../../src/index.js';
import { buildFullName, checkLabelNames, quote } from '../../src/model/names.js';

const fresh = () => ({ registry: new Registry() });
/** Options as a JavaScript caller might pass them, past the type checks. */
const loose = (options: object) => options as CounterOptions<string, string>;

function throwsInvalid(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InvalidArgumentError, `expected InvalidArgumentError, got ${String(error)}`);
    assert.equal(error.code, 'ERR_INVALID_ARG');
    for (const fragment of fragments)
      assert.ok(error.message.includes(fragment), `"${error.message}" lacks ${fragment}`);
    return true;
  });
}

describe('full metric names', () => {
  it('joins namespace, subsystem, name and unit with underscores', () => {
    assert.equal(
      buildFullName({ type: 'gauge', name: 'latency', namespace: 'acme', subsystem: 'job123', unit: 'seconds' }),
      'acme_job123_latency_seconds',
    );
    assert.equal(buildFullName({ type: 'gauge', name: 'x', namespace: '', subsystem: 'sub' }), 'sub_x');
  });

  it('appends the unit only when the name does not already end with it', () => {
    assert.equal(buildFullName({ type: 'histogram', name: 'latency_seconds', unit: 'seconds' }), 'latency_seconds');
    assert.equal(
      buildFullName({ type: 'histogram', name: 'latencyseconds', unit: 'seconds' }),
      'latencyseconds_seconds',
    );
  });

  it('strips a counter _total and an info _info (encoders add them back)', () => {
    assert.equal(buildFullName({ type: 'counter', name: 'requests_total' }), 'requests');
    assert.equal(buildFullName({ type: 'counter', name: 'requests_total', unit: 'bytes' }), 'requests_bytes');
    assert.equal(buildFullName({ type: 'gauge', name: 'requests_total' }), 'requests_total');
    assert.equal(buildFullName({ type: 'info', name: 'build_info' }), 'build');
  });

  it('is what the metric reports as its name', () => {
    const c = new Counter({ name: 'requests_total', namespace: 'acme', subsystem: 'job123', ...fresh() });
    assert.equal(c.name, 'acme_job123_requests');
    const h = new Histogram({ name: 'latency', unit: 'seconds', ...fresh() });
    assert.equal(h.name, 'latency_seconds');
    assert.equal(h.unit, 'seconds');
  });

  it('rejects empty and invalid names, naming the bad value', () => {
    throwsInvalid(() => new Counter({ name: '', ...fresh() }), 'metric name must be a non-empty string, got ""');
    throwsInvalid(() => new Counter({ name: 'bad-name', ...fresh() }), 'invalid metric name "bad-name"');
    throwsInvalid(() => new Counter({ name: '1x', ...fresh() }), 'invalid metric name "1x"');
    throwsInvalid(() => new Gauge({ name: 'x', namespace: 'a b', ...fresh() }), 'invalid metric name "a b_x"');
    throwsInvalid(() => new Counter({ name: '_total', ...fresh() }), 'invalid metric name ""');
  });

  it('accepts colons in metric names', () => {
    assert.equal(new Gauge({ name: 'job:rate:5m', ...fresh() }).name, 'job:rate:5m');
  });

  it('rejects a bad unit and a unit on info and enum', () => {
    throwsInvalid(
      () => new Gauge({ name: 'x', unit: 'milli-seconds', ...fresh() }),
      'metric "x"',
      'invalid unit "milli-seconds"',
    );
    throwsInvalid(
      () => buildFullName({ type: 'info', name: 'build', unit: 'seconds' }),
      'metric "build"',
      'a info cannot have a unit, got "seconds"',
    );
    throwsInvalid(
      () => buildFullName({ type: 'stateset', name: 'phase', unit: 'x' }),
      'metric "phase"',
      'a enum cannot have a unit, got "x"',
    );
  });
});

describe('label names', () => {
  it('accepts valid names and returns them frozen, in order', () => {
    const names = checkLabelNames('m', ['host', '_x', 'a1']);
    assert.deepEqual(names, ['host', '_x', 'a1']);
    assert.ok(Object.isFrozen(names));
  });

  it('rejects invalid, reserved, duplicate and double-underscore names, naming metric and label', () => {
    throwsInvalid(
      () => new Counter({ name: 'c', labelNames: ['1a'], ...fresh() }),
      'metric "c"',
      'invalid label name "1a"',
    );
    throwsInvalid(
      () => new Counter({ name: 'c', labelNames: ['a:b'], ...fresh() }),
      'metric "c"',
      'invalid label name "a:b"',
    );
    throwsInvalid(
      () => new Counter({ name: 'c', labelNames: ['__name'], ...fresh() }),
      'metric "c"',
      'label name "__name" is reserved (starts with "__")',
    );
    throwsInvalid(
      () => new Counter({ name: 'c', labelNames: ['a', 'a'], ...fresh() }),
      'metric "c"',
      'duplicate label name "a"',
    );
    throwsInvalid(
      () => new Histogram({ name: 'h', labelNames: ['le'], ...fresh() }),
      'metric "h"',
      'label name "le" is reserved for this metric type',
    );
    throwsInvalid(
      () => new Summary({ name: 's', labelNames: ['quantile'], ...fresh() }),
      'metric "s"',
      'label name "quantile" is reserved for this metric type',
    );
    throwsInvalid(
      () => new Enum({ name: 'phase', states: ['a'], labelNames: ['phase'], ...fresh() }),
      'metric "phase"',
      'label name "phase" is reserved for this metric type',
    );
  });

  it('allows le on a counter and quantile on a histogram', () => {
    assert.deepEqual(new Counter({ name: 'c', labelNames: ['le'], ...fresh() }).labelNames, ['le']);
    assert.deepEqual(new Histogram({ name: 'h', labelNames: ['quantile'], ...fresh() }).labelNames, ['quantile']);
  });

  it('rejects a default for a label that is not in labelNames', () => {
    throwsInvalid(
      () => new Counter(loose({ name: 'c', labelNames: ['a'], defaultLabels: { b: 1 }, ...fresh() })),
      'metric "c"',
      'default for unknown label name "b"',
    );
  });

  it('rejects a default value that is neither string nor number', () => {
    throwsInvalid(
      () => new Counter(loose({ name: 'c', labelNames: ['a'], defaultLabels: { a: true }, ...fresh() })),
      'metric "c"',
      'label "a" must be a string or a number, got true',
    );
  });
});

describe('quote', () => {
  it('makes the bad value visible in messages', () => {
    assert.equal(quote(''), '""');
    assert.equal(quote(' a'), '" a"');
    assert.equal(quote(-1), '-1');
    assert.equal(quote(undefined), 'undefined');
    assert.equal(quote(null), 'null');
    assert.equal(quote(10n), '10n');
    assert.equal(quote({ a: 1 }), 'object {"a":1}');
    assert.equal(
      quote(() => 1),
      'function',
    );
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    assert.equal(quote(circular), 'object');
  });
});

describe('info names', () => {
  it('strips _info from an Info name', () => {
    assert.equal(new Info({ name: 'build_info', ...fresh() }).name, 'build');
  });
});
