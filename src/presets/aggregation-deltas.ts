// Turning cumulative snapshots into what prom-aggregation-gateway (PAG) must receive: the change
// since the last push it ACCEPTED. PAG adds every pushed value to what it holds (counters,
// histogram buckets, sum and count; gauges too; summaries as a count/sum pair, quantiles dropped),
// so the seed's cumulative pushes made its totals grow by the running total at every tick
// (zapier/prom-aggregation-gateway #71, #98).
//
// Bookkeeping. `prepare()` computes deltas against the baselines of the last committed push;
// `commit()` (the pusher's `committed` hook, called only when every payload was accepted) moves
// the baselines to what that push carried. A failed push moves nothing, so its increments are
// part of the next delta: nothing is lost, and nothing is counted twice as long as PAG rejected
// the failed push as a whole. A push whose outcome is unknown (a timeout or reset after PAG read
// the body) is treated as failed: at-least-once, so such an increment can be counted twice,
// never dropped.
//
// Per type:
//   counter     value − baseline; a value below its baseline (reset(), a series removed and
//               created again) is a restart from zero: the whole value is the delta.
//   histogram   per-bucket, sum and count deltas; a count below its baseline restarts the same way.
//   summary     count and sum deltas; quantiles are not sent (PAG drops them, and quantiles of
//               different processes cannot be added anyway).
//   gauge, info, enum (all gauges in text 0.0.4)
//               `gauges: 'delta'` (default): each sample is sent as the change of its value since
//               the last accepted push, so PAG's sum equals the current value for one job, and the
//               sum of the jobs' current values across jobs (in-flight work, queue depth; for an
//               Info, how many jobs report each version; for an Enum, how many jobs are in each
//               state). A sample that disappears (series removed, Info values replaced, Enum state
//               left) is retracted by sending minus its last accepted value. A non-additive gauge
//               (a temperature, a timestamp) has no meaningful sum across jobs: push it elsewhere.
//               `gauges: 'omit'`: gauges, infos and enums are not sent at all.
// Exact for integer increments; float increments may come out one ulp off after the sum.
import type {
  CounterFamily,
  GaugeFamily,
  GaugeSeries,
  HistogramFamily,
  LabelValues,
  MetricFamily,
  Snapshot,
  SummaryFamily,
} from '../model/snapshot.js';

export type AggregationGaugeMode = 'delta' | 'omit';

/** One gauge-like sample as pushed: its output family, labels and (accepted) value. */
interface GaugeSample {
  readonly family: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** Stable identity while the sample exists (the encoders cache label text by it). */
  readonly labelValues: readonly string[];
  readonly value: number;
}

interface HistogramBase {
  readonly buckets: readonly number[];
  readonly sum: number;
  readonly count: number;
}

interface SummaryBase {
  readonly sum: number;
  readonly count: number;
}

const NO_QUANTILES: readonly number[] = Object.freeze([]);
const NO_VALUES: readonly number[] = Object.freeze([]);

export class AggregationDeltas {
  // Keyed by the series' label-values array: stable for the series' life, gone with it.
  private counters = new WeakMap<LabelValues, number>();
  private histograms = new WeakMap<LabelValues, HistogramBase>();
  private summaries = new WeakMap<LabelValues, SummaryBase>();
  /** Gauge-like samples as of the last accepted push, by sample key. */
  private gauges = new Map<string, GaugeSample>();
  /** What the latest prepare() saw, adopted by commit() if that push is accepted. */
  private pending: { readonly prepared: Snapshot; readonly gauges: Map<string, GaugeSample> } | undefined;

  constructor(private readonly gaugeMode: AggregationGaugeMode = 'delta') {}

