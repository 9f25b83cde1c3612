// A bridge from prom-client, so an application that already records its metrics with prom-client
// can push them with our encoders and transports (remote write, Pushgateway, Influx…) without
// re-instrumenting. No dependency on prom-client: its registry is typed structurally, by the one
// method we call, `getMetricsAsJSON()` (async in prom-client 15, where a metric's `collect`
// callback may be async too).
//
// Mapping (prom-client 15's JSON → our Snapshot model, see model/snapshot.ts):
//  - counter: the name loses a trailing `_total`, which our encoders add back; a counter named
//    without it therefore becomes `<name>_total`, exactly as prom-client's own OpenMetrics output
//    does (registry.js standardizeCounterName);
//  - gauge as is; histogram: `_bucket` values grouped into series by their labels without `le`,
//    plus `_sum` and `_count`; summary: quantile values by `quantile`, plus `_sum` and `_count`;
//    a type we do not know: every value becomes a gauge named by its `metricName` (or the name);
//  - labels: a family's label names are the union over its values, in first-seen order; a value
//    missing one has it empty (which every encoder treats as absent, like Prometheus does);
//    numbers are stringified; prom-client's default labels are already in each value's labels;
//  - `le` and `quantile` are re-rendered canonically by our encoders (`1.0`, `+Inf`, `0.5`), like
//    client_golang and Prometheus 3's normalisation, where prom-client's text writes `le="1"`;
//  - no `_created` (prom-client does not track creation times: `created` is 0, "unknown").
//
// It lives in src/bridge/, outside the core data flow (metrics → registry → snapshot → encoder):
// it is an optional input adapter that only produces model types, and nothing imports it.
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type {
  CounterSeries,
  GaugeSeries,
  HistogramSeries,
  MetricFamily,
  Snapshot,
  SummarySeries,
} from '../model/snapshot.js';

/** One value of prom-client's `getMetricsAsJSON()`. */
export interface PromClientValue {
  readonly value: number;
  readonly labels?: Readonly<Record<string, string | number | undefined>>;
  /** Sample name for histogram and summary values (`x_bucket`, `x_sum`, `x_count`); absent otherwise. */
  readonly metricName?: string;
}

/** One metric of prom-client's `getMetricsAsJSON()`. */
export interface PromClientMetric {
  readonly name: string;
  readonly help?: string;
  /**
   * `'counter' | 'gauge' | 'histogram' | 'summary'` at run time. prom-client's typings declare a
   * numeric enum (Counter = 0 … Summary = 3), which is accepted too.
   */
  readonly type: string | number;
  readonly values?: readonly PromClientValue[];
}

/** What we need of a prom-client `Registry` (e.g. `client.register`). */
export interface PromClientRegistry {
  getMetricsAsJSON(): PromiseLike<readonly PromClientMetric[]> | readonly PromClientMetric[];
}

/** Something that produces our own snapshot synchronously, e.g. a `Registry`. */
export interface SyncSnapshotSource {
  collect(): Snapshot;
}

export interface PromClientSourceOptions {
  /**
   * Our own registry to push together with prom-client's metrics. Its default labels apply to
   * the prom-client families too (a family's own label of that name wins), and its clock stamps
   * the snapshot. A family name present in both is taken from this registry (see `onConflict`).
   */
  readonly registry?: SyncSnapshotSource;
  /** Stamps the snapshot when there is no `registry`. Default: the system clock. */
  readonly clock?: Clock;
  /** Called with the name of each prom-client family dropped because `registry` has one of that name. */
  readonly onConflict?: (name: string) => void;
}

/** An asynchronous snapshot source: prom-client's metrics (plus, optionally, a registry of ours). */
export interface PromClientSource {
  /** Reads prom-client's registry now (it runs prom-client's `collect` callbacks) and converts it. */
  collect(): Promise<Snapshot>;
}

