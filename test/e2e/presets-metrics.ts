// The metrics every preset e2e test pushes: one real metric of each type (Counter, Gauge,
// Histogram, Summary, Info, Enum) in a fresh Registry with a registry default label, updated to
// known values, and the Prometheus samples a store must end up holding (PROTOCOLS: the sample set
// of text 0.0.4, which every encoder shares).
import { Counter } from '../../src/metrics/counter.js';
import { Enum } from '../../src/metrics/enum.js';
import { Gauge } from '../../src/metrics/gauge.js';
import { Histogram } from '../../src/metrics/histogram.js';
import { Info } from '../../src/metrics/info.js';
import { Summary } from '../../src/metrics/summary.js';
import { Registry } from '../../src/registry.js';
import { sortSamples } from './harness/fixture.js';
import type { Sample } from './harness/fixture.js';

export interface PresetMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'code'>;
  readonly temperature: Gauge;
  readonly latency: Histogram;
  readonly size: Summary;
  readonly build: Info;
  readonly phase: Enum;
}

/**
 * Creates the six metrics named `<prefix>_…` in a new registry with the default label env="e2e".
 * Nothing is recorded yet (metrics without labels exist at 0): call `record()`.
 */
export function presetMetrics(prefix: string): PresetMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ env: 'e2e' });
  return {
    registry,
    requests: new Counter({ name: `${prefix}_requests`, help: 'Requests.', labelNames: ['code'] as const, registry }),
    temperature: new Gauge({ name: `${prefix}_temperature`, unit: 'celsius', help: 'Temperature.', registry }),
    latency: new Histogram({
      name: `${prefix}_latency`,
      unit: 'seconds',
      help: 'Latency.',
      buckets: [0.1, 1],
      registry,
    }),
    size: new Summary({ name: `${prefix}_size`, unit: 'bytes', help: 'Sizes.', percentiles: [0.5, 0.9], registry }),
    build: new Info({ name: `${prefix}_build`, help: 'Build.', registry }),
    phase: new Enum({ name: `${prefix}_phase`, help: 'Phase.', states: ['starting', 'running', 'done'], registry }),
  };
}

/** The updates behind `expectedPresetSamples`. Synchronous: a streaming pusher sees them in one turn. */
export function record(m: PresetMetrics): void {
  m.requests.labels({ code: '200' }).inc(3);
  m.requests.labels({ code: '500' }).inc(1.5);
  m.temperature.set(-2.25);
  for (const v of [0.05, 0.5, 2]) m.latency.observe(v);
  for (const v of [1, 2, 3, 4]) m.size.observe(v);
  m.build.info({ version: '1.2.3' });
  m.phase.state('running');
}

/** What a Prometheus-style store holds after `record()`, sorted like `sortSamples`. */
export function expectedPresetSamples(prefix: string, options: { quantiles?: boolean } = {}): Sample[] {
  const s = (name: string, labels: Record<string, string>, value: number): Sample => ({
    metric: { __name__: `${prefix}_${name}`, ...labels, env: 'e2e' },
    value,
  });
  const samples = [
    s('requests_total', { code: '200' }, 3),
    s('requests_total', { code: '500' }, 1.5),
    s('temperature_celsius', {}, -2.25),
    s('latency_seconds_bucket', { le: '0.1' }, 1),
    s('latency_seconds_bucket', { le: '1.0' }, 2),
    s('latency_seconds_bucket', { le: '+Inf' }, 3),
    s('latency_seconds_sum', {}, 2.55),
    s('latency_seconds_count', {}, 3),
    s('size_bytes_sum', {}, 10),
    s('size_bytes_count', {}, 4),
    s('build_info', { version: '1.2.3' }, 1),
    s('phase', { [`${prefix}_phase`]: 'starting' }, 0),
    s('phase', { [`${prefix}_phase`]: 'running' }, 1),
    s('phase', { [`${prefix}_phase`]: 'done' }, 0),
  ];
  if (options.quantiles !== false) {
    // Linear interpolation over [1, 2, 3, 4]: the median is 2.5, the 0.9 quantile 4.
    samples.push(s('size_bytes', { quantile: '0.5' }, 2.5), s('size_bytes', { quantile: '0.9' }, 4));
  }
  return sortSamples(samples);
}
