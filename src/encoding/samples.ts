// Flattening a metric family into Prometheus samples, for every encoder that writes one line (or
// one time series) per sample: Influx line protocol, StatsD, remote write.
//
// A visitor rather than an array of sample objects: a 10k-series histogram would otherwise
// allocate ~140k objects per push just to be read once. The visitor gets positional arguments and
// a small suffix index, so an encoder can precompute everything that depends only on the family
// (escaped names, measurement/field splits) once per family and look it up per sample.
//
// The sample set is the one Prometheus text 0.0.4 exposes (see prometheus-text.ts), so a series
// has the same name and labels whichever encoder carries it:
//   counter    x_total
//   gauge      x
//   histogram  x_bucket{le="<bound>"} (cumulative, ascending), x_bucket{le="+Inf"} (= count), x_sum, x_count
//   summary    x{quantile="<q>"} (ascending), x_sum, x_count
//   info       x_info{<info labels>} 1
//   stateset   x{x="<state>"} 1 for the current state, 0 for the others
// No `_created` samples (see prometheus-text.ts). `le` and `quantile` values are the canonical
// renderings from number.ts (`0.005`, `1.0`, `10.0`, `+Inf`), shared with the text encoders.

import type { LabelValues, MetricFamily } from '../model/snapshot.js';
import { formatLe, formatQuantile } from './number.js';

/** Sample-name suffixes, indexed by `SampleSuffix`. */
export const SAMPLE_SUFFIXES = ['', '_total', '_bucket', '_sum', '_count', '_info'] as const;

/** Index into `SAMPLE_SUFFIXES`: 0 bare name, 1 `_total`, 2 `_bucket`, 3 `_sum`, 4 `_count`, 5 `_info`. */
export type SampleSuffix = 0 | 1 | 2 | 3 | 4 | 5;

export const SUFFIX_NONE = 0;
export const SUFFIX_TOTAL = 1;
export const SUFFIX_BUCKET = 2;
export const SUFFIX_SUM = 3;
export const SUFFIX_COUNT = 4;
export const SUFFIX_INFO = 5;

/**
 * Receives the samples of one family, series by series and in exposition order. All calls for a
 * series are consecutive, so comparing `labelValues` with the previous call's (one pointer
 * comparison) tells an encoder when to render a new series' labels.
 */
export interface SampleVisitor {
  /**
   * One sample named `family.name + SAMPLE_SUFFIXES[suffix]`. `labelValues` are the series' own
   * values, in `family.labelNames` order, with stable identity (a cache key). `extra` is -1, or
   * the index into `extraLabel(family).values` of the one label this sample adds (`le`,
   * `quantile`, the stateset label): an encoder renders those few labels once per family and
   * picks them by index, instead of escaping and concatenating them per sample.
   */
  sample(suffix: SampleSuffix, labelValues: LabelValues, extra: number, value: number): void;
  /**
   * An info sample (`x_info`, value 1): the series' labels plus the info labels. Info labels
   * named like one of the family's own labels are already dropped from `infoNames`/`infoValues`
   * (the series identity wins), so the two arrays are not the series' own arrays in that case.
   */
  info(labelValues: LabelValues, infoNames: readonly string[], infoValues: readonly string[]): void;
}

/** The label a family's samples add, and its values by the visitor's `extra` index (not escaped). */
export interface ExtraLabel {
  readonly name: string;
  readonly values: readonly string[];
}

const LE = 'le';
const QUANTILE = 'quantile';
const INF = '+Inf';

/**
 * The extra label of a family: histogram `le` (the canonical bounds, then `+Inf`), summary
 * `quantile`, stateset `<family name>` (the states); `undefined` for the other types. The arrays
 * are cached by the identity of the family's bounds/quantiles (stable for a metric's life).
 */
export function extraLabel(family: MetricFamily): ExtraLabel | undefined {
  switch (family.type) {
    case 'histogram':
      return cachedExtra(leCache, family.upperBounds, LE);
    case 'summary':
      return cachedExtra(quantileCache, family.quantiles, QUANTILE);
    case 'stateset':
      return { name: family.name, values: family.states };
    default:
      return undefined;
  }
}