const NO_NAMES: readonly string[] = Object.freeze([]);
const ENUM_TYPES = ['counter', 'gauge', 'histogram', 'summary'] as const;

/**
 * A snapshot source over a prom-client registry: pass it as any batch preset's `registry`
 * (`remoteWrite({ url, registry: fromPromClient(register, { registry: pushRegistry }) })`), or
 * call `collect()` and encode the snapshot yourself.
 */
export function fromPromClient(register: PromClientRegistry, options: PromClientSourceOptions = {}): PromClientSource {
  const clock = options.clock ?? systemClock;
  const { registry, onConflict } = options;
  return {
    async collect(): Promise<Snapshot> {
      // Ours first: its timestamp is the moment the push started, not when prom-client answered.
      const own = registry?.collect();
      const theirs = promClientToFamilies(await register.getMetricsAsJSON());
      if (own === undefined) {
        return {
          families: theirs,
          defaultLabelNames: NO_NAMES,
          defaultLabelValues: NO_NAMES,
          timestampMs: clock.now(),
        };
      }
      const taken = new Set(own.families.map((family) => family.name));
      const families = [...own.families];
      for (const family of theirs) {
        if (taken.has(family.name)) onConflict?.(family.name);
        else families.push(family);
      }
      return { ...own, families };
    },
  };
}

/** Converts the result of prom-client's `getMetricsAsJSON()` into our metric families. */
export function promClientToFamilies(metrics: readonly PromClientMetric[]): MetricFamily[] {
  const families: MetricFamily[] = [];
  for (const metric of metrics) {
    const values = metric.values ?? [];
    const help = metric.help ?? '';
    switch (typeName(metric.type)) {
      case 'counter': {
        const { labelNames, rows } = table(values, NO_NAMES);
        const series: CounterSeries[] = rows.map((row) => ({
          labelValues: row.labelValues,
          value: row.value,
          created: 0,
        }));
        families.push({
          type: 'counter',
          name: metric.name.replace(/_total$/, ''),
          help,
          unit: '',
          labelNames,
          series,
        });
        break;
      }
      case 'gauge':
        families.push(gauge(metric.name, help, values));
        break;
      case 'histogram':
        families.push(histogram(metric.name, help, values));
        break;
      case 'summary':
        families.push(summary(metric.name, help, values));
        break;
      default: {
        // Unknown type: keep every sample, as a gauge per sample name.
        const byName = new Map<string, PromClientValue[]>();
        for (const value of values) {
          const name = value.metricName ?? metric.name;
          let list = byName.get(name);
          if (list === undefined) byName.set(name, (list = []));
          list.push(value);
        }
        for (const [name, list] of byName) families.push(gauge(name, help, list));
      }
    }
  }
  return families;
}

function typeName(type: string | number): string {
  return typeof type === 'number' ? (ENUM_TYPES[type] ?? 'untyped') : type;
}

function gauge(name: string, help: string, values: readonly PromClientValue[]): MetricFamily {
  const { labelNames, rows } = table(values, NO_NAMES);
  const series: GaugeSeries[] = rows.map((row) => ({ labelValues: row.labelValues, value: row.value }));
  return { type: 'gauge', name, help, unit: '', labelNames, series };
}

interface Row {
  readonly labelValues: readonly string[];
  readonly value: number;
  /** The value's `le` or `quantile` label as a number (NaN when absent). */
  readonly bound: number;
  readonly metricName: string | undefined;
  /** Identity of the series: its label values joined. */
  readonly key: string;
}

/**
 * Lays values out on the union of their label names (minus `skip`): one row per value, label
 * values in that order, '' where a value lacks a label.
 */
