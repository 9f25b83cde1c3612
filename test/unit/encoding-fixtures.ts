// Hand-built snapshots and change events shared by the Influx and StatsD encoder tests: plain
// objects, so the tests depend on the Snapshot model only, never on the metric classes.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import type { MetricEvent, MetricSource } from '../../src/model/events.js';
import type { GaugeFamily, MetricFamily, MetricType, Snapshot } from '../../src/model/snapshot.js';

/** 2023-11-14T22:13:20.123Z */
export const TIMESTAMP_MS = 1_700_000_000_123;

/** Every metric type, default labels (one overridden by an own label, one clashing with `le`). */
export const ALL_TYPES: Snapshot = {
  timestampMs: TIMESTAMP_MS,
  defaultLabelNames: ['host', 'job', 'le'],
  defaultLabelValues: ['h1', 'batch', 'never'],
  families: [
    {
      type: 'counter',
      name: 'jobs_processed',
      help: 'Jobs processed',
      unit: '',
      labelNames: ['queue', 'job'],
      series: [
        { labelValues: ['mail', 'own-job'], value: 42, created: 1_700_000_000 },
        { labelValues: ['sms', ''], value: 0.5, created: 1_700_000_000 },
      ],
    },
    {
      type: 'gauge',
      name: 'temperature_celsius',
      help: '',
      unit: 'celsius',
      labelNames: [],
      series: [{ labelValues: [], value: -3.25 }],
    },
    {
      type: 'gauge',
      name: 'up',
      help: '',
      unit: '',
      labelNames: ['zone'],
      series: [
        { labelValues: ['a'], value: 1 },
        { labelValues: ['b'], value: Infinity },
        { labelValues: ['c'], value: -Infinity },
        { labelValues: ['d'], value: NaN },
        { labelValues: ['e'], value: 1e21 },
        { labelValues: ['f'], value: 1e-7 },
      ],
    },
    {
      type: 'histogram',
      name: 'latency_seconds',
      help: '',
      unit: 'seconds',
      labelNames: ['method'],
      upperBounds: [0.005, 1, 10],
      series: [{ labelValues: ['GET'], bucketCounts: [1, 3, 4, 5], sum: 12.75, count: 5, created: 1_700_000_000 }],
    },
    {
      type: 'summary',
      name: 'payload_bytes',
      help: '',
      unit: 'bytes',
      labelNames: [],
      quantiles: [0.5, 0.99],
      series: [{ labelValues: [], quantileValues: [NaN, 2048], sum: -7, count: 3, created: 1_700_000_000 }],
    },
    {
      type: 'info',
      name: 'build',
      help: '',
      unit: '',
      labelNames: ['component'],
      series: [
        {
          labelValues: ['api'],
          infoNames: ['version', 'host', 'component'],
          infoValues: ['1.2.3', 'build-host', 'ignored'],
        },
      ],
    },
    {
      type: 'stateset',
      name: 'phase',
      help: '',
      unit: '',
      labelNames: [],
      states: ['starting', 'running', 'done'],
      series: [{ labelValues: [], stateIndex: 1 }],
    },
    // A family without series writes nothing.
    { type: 'counter', name: 'never_used', help: '', unit: '', labelNames: ['x'], series: [] },
  ],
};

/** One label value per escaping rule, in one gauge family `nasty` with label `v`. */
export const NASTY_VALUES: readonly (readonly [string, string])[] = [
  ['space', 'a b'],
  ['comma', 'a,b'],
  ['equals', 'a=b'],
  ['quote', 'say "hi"'],
  ['backslash', 'C:\\dir'],
  ['trailing backslash', 'end\\'],
  ['two trailing backslashes', 'end\\\\'],
  ['backslash before comma', 'x\\,y'],
  ['backslash before space', 'x\\ y'],
  ['newline', 'line1\nline2'],
  ['carriage return', 'cr\rlf'],
  ['tab', 'tab\there'],
  ['unicode', 'Grüße 😀'],
  ['lone surrogate', 'bad\uD800x'],
  ['statsd separators', 'a:b|c@d#e'],
  ['brackets', '[x]'],
  ['empty', ''],
];