/** Calls `visitor` for every sample of `family`. Allocates nothing per sample. */
export function visitSamples(family: MetricFamily, visitor: SampleVisitor): void {
  switch (family.type) {
    case 'counter':
      for (const s of family.series) visitor.sample(SUFFIX_TOTAL, s.labelValues, -1, s.value);
      return;
    case 'gauge':
      for (const s of family.series) visitor.sample(SUFFIX_NONE, s.labelValues, -1, s.value);
      return;
    case 'histogram': {
      const bounds = family.upperBounds.length;
      for (const s of family.series) {
        const values = s.labelValues;
        const counts = s.bucketCounts;
        for (let i = 0; i < bounds; i++) visitor.sample(SUFFIX_BUCKET, values, i, counts[i] ?? 0);
        // The +Inf bucket is `count` itself (as in prometheus-text.ts), so the two never disagree.
        visitor.sample(SUFFIX_BUCKET, values, bounds, s.count);
        visitor.sample(SUFFIX_SUM, values, -1, s.sum);
        visitor.sample(SUFFIX_COUNT, values, -1, s.count);
      }
      return;
    }
    case 'summary': {
      const quantiles = family.quantiles.length;
      for (const s of family.series) {
        const values = s.labelValues;
        const quantileValues = s.quantileValues;
        for (let i = 0; i < quantiles; i++) visitor.sample(SUFFIX_NONE, values, i, quantileValues[i] ?? NaN);
        visitor.sample(SUFFIX_SUM, values, -1, s.sum);
        visitor.sample(SUFFIX_COUNT, values, -1, s.count);
      }
      return;
    }
    case 'info': {
      const own = family.labelNames;
      for (const s of family.series) {
        if (!clashes(s.infoNames, own)) {
          visitor.info(s.labelValues, s.infoNames, s.infoValues);
          continue;
        }
        const names: string[] = [];
        const values: string[] = [];
        for (let i = 0; i < s.infoNames.length; i++) {
          const name = s.infoNames[i]!;
          if (own.includes(name)) continue;
          names.push(name);
          values.push(s.infoValues[i] ?? '');
        }
        visitor.info(s.labelValues, names, values);
      }
      return;
    }
    case 'stateset': {
      const states = family.states.length;
      for (const s of family.series) {
        for (let i = 0; i < states; i++) visitor.sample(SUFFIX_NONE, s.labelValues, i, i === s.stateIndex ? 1 : 0);
      }
      return;
    }
    default:
      // A family type added to the model without a case here: skip it rather than throw.
      return;
  }
}

function clashes(names: readonly string[], own: readonly string[]): boolean {
  for (const name of names) if (own.includes(name)) return true;
  return false;
}

/** The suffixes a family's samples use, by type (so an encoder can prepare exactly those names). */
export function sampleSuffixes(family: MetricFamily): readonly SampleSuffix[] {
  return SUFFIXES_BY_TYPE[family.type] ?? NO_SUFFIXES;
}

const NO_SUFFIXES: readonly SampleSuffix[] = [];
const SUFFIXES_BY_TYPE: Readonly<Record<string, readonly SampleSuffix[]>> = {
  counter: [SUFFIX_TOTAL],
  gauge: [SUFFIX_NONE],
  histogram: [SUFFIX_BUCKET, SUFFIX_SUM, SUFFIX_COUNT],
  summary: [SUFFIX_NONE, SUFFIX_SUM, SUFFIX_COUNT],
  info: [SUFFIX_INFO],
  stateset: [SUFFIX_NONE],
};

/**
 * Label names a family's samples add themselves (`le`, `quantile`, the stateset label). A registry
 * default label with one of these names is dropped for that family, as in label-text.ts.
 */
export function sampleLabelNames(family: MetricFamily): readonly string[] {
  switch (family.type) {
    case 'histogram':
      return LE_NAMES;
    case 'summary':
      return QUANTILE_NAMES;
    case 'stateset':
      return [family.name];
    default:
      return NO_NAMES;
  }
}

/** Registry default labels that apply to one family or series (a same-named own label wins). */
export interface ApplicableDefaults {
  readonly names: readonly string[];
  readonly values: readonly string[];
}

/**
 * The default labels minus those named like one of `labelNames` or `reserved` (the labels a
 * sample adds itself, or an info series' info labels). Returns the given arrays themselves when
 * nothing is dropped, so the common case allocates nothing.
 */
export function applicableDefaults(
  defaultNames: readonly string[],
  defaultValues: readonly string[],
  labelNames: readonly string[],
  reserved: readonly string[] = NO_NAMES,
): ApplicableDefaults {
  let names: string[] | undefined;
  let values: string[] | undefined;
  for (let i = 0; i < defaultNames.length; i++) {
    const name = defaultNames[i]!;
    const clash = labelNames.includes(name) || reserved.includes(name);
    if (clash && names === undefined) {
      names = defaultNames.slice(0, i);
      values = defaultValues.slice(0, i);
    } else if (!clash && names !== undefined) {
      names.push(name);
      values!.push(defaultValues[i] ?? '');
    }
  }
  return names === undefined ? { names: defaultNames, values: defaultValues } : { names, values: values! };
}

const LE_NAMES: readonly string[] = [LE];
const QUANTILE_NAMES: readonly string[] = [QUANTILE];
const NO_NAMES: readonly string[] = [];

// Bounds and quantiles arrays live as long as their metric, so their rendering is cached by
// identity (a fresh array from a hand-built snapshot just renders again).
const leCache = new WeakMap<readonly number[], ExtraLabel>();
const quantileCache = new WeakMap<readonly number[], ExtraLabel>();

function cachedExtra(
  cache: WeakMap<readonly number[], ExtraLabel>,
  bounds: readonly number[],
  name: string,
): ExtraLabel {
  let extra = cache.get(bounds);
  if (extra === undefined) {
    const values = name === LE ? [...bounds.map(formatLe), INF] : bounds.map(formatQuantile);
    extra = { name, values };
    cache.set(bounds, extra);
  }
  return extra;
}