  /** The deltas to push for `collected`. Pure with respect to the baselines (commit() moves them). */
  prepare(collected: Snapshot): Snapshot {
    // A gauge-like family is a slot (its name) until every sample is known: see gaugeFamilies().
    const families: (MetricFamily | string)[] = [];
    const current = new Map<string, GaugeSample>();
    for (const family of collected.families) {
      switch (family.type) {
        case 'counter':
          families.push(this.counterDeltas(family));
          break;
        case 'histogram':
          families.push(this.histogramDeltas(family));
          break;
        case 'summary':
          families.push(this.summaryDeltas(family));
          break;
        case 'gauge':
        case 'info':
        case 'stateset':
          if (this.gaugeMode === 'delta') {
            const before = current.size;
            this.collectGaugeSamples(family, current);
            // Families with no series (yet) have nothing to show, like the cumulative encoders.
            if (current.size > before) families.push(gaugeFamilyName(family));
          }
          break;
      }
    }
    const prepared: Snapshot = { ...collected, families: this.gaugeFamilies(families, current) };
    this.pending = { prepared, gauges: current };
    return prepared;
  }

  /** The push of `prepared` was accepted: its values become the baselines. */
  commit(collected: Snapshot, prepared: Snapshot): void {
    const pending = this.pending;
    if (pending === undefined || pending.prepared !== prepared) return;
    this.pending = undefined;
    for (const family of collected.families) {
      if (family.type === 'counter') {
        for (const s of family.series) this.counters.set(s.labelValues, s.value);
      } else if (family.type === 'histogram') {
        for (const s of family.series) {
          this.histograms.set(s.labelValues, { buckets: s.bucketCounts, sum: s.sum, count: s.count });
        }
      } else if (family.type === 'summary') {
        for (const s of family.series) this.summaries.set(s.labelValues, { sum: s.sum, count: s.count });
      }
    }
    if (this.gaugeMode === 'delta') this.gauges = pending.gauges;
  }

  private counterDeltas(family: CounterFamily): CounterFamily {
    return {
      ...family,
      series: family.series.map((s) => {
        const base = this.counters.get(s.labelValues);
        return { ...s, value: base === undefined || s.value < base ? s.value : s.value - base };
      }),
    };
  }

  private histogramDeltas(family: HistogramFamily): HistogramFamily {
    return {
      ...family,
      series: family.series.map((s) => {
        const base = this.histograms.get(s.labelValues);
        if (base === undefined || s.count < base.count || base.buckets.length !== s.bucketCounts.length) return s;
        return {
          ...s,
          bucketCounts: s.bucketCounts.map((n, i) => n - (base.buckets[i] ?? 0)),
          sum: s.sum - base.sum,
          count: s.count - base.count,
        };
      }),
    };
  }

  private summaryDeltas(family: SummaryFamily): SummaryFamily {
    return {
      ...family,
      quantiles: NO_QUANTILES,
      series: family.series.map((s) => {
        const base = this.summaries.get(s.labelValues);
        const restart = base === undefined || s.count < base.count;
        return {
          labelValues: s.labelValues,
          quantileValues: NO_VALUES,
          sum: restart ? s.sum : s.sum - base.sum,
          count: restart ? s.count : s.count - base.count,
          created: s.created,
        };
      }),
    };
  }

  /** The gauge-like samples of `family` at their current values, keyed by family, labels and value labels. */
  private collectGaugeSamples(family: MetricFamily, into: Map<string, GaugeSample>): void {
    const name = gaugeFamilyName(family);
    const add = (labelNames: readonly string[], labelValues: readonly string[], value: number): void => {
      const key = JSON.stringify([name, labelNames, labelValues]);
      const known = this.gauges.get(key);
      // Reuse the accepted sample's arrays, so label text caches keep hitting.
      into.set(key, {
        family: name,
        help: family.help,
        labelNames: known?.labelNames ?? labelNames,
        labelValues: known?.labelValues ?? labelValues,
        value,
      });
    };
    if (family.type === 'gauge') {
      for (const s of family.series) add(family.labelNames, s.labelValues, s.value);
    } else if (family.type === 'stateset') {
      const labelNames = [...family.labelNames, family.name];
      for (const s of family.series) {
        family.states.forEach((state, i) => add(labelNames, [...s.labelValues, state], i === s.stateIndex ? 1 : 0));
      }
    } else if (family.type === 'info') {
      for (const s of family.series) {
        // As the text encoders do: an info label named like one of the series' own labels is dropped.
        const names = [...family.labelNames];
        const values = [...s.labelValues];
        s.infoNames.forEach((infoName, i) => {
          if (family.labelNames.includes(infoName)) return;
          names.push(infoName);
          values.push(s.infoValues[i] ?? '');
        });
        add(names, values, 1);
      }
    }
  }