export const NASTY: Snapshot = {
  timestampMs: TIMESTAMP_MS,
  defaultLabelNames: [],
  defaultLabelValues: [],
  families: [
    {
      type: 'gauge',
      name: 'nasty',
      help: '',
      unit: '',
      labelNames: ['case', 'v'],
      series: NASTY_VALUES.map(([name, value], i) => ({ labelValues: [name, value], value: i })),
    },
  ],
};

export function snapshot(families: MetricFamily[], defaults: Record<string, string> = {}): Snapshot {
  return {
    timestampMs: TIMESTAMP_MS,
    defaultLabelNames: Object.keys(defaults),
    defaultLabelValues: Object.values(defaults),
    families,
  };
}

export function gauges(name: string, labelName: string, values: readonly [string, number][]): GaugeFamily {
  return {
    type: 'gauge',
    name,
    help: '',
    unit: '',
    labelNames: [labelName],
    series: values.map(([label, value]) => ({ labelValues: [label], value })),
  };
}

/** A gauge family without labels: its one series has `value`. */
export function bareGauge(name: string, value: number): GaugeFamily {
  return { type: 'gauge', name, help: '', unit: '', labelNames: [], series: [{ labelValues: [], value }] };
}

/** Two one-series gauge families both named `name` (label `k` empty), with values 1 and 2. */
export function gaugePair(name: string, defaults: Record<string, string> = {}): Snapshot {
  return snapshot([gauges(name, 'k', [['', 1]]), gauges(name, 'k', [['', 2]])], defaults);
}

/** A stateset family `name` with the single state `state`, current in its one series. */
export function singleState(name: string, state: string): MetricFamily {
  return {
    type: 'stateset',
    name,
    help: '',
    unit: '',
    labelNames: [],
    states: [state],
    series: [{ labelValues: [], stateIndex: 0 }],
  };
}

/** A MetricSource whose `collectSeries` returns the given family (filtered to the asked series). */
export function source(
  name: string,
  type: MetricType,
  labelNames: readonly string[],
  family?: MetricFamily,
): MetricSource {
  return {
    name,
    type,
    labelNames,
    collectSeries(labelValues) {
      assert.ok(family, `collectSeries called on ${name}`);
      // The family with only the asked series, as the metric's own collectSeries returns it.
      const series: readonly { labelValues: readonly string[] }[] = family.series;
      return { ...family, series: series.filter((s) => s.labelValues === labelValues) } as unknown as MetricFamily;
    },
  };
}

export function event(
  src: MetricSource,
  labelValues: readonly string[],
  kind: MetricEvent['kind'],
  value: number,
): MetricEvent {
  return { source: src, labelValues, kind, value };
}

export function text(payloads: readonly Uint8Array[]): string[] {
  return payloads.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('utf8'));
}

/** All payloads' text, concatenated. */
export function lines(payloads: readonly Uint8Array[]): string {
  return text(payloads).join('');
}

// --- golden files

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'golden');

/**
 * Separates payloads in a golden file. It is a comment in line protocol, and no StatsD line can
 * start with `#` (names are sanitized), so a golden file still reads as the wire text.
 */
export const PAYLOAD_SEPARATOR = '#--- payload boundary ---\n';

/**
 * Compares payloads with `test/golden/<path>`, byte for byte: the payloads joined by
 * PAYLOAD_SEPARATOR. `UPDATE_GOLDEN=1` rewrites the file instead (review the diff!).
 */
export function assertGolden(path: string, payloads: readonly Uint8Array[]): void {
  const file = join(GOLDEN_DIR, path);
  const actual = Buffer.concat(payloads.flatMap((p, i) => (i === 0 ? [p] : [Buffer.from(PAYLOAD_SEPARATOR), p])));
  if (process.env['UPDATE_GOLDEN'] === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  const expected = readFileSync(file);
  assert.equal(actual.toString('utf8'), expected.toString('utf8'), `golden file ${path}`);
  assert.ok(actual.equals(expected), `golden file ${path}: bytes differ`);
}