function table(
  values: readonly PromClientValue[],
  skip: readonly string[],
): { labelNames: readonly string[]; rows: Row[] } {
  const labelNames: string[] = [];
  const seen = new Set<string>(skip);
  for (const value of values) {
    for (const name of Object.keys(value.labels ?? {})) {
      if (!seen.has(name)) {
        seen.add(name);
        labelNames.push(name);
      }
    }
  }
  const boundName = skip[0];
  const rows = values.map((value): Row => {
    const labels = value.labels ?? {};
    const labelValues = labelNames.map((name) => {
      const v = labels[name];
      return v === undefined ? '' : String(v);
    });
    const bound = boundName === undefined ? NaN : parseBound(labels[boundName]);
    return {
      labelValues,
      value: Number(value.value),
      bound,
      metricName: value.metricName,
      key: JSON.stringify(labelValues),
    };
  });
  return { labelNames, rows };
}

function parseBound(value: string | number | undefined): number {
  if (value === undefined) return NaN;
  if (typeof value === 'number') return value;
  if (value === '+Inf') return Infinity;
  if (value === '-Inf') return -Infinity;
  return Number(value);
}

/** Rows grouped by series, in first-seen order. */
function groupRows(rows: readonly Row[]): Row[][] {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    let group = groups.get(row.key);
    if (group === undefined) groups.set(row.key, (group = []));
    group.push(row);
  }
  return [...groups.values()];
}

function histogram(name: string, help: string, values: readonly PromClientValue[]): MetricFamily {
  const { labelNames, rows } = table(values, ['le']);
  const bucketName = `${name}_bucket`;
  const bounds = new Set<number>();
  for (const row of rows) {
    if (isBucket(row, bucketName) && Number.isFinite(row.bound)) bounds.add(row.bound);
  }
  const upperBounds = [...bounds].sort((a, b) => a - b);
  const series: HistogramSeries[] = groupRows(rows).map((group) => {
    const byBound = new Map<number, number>();
    let sum = 0;
    let count: number | undefined;
    for (const row of group) {
      if (isBucket(row, bucketName)) byBound.set(row.bound, row.value);
      else if (row.metricName === `${name}_sum`) sum = row.value;
      else if (row.metricName === `${name}_count`) count = row.value;
    }
    const total = count ?? byBound.get(Infinity) ?? 0;
    // Cumulative: a bound this series lacks (prom-client never omits one) takes the count below it.
    let below = 0;
    const bucketCounts = upperBounds.map((bound) => (below = byBound.get(bound) ?? below));
    bucketCounts.push(total);
    return { labelValues: group[0]!.labelValues, bucketCounts, sum, count: total, created: 0 };
  });
  return { type: 'histogram', name, help, unit: '', labelNames, upperBounds, series };
}

function isBucket(row: Row, bucketName: string): boolean {
  // prom-client 15 names every histogram value; an unnamed one with an `le` is a bucket too.
  return row.metricName === bucketName || (row.metricName === undefined && !Number.isNaN(row.bound));
}

function summary(name: string, help: string, values: readonly PromClientValue[]): MetricFamily {
  const { labelNames, rows } = table(values, ['quantile']);
  const qs = new Set<number>();
  for (const row of rows) if (isQuantile(row, name)) qs.add(row.bound);
  const quantiles = [...qs].sort((a, b) => a - b);
  const series: SummarySeries[] = groupRows(rows).map((group) => {
    const byQuantile = new Map<number, number>();
    let sum = 0;
    let count = 0;
    for (const row of group) {
      if (isQuantile(row, name)) byQuantile.set(row.bound, row.value);
      else if (row.metricName === `${name}_sum`) sum = row.value;
      else if (row.metricName === `${name}_count`) count = row.value;
    }
    const quantileValues = quantiles.map((q) => byQuantile.get(q) ?? NaN);
    return { labelValues: group[0]!.labelValues, quantileValues, sum, count, created: 0 };
  });
  return { type: 'summary', name, help, unit: '', labelNames, quantiles, series };
}

function isQuantile(row: Row, name: string): boolean {
  // prom-client leaves `metricName` off quantile values; some versions may set it to the name.
  return (row.metricName === undefined || row.metricName === name) && !Number.isNaN(row.bound);
}