  /**
   * Replaces the placeholders with gauge families of deltas (current − accepted), and appends the
   * retractions of accepted samples that are gone (families that are gone entirely included).
   */
  private gaugeFamilies(
    families: readonly (MetricFamily | string)[],
    current: ReadonlyMap<string, GaugeSample>,
  ): MetricFamily[] {
    const byFamily = new Map<string, { help: string; samples: { sample: GaugeSample; value: number }[] }>();
    const entry = (sample: GaugeSample) => {
      let found = byFamily.get(sample.family);
      if (found === undefined) {
        found = { help: sample.help, samples: [] };
        byFamily.set(sample.family, found);
      }
      return found;
    };
    for (const [key, sample] of current) {
      const accepted = this.gauges.get(key);
      entry(sample).samples.push({ sample, value: gaugeDelta(sample.value, accepted?.value) });
    }
    for (const [key, accepted] of this.gauges) {
      if (current.has(key) || accepted.value === 0) continue;
      entry(accepted).samples.push({ sample: accepted, value: -accepted.value });
    }
    const out: MetricFamily[] = [];
    for (const family of families) {
      if (typeof family !== 'string') {
        out.push(family);
        continue;
      }
      const found = byFamily.get(family);
      if (found === undefined) continue;
      byFamily.delete(family);
      out.push(gaugeFamily(family, found.help, found.samples));
    }
    // Retractions of families no longer collected at all (a metric unregistered).
    for (const [name, found] of byFamily) out.push(gaugeFamily(name, found.help, found.samples));
    return out;
  }
}

/** The change of a gauge sample; a non-finite value (or baseline) is sent as it is. */
function gaugeDelta(value: number, accepted: number | undefined): number {
  if (accepted === undefined) return value;
  if (!Number.isFinite(value) || !Number.isFinite(accepted)) return value;
  return value - accepted;
}

/** The name a gauge-like family's samples carry in text 0.0.4. */
function gaugeFamilyName(family: MetricFamily): string {
  return family.type === 'info' ? `${family.name}_info` : family.name;
}

/**
 * One gauge family from samples that may have different label names (Info values with different
 * keys): the union of the names, a missing one written as an empty value (an absent label).
 */
function gaugeFamily(
  name: string,
  help: string,
  samples: readonly { sample: GaugeSample; value: number }[],
): GaugeFamily {
  const first = samples[0]?.sample.labelNames ?? [];
  const uniform = samples.every(({ sample }) => sameNames(sample.labelNames, first));
  let labelNames = first;
  if (!uniform) {
    const union: string[] = [];
    for (const { sample } of samples) for (const n of sample.labelNames) if (!union.includes(n)) union.push(n);
    labelNames = union;
  }
  const series: GaugeSeries[] = samples.map(({ sample, value }) => ({
    labelValues: uniform
      ? sample.labelValues
      : labelNames.map((n) => {
          const i = sample.labelNames.indexOf(n);
          return i === -1 ? '' : (sample.labelValues[i] ?? '');
        }),
    value,
  }));
  return { type: 'gauge', name, help, unit: '', labelNames, series };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  return a === b || (a.length === b.length && a.every((n, i) => n === b[i]));
}
