// Turns loose samples (from `push` arguments or stdin, or the gauges `run` measures) into a
// Snapshot, the only thing encoders and pushers read. Built directly rather than through Gauge
// and Counter objects: a pushed family may have samples with different label sets (the label
// names are then the union, and a sample without one of them has it empty, which Prometheus
// reads as absent), and a counter's value is given, not incremented.
import type { CounterFamily, GaugeFamily, Snapshot } from '../model/snapshot.js';
import { isValidLabelName } from '../model/names.js';
import { UsageError } from './usage-error.js';

export interface PushSample {
  /** The sample name as exposed: a counter's ends with `_total`. */
  readonly name: string;
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  /** Where it came from, for error messages (`push: argument 2`). */
  readonly where: string;
}

interface Building {
  readonly type: 'counter' | 'gauge';
  readonly name: string;
  help: string;
  readonly labelNames: string[];
  /** Same name and labels again: the later value wins. */
  readonly samples: Map<string, PushSample>;
}

/**
 * One family per sample name (a counter `x_total` is family `x`); families and series in input
 * order. `defaultLabels` go to every series unless it has a label of that name itself. Throws
 * UsageError for a name used as two types or a label that cannot be pushed.
 */
export function snapshotOf(
  samples: readonly PushSample[],
  defaultLabels: readonly (readonly [string, string])[],
  timestampMs: number,
): Snapshot {
  const families = new Map<string, Building>();
  for (const sample of samples) {
    const counter = sample.type === 'counter';
    if (counter && !sample.name.endsWith('_total')) {
      throw new UsageError(`${sample.where}: counter ${sample.name} must be named <name>_total`);
    }
    const name = counter ? sample.name.slice(0, -'_total'.length) : sample.name;
    // Keyed by sample name, so counter `x` (x_total) and a gauge `x_total` collide as they would on the wire.
    let family = families.get(sample.name);
    if (family === undefined) {
      family = { type: sample.type, name, help: sample.help, labelNames: [], samples: new Map() };
      families.set(sample.name, family);
    } else if (family.type !== sample.type) {
      throw new UsageError(`${sample.where}: ${sample.name} is a ${sample.type} here but a ${family.type} before`);
    }
    if (family.help === '') family.help = sample.help;
    for (const [label] of sample.labels) {
      if (!isValidLabelName(label)) {
        throw new UsageError(`${sample.where}: label name ${JSON.stringify(label)} of ${sample.name} cannot be pushed`);
      }
      if (!family.labelNames.includes(label)) family.labelNames.push(label);
    }
    family.samples.set(seriesKey(sample.labels), sample);
  }
  const collected: (CounterFamily | GaugeFamily)[] = [];
  for (const family of families.values()) {
    const labelNames = Object.freeze([...family.labelNames]);
    const series = [...family.samples.values()].map((sample) => {
      const labelValues = Object.freeze(labelNames.map((n) => sample.labels.find(([l]) => l === n)?.[1] ?? ''));
      return { labelValues, value: sample.value };
    });
    const base = { name: family.name, help: family.help, unit: '', labelNames };
    collected.push(
      family.type === 'counter'
        ? { ...base, type: 'counter', series: series.map((s) => ({ ...s, created: 0 })) }
        : { ...base, type: 'gauge', series },
    );
  }
  return {
    families: collected,
    defaultLabelNames: Object.freeze(defaultLabels.map(([n]) => n)),
    defaultLabelValues: Object.freeze(defaultLabels.map(([, v]) => v)),
    timestampMs,
  };
}

function seriesKey(labels: readonly (readonly [string, string])[]): string {
  return JSON.stringify([...labels].filter(([, v]) => v !== '').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
