// One hand-built Snapshot with every metric type, for the e2e tests that go through the library's
// encoders and transports, plus the samples every target should end up holding.
//
// The contract (src/encoding/samples.ts): whichever encoder carries a family, the store sees the
// same Prometheus samples: counter `x_total`; gauge `x`; histogram `x_bucket{le}` (canonical
// `le`: `0.1`, `1.0`, `10.0`, `+Inf`), `x_sum`, `x_count`; summary `x{quantile}`, `x_sum`,
// `x_count`; info `x_info{<info labels>} 1`; stateset `x{x="<state>"} 1|0`.
//
// Values are chosen to survive VictoriaMetrics exactly: it stores floats as a decimal mantissa
// and exponent, so some float64s come back one ulp off (1.7976931348623157e308 →
// 1.797693134862315e308) and subnormals become 0. Label values avoid a newline (the Influx
// encoders write it as the two characters `\n`) and a trailing backslash (the `influxdb` flavour
// replaces it); both are covered by the encoders' unit tests.
import type { Snapshot } from '../../../src/model/snapshot.js';

/** Label values that need escaping in some format: space, comma, `=`, quote, backslash, unicode. */
export const NASTY = 'a b,c=d "q" c:\\dir ünï€😀';

/** One sample as a store holds it: all labels (`__name__` included) and the value. */
export interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

export function fixtureSnapshot(prefix: string, timestampMs: number): Snapshot {
  const created = Math.floor(timestampMs / 1000) - 60;
  return {
    timestampMs,
    defaultLabelNames: ['env'],
    defaultLabelValues: ['e2e'],
    families: [
      {
        type: 'counter',
        name: `${prefix}_requests`,
        help: 'Requests "served" with a \\ backslash.',
        unit: '',
        labelNames: ['path', 'code'],
        series: [
          { labelValues: ['/a b', '200'], value: 3, created },
          { labelValues: [NASTY, '500'], value: 1.5, created },
        ],
      },
      {
        type: 'gauge',
        name: `${prefix}_temperature_celsius`,
        help: 'Temperature.',
        unit: 'celsius',
        labelNames: ['room'],
        series: [{ labelValues: ['kitchen'], value: -2.25 }],
      },
      {
        type: 'histogram',
        name: `${prefix}_latency_seconds`,
        help: 'Latency.',
        unit: 'seconds',
        labelNames: ['op'],
        upperBounds: [0.1, 1, 10],
        series: [{ labelValues: ['read'], bucketCounts: [1, 3, 4, 5], sum: 12.5, count: 5, created }],
      },
      {
        type: 'summary',
        name: `${prefix}_size_bytes`,
        help: 'Sizes.',
        unit: 'bytes',
        labelNames: [],
        quantiles: [0.5, 0.9],
        series: [{ labelValues: [], quantileValues: [10, 20], sum: 45, count: 3, created }],
      },
      {
        type: 'info',
        name: `${prefix}_build`,
        help: 'Build.',
        unit: '',
        labelNames: [],
        series: [{ labelValues: [], infoNames: ['version', 'commit'], infoValues: ['1.2.3', 'abc'] }],
      },
      {
        type: 'stateset',
        name: `${prefix}_phase`,
        help: 'Phase.',
        unit: '',
        labelNames: [],
        states: ['starting', 'running', 'done'],
        series: [{ labelValues: [], stateIndex: 1 }],
      },
    ],
  };
}

/** The samples `fixtureSnapshot(prefix, …)` must become, sorted like `sortSamples`. */
export function expectedSamples(prefix: string): Sample[] {
  const env = { env: 'e2e' };
  const s = (name: string, labels: Record<string, string>, value: number): Sample => ({
    metric: { __name__: `${prefix}_${name}`, ...labels, ...env },
    value,
  });
  return sortSamples([
    s('requests_total', { path: '/a b', code: '200' }, 3),
    s('requests_total', { path: NASTY, code: '500' }, 1.5),
    s('temperature_celsius', { room: 'kitchen' }, -2.25),
    s('latency_seconds_bucket', { op: 'read', le: '0.1' }, 1),
    s('latency_seconds_bucket', { op: 'read', le: '1.0' }, 3),
    s('latency_seconds_bucket', { op: 'read', le: '10.0' }, 4),
    s('latency_seconds_bucket', { op: 'read', le: '+Inf' }, 5),
    s('latency_seconds_sum', { op: 'read' }, 12.5),
    s('latency_seconds_count', { op: 'read' }, 5),
    s('size_bytes', { quantile: '0.5' }, 10),
    s('size_bytes', { quantile: '0.9' }, 20),
    s('size_bytes_sum', {}, 45),
    s('size_bytes_count', {}, 3),
    s('build_info', { version: '1.2.3', commit: 'abc' }, 1),
    s('phase', { [`${prefix}_phase`]: 'starting' }, 0),
    s('phase', { [`${prefix}_phase`]: 'running' }, 1),
    s('phase', { [`${prefix}_phase`]: 'done' }, 0),
  ]);
}

/** The `_created` samples the OpenMetrics encoder adds with `created: true` (seconds). */
export function expectedCreatedSamples(prefix: string, timestampMs: number): Sample[] {
  const created = Math.floor(timestampMs / 1000) - 60;
  const env = { env: 'e2e' };
  return [
    { metric: { __name__: `${prefix}_requests_created`, path: '/a b', code: '200', ...env }, value: created },
    { metric: { __name__: `${prefix}_requests_created`, path: NASTY, code: '500', ...env }, value: created },
    { metric: { __name__: `${prefix}_latency_seconds_created`, op: 'read', ...env }, value: created },
    { metric: { __name__: `${prefix}_size_bytes_created`, ...env }, value: created },
  ];
}

function key(sample: Sample): string {
  return JSON.stringify(Object.entries(sample.metric).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function sortSamples(samples: readonly Sample[]): Sample[] {
  return [...samples].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
