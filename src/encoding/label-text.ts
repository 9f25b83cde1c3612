// Cached text pieces shared by the Prometheus text and OpenMetrics encoders.
//
// Escaping and joining a series' labels is most of the cost of a text exposition, and a series'
// labels never change: the snapshot gives each series a label-values array of stable identity.
// So a series' label text is built once per encoder and kept in a WeakMap keyed by that array
// (the entry dies with the series), together with its most used line prefix (`x_total{...} `).
// Everything cached is a flat string (see `flat`), and sample names come from a per-encoder table,
// so a cache hit costs pointer comparisons only.
//
// Label order, fixed so a series' text never changes between pushes: the family's own labels in
// `labelNames` order, then the registry's default labels (like prom-client, which appends its
// default labels after a metric's labels), then the labels a sample adds itself: info labels,
// the stateset label, `le`, `quantile`. A default label is dropped for a family that uses its name
// itself (own label, info label, `le`, `quantile`, the stateset label): the more specific wins,
// and the exposition never repeats a label name.

import type { LabelValues } from '../model/snapshot.js';
import { escapeLabelValue } from './escape.js';

/** The label text of one series, ready to concatenate after a sample name. */
export interface SeriesLabels {
  /** `{a="x",b="y"}`, or `''` when the series has no labels at all. */
  readonly closed: string;
  /** `{a="x",b="y",` or `{` alone: room for one more `name="value"}` (`le`, `quantile`, a state). */
  readonly open: string;
}

/**
 * What the cache keeps per series. Only the strings a family actually uses are built (a counter
 * series holds just its `sample` line prefix), so the cache costs about one line prefix per series.
 */
interface Entry {
  names: readonly string[];
  readonly defaults: string;
  /** `{a="x"}`/`{a="x",` (`''`/`{` without labels), or null until first asked. */
  labels: SeriesLabels | null;
  /** The sample name `sample` was built for ('' until first asked). */
  sampleName: string;
  /** `<sampleName>{a="x",...} `: a whole line but the value. */
  sample: string;
  /** The sample name `openSample` was built for ('' until first asked). */
  openName: string;
  /** `<openName>{a="x",...,`: a line but its last label and value (histogram buckets, quantiles, states). */
  openSample: string;
}

export class LabelTextCache {
  private readonly entries = new WeakMap<LabelValues, Entry>();
  private readonly sampleNames = new Map<string, Map<string, string>>();
  private defaultNames: readonly string[] = [];
  private defaultValues: readonly string[] = [];
  /** `name="escaped value"` per default label. */
  private defaultPairs: string[] = [];
  /** All default pairs joined by `,`; one string object while the defaults are unchanged. */
  private allDefaults = '';

  /** Sets the registry's default labels; call at the start of every encode. */
  useDefaults(names: readonly string[], values: readonly string[]): void {
    if (names === this.defaultNames && values === this.defaultValues) return;
    if (!sameStrings(names, this.defaultNames) || !sameStrings(values, this.defaultValues)) {
      this.defaultPairs = names.map((name, i) => `${name}="${escapeLabelValue(values[i] ?? '')}"`);
      // Entries remember the defaults text they were built with, so they rebuild on a mismatch.
      this.allDefaults = this.defaultPairs.join(',');
    }
    this.defaultNames = names;
    this.defaultValues = values;
  }

