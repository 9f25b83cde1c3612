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
//
// `SampleFamilyRecord` and `SampleLines` (at the end) are what the Influx and StatsD encoders
// share on top of the visitor: a per-family record with the series' tags by slot, and an encode
// that gives each sample its series' tags and keeps a histogram or summary series in one payload.

import type { LabelValues, MetricFamily } from '../model/snapshot.js';
import type { PayloadWriter } from './framing.js';
import { formatLe, formatQuantile } from './number.js';
import { SeriesSlots, sameStrings } from './series-slots.js';
import type { FamilyCache } from './series-slots.js';

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

/** Registry default labels, as a snapshot carries them. */
export interface DefaultLabelSet {
  readonly defaultLabelNames: readonly string[];
  readonly defaultLabelValues: readonly string[];
}

/** The array a family's extra label values come from (bounds, quantiles, states; stable per metric). */
function extraSource(family: MetricFamily): readonly unknown[] | undefined {
  switch (family.type) {
    case 'histogram':
      return family.upperBounds;
    case 'summary':
      return family.quantiles;
    case 'stateset':
      return family.states;
    default:
      return undefined;
  }
}

/**
 * What an encoder writing one line per sample (Influx, StatsD) keeps per family, by name in a
 * FamilyCache: built for one family shape and set of registry defaults (checked by identity on
 * every encode), it holds the series' rendered tags `T` by slot (series-slots.ts).
 */
export abstract class SampleFamilyRecord<T> extends SeriesSlots<T> {
  labelNames: readonly string[];
  /** Whether the family has labels (its series then have slots). */
  readonly labelled: boolean;
  private readonly type: string;
  private readonly defaultNames: readonly string[];
  private readonly defaultValues: readonly string[];
  private readonly extraValues: readonly unknown[] | undefined;

  constructor(family: MetricFamily, defaults: DefaultLabelSet) {
    super();
    this.type = family.type;
    this.labelNames = family.labelNames;
    this.labelled = family.labelNames.length > 0;
    this.defaultNames = defaults.defaultLabelNames;
    this.defaultValues = defaults.defaultLabelValues;
    this.extraValues = extraSource(family);
  }

  /** Whether this record was built for this family and these defaults (else build a new one). */
  matches(family: MetricFamily, defaults: DefaultLabelSet): boolean {
    if (
      this.type !== family.type ||
      this.defaultNames !== defaults.defaultLabelNames ||
      this.defaultValues !== defaults.defaultLabelValues ||
      this.extraValues !== extraSource(family)
    ) {
      return false;
    }
    if (this.labelNames === family.labelNames) return true;
    // Same labels from a freshly built names array: adopt it so the next check is a pointer check.
    if (!sameStrings(this.labelNames, family.labelNames)) return false;
    this.labelNames = family.labelNames;
    return true;
  }

  /** The tags of a series, from the encoder-wide cache by label values (a slot miss ends here). */
  abstract tags(labelValues: LabelValues): T;

  protected render(labelValues: LabelValues): T {
    return this.tags(labelValues);
  }
}

/** The registry defaults that apply to a family's samples (see `applicableDefaults`). */
export function familyDefaults(family: MetricFamily, defaults: DefaultLabelSet): ApplicableDefaults {
  const { defaultLabelNames: names, defaultLabelValues: values } = defaults;
  return names.length === 0
    ? NO_DEFAULTS
    : applicableDefaults(names, values, family.labelNames, sampleLabelNames(family));
}
const NO_DEFAULTS: ApplicableDefaults = { names: NO_NAMES, values: NO_NAMES };

/**
 * One encode of a one-line-per-sample encoder: finds (or builds) each family's record, gives
 * every sample the tags of its series (`tags`, from the record's slots), and makes each
 * histogram or summary series a writer unit, so its lines share a payload when they fit in one.
 */
export abstract class SampleLines<T, R extends SampleFamilyRecord<T>> implements SampleVisitor {
  /** Samples skipped as NaN/±Inf where the format has no such values. */
  skipped = 0;
  protected record!: R;
  /** The tags of the series of the sample being written. */
  protected tags!: T;
  private series: MetricFamily['series'] = [];
  /** Slot of the family's first series, or -1 for a family without labels (no slots). */
  private base = -1;
  /** Whether each series is a writer unit (histogram, summary). */
  private units = false;
  /** Index in `series` of the series whose tags are `tags`. */
  private index = -1;
  private lastValues: LabelValues | undefined;

  constructor(
    protected readonly writer: PayloadWriter,
    private readonly records: FamilyCache<R>,
    protected readonly defaults: DefaultLabelSet,
  ) {}

  protected abstract create(family: MetricFamily): R;
  abstract sample(suffix: SampleSuffix, labelValues: LabelValues, extra: number, value: number): void;
  abstract info(labelValues: LabelValues, infoNames: readonly string[], infoValues: readonly string[]): void;

  /** Writes every sample of `family`. */
  family(family: MetricFamily): void {
    if (this.open(family)) this.visit(family);
  }

  /** Finds the family's record (`record`) and its first slot; false for a family without series. */
  protected open(family: MetricFamily): boolean {
    if (family.series.length === 0) return false;
    let record = this.records.get(family.name);
    if (record === undefined || !record.matches(family, this.defaults)) {
      record = this.records.set(family.name, this.create(family));
    }
    this.record = record;
    this.base = record.labelled ? record.begin(family) : -1;
    return true;
  }

  /** Visits the samples of the family just opened. */
  protected visit(family: MetricFamily): void {
    this.series = family.series;
    this.index = -1;
    this.lastValues = undefined;
    this.units = family.type === 'histogram' || family.type === 'summary';
    visitSamples(family, this);
    if (this.units) this.writer.endUnit();
  }

  /** Sets `tags` for the series of `labelValues` if a sample of another series came last. */
  protected seriesOf(labelValues: LabelValues): void {
    if (labelValues === this.lastValues) return;
    this.lastValues = labelValues;
    if (this.units) {
      this.writer.endUnit();
      this.writer.beginUnit();
    }
    // Visited in series order; should two series share one array, the slots are left alone.
    const i = ++this.index;
    const series = this.series;
    this.tags = series[i]?.labelValues === labelValues ? this.tagsAt(series, i) : this.record.tags(labelValues);
  }

  /** The tags of `series[i]` of the family just opened. */
  protected tagsAt(series: MetricFamily['series'], i: number): T {
    const record = this.record;
    const labelValues = series[i]!.labelValues;
    if (this.base < 0) return record.tags(labelValues);
    const k = this.base + i;
    return record.keys[k] === labelValues ? record.values[k]! : record.at(k, series, i);
  }
}