  /**
   * The default-label text for a family (or one info series): the defaults minus those whose
   * name is among `labelNames` or `reserved`. Returns the shared string when nothing is dropped,
   * which keeps cache hits to one pointer comparison.
   */
  defaultsFor(labelNames: readonly string[], reserved: readonly string[] = NONE): string {
    const names = this.defaultNames;
    let kept: string[] | undefined;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const clash = labelNames.includes(name) || reserved.includes(name);
      if (clash && kept === undefined) kept = this.defaultPairs.slice(0, i);
      else if (!clash && kept !== undefined) kept.push(this.defaultPairs[i]!);
    }
    return kept === undefined ? this.allDefaults : kept.join(',');
  }

  /**
   * `base + suffix` as one string object for the life of the encoder, so the per-series
   * `sample` cache below is checked by identity.
   */
  sampleName(base: string, suffix: string): string {
    let bySuffix = this.sampleNames.get(base);
    if (bySuffix === undefined) {
      bySuffix = new Map();
      this.sampleNames.set(base, bySuffix);
    }
    let name = bySuffix.get(suffix);
    if (name === undefined) {
      name = flat(base, suffix);
      bySuffix.set(suffix, name);
    }
    return name;
  }

  /** The label text of one series; `defaults` comes from `defaultsFor` for its family. */
  series(labelNames: readonly string[], labelValues: LabelValues, defaults: string): SeriesLabels {
    const entry = this.entry(labelNames, labelValues, defaults);
    if (entry.labels === null) {
      const inner = innerText(labelNames, labelValues, defaults);
      entry.labels = inner === '' ? EMPTY_LABELS : { closed: flat('{', inner, '}'), open: flat('{', inner, ',') };
    }
    return entry.labels;
  }

  /**
   * `<sampleName>{a="x",...} `: the line of a one-sample series (counter, gauge) minus its value.
   * `sampleName` must come from `sampleName()`.
   */
  sample(labelNames: readonly string[], labelValues: LabelValues, defaults: string, sampleName: string): string {
    const entry = this.entry(labelNames, labelValues, defaults);
    if (entry.sampleName !== sampleName) {
      const inner = innerText(labelNames, labelValues, defaults);
      entry.sample = inner === '' ? flat(sampleName, ' ') : flat(sampleName, '{', inner, '} ');
      entry.sampleName = sampleName;
    }
    return entry.sample;
  }

  /**
   * `<sampleName>{a="x",...,`: the line of a histogram bucket, summary quantile or state minus
   * its last label (from a `SuffixCache`) and value. `sampleName` must come from `sampleName()`.
   */
  openSample(labelNames: readonly string[], labelValues: LabelValues, defaults: string, sampleName: string): string {
    const entry = this.entry(labelNames, labelValues, defaults);
    if (entry.openName !== sampleName) {
      const inner = innerText(labelNames, labelValues, defaults);
      entry.openSample = inner === '' ? flat(sampleName, '{') : flat(sampleName, '{', inner, ',');
      entry.openName = sampleName;
    }
    return entry.openSample;
  }

  /**
   * The complete label text of an info sample: the series' labels, then its info labels. An info
   * label named like one of the family's own labels is dropped (the series identity wins), and a
   * default label named like an info label gives way to it.
   */
  info(
    labelNames: readonly string[],
    labelValues: LabelValues,
    infoNames: readonly string[],
    infoValues: readonly string[],
  ): string {
    const base = this.series(labelNames, labelValues, this.defaultsFor(labelNames, infoNames));
    let extra = '';
    for (let i = 0; i < infoNames.length; i++) {
      const name = infoNames[i]!;
      if (labelNames.includes(name)) continue;
      if (extra !== '') extra += ',';
      extra += `${name}="${escapeLabelValue(infoValues[i] ?? '')}"`;
    }
    return extra === '' ? base.closed : base.open + extra + '}';
  }

  /** The series' entry, replaced by an empty one when its labels or defaults changed. */
  private entry(labelNames: readonly string[], labelValues: LabelValues, defaults: string): Entry {
    const entry = this.entries.get(labelValues);
    if (entry !== undefined && entry.defaults === defaults) {
      if (entry.names === labelNames) return entry;
      // Same labels from a freshly built names array: adopt it so the next hit is a pointer check.
      if (sameStrings(entry.names, labelNames)) {
        entry.names = labelNames;
        return entry;
      }
    }
    const fresh: Entry = {
      names: labelNames,
      defaults,
      labels: null,
      sampleName: '',
      sample: '',
      openName: '',
      openSample: '',
    };
    this.entries.set(labelValues, fresh);
    return fresh;
  }
}

const EMPTY_LABELS: SeriesLabels = { closed: '', open: '{' };

/** `a="x",b="y"` plus the defaults text, without braces; `''` for no labels at all. */
function innerText(labelNames: readonly string[], labelValues: LabelValues, defaults: string): string {
  const pairs: string[] = [];
  for (let i = 0; i < labelNames.length; i++) {
    pairs.push(`${labelNames[i]}="${escapeLabelValue(labelValues[i] ?? '')}"`);
  }
  if (defaults !== '') pairs.push(defaults);
  return pairs.join(',');
}

/**
 * `name="value"} ` suffixes completing an `open` label text, one per value, cached by the
 * identity of the family's array (bucket bounds, quantiles, states), which lives as long as the
 * metric. The trailing space separates the sample value.
 */
export class SuffixCache<T> {
  private readonly entries = new WeakMap<readonly T[], { readonly key: string; readonly suffixes: string[] }>();

  constructor(private readonly render: (value: T) => string) {}

  get(labelName: string, values: readonly T[]): string[] {
    const cached = this.entries.get(values);
    if (cached !== undefined && cached.key === labelName) return cached.suffixes;
    const suffixes = values.map((value) => flat(labelName, '="', this.render(value), '"} '));
    this.entries.set(values, { key: labelName, suffixes });
    return suffixes;
  }
}

/**
 * Concatenates into one flat string. `a + b` makes a rope (a V8 ConsString) that every later copy
 * has to walk again; cached ropes made a 10k-series exposition about twice as slow as flat
 * strings. `Array.prototype.join` allocates its result flat.
 */
export function flat(...parts: string[]): string {
  return parts.join('');
}

const NONE: readonly string[] = [];

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
