// The Snapshot is the only thing encoders see: plain readonly data produced by registry.collect().
// It is a discriminated union by `type`, so an encoder's switch is checked for exhaustiveness.

/**
 * Label values of one series, in the order of its family's `labelNames`.
 * The array's identity is stable for the life of the series (it is never mutated or replaced),
 * so encoders may cache rendered label text keyed by it (e.g. in a WeakMap).
 */
export type LabelValues = readonly string[];

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'info' | 'stateset';

interface FamilyBase {
  /**
   * Full name: namespace_subsystem_name_unit. A counter's name never ends in `_total` and an
   * info's never in `_info`: encoders add those suffixes as their format requires.
   */
  readonly name: string;
  readonly help: string;
  /** OpenMetrics unit ('' when none); when set, `name` already ends with `_<unit>`. */
  readonly unit: string;
  readonly labelNames: readonly string[];
  /**
   * True when this family continues one begun in an earlier slice of the same push (a pusher
   * encodes a large snapshot in slices and yields to the event loop between them): encoders
   * write no metadata lines (HELP, TYPE, UNIT) for it, since the earlier slice already did.
   */
  readonly continued?: boolean;
}

export interface CounterSeries {
  readonly labelValues: LabelValues;
  readonly value: number;
  /** Creation time of the series in seconds since the epoch (OpenMetrics `_created`). */
  readonly created: number;
}
export interface CounterFamily extends FamilyBase {
  readonly type: 'counter';
  readonly series: readonly CounterSeries[];
}

export interface GaugeSeries {
  readonly labelValues: LabelValues;
  readonly value: number;
}
export interface GaugeFamily extends FamilyBase {
  readonly type: 'gauge';
  readonly series: readonly GaugeSeries[];
}

export interface HistogramSeries {
  readonly labelValues: LabelValues;
  /** Cumulative counts, one per upper bound plus a last one for +Inf that equals `count`. */
  readonly bucketCounts: readonly number[];
  readonly sum: number;
  readonly count: number;
  readonly created: number;
}
export interface HistogramFamily extends FamilyBase {
  readonly type: 'histogram';
  /** Finite upper bounds, ascending; the +Inf bucket is implicit. */
  readonly upperBounds: readonly number[];
  readonly series: readonly HistogramSeries[];
}

export interface SummarySeries {
  readonly labelValues: LabelValues;
  /** One per family quantile, in the same order; NaN when the window holds no observation. */
  readonly quantileValues: readonly number[];
  readonly sum: number;
  readonly count: number;
  readonly created: number;
}
export interface SummaryFamily extends FamilyBase {
  readonly type: 'summary';
  /** Quantiles in (0, 1), ascending; may be empty (count and sum only). */
  readonly quantiles: readonly number[];
  readonly series: readonly SummarySeries[];
}

export interface InfoSeries {
  readonly labelValues: LabelValues;
  /** The info key/value pairs, exposed as extra labels on a sample of value 1. */
  readonly infoNames: readonly string[];
  readonly infoValues: readonly string[];
}
export interface InfoFamily extends FamilyBase {
  readonly type: 'info';
  readonly series: readonly InfoSeries[];
}

export interface StateSetSeries {
  readonly labelValues: LabelValues;
  /** Index into the family's `states` of the current state. */
  readonly stateIndex: number;
}
/** An Enum metric: exactly one of `states` is current (OpenMetrics stateset, a gauge in 0.0.4). */
export interface StateSetFamily extends FamilyBase {
  readonly type: 'stateset';
  readonly states: readonly string[];
  readonly series: readonly StateSetSeries[];
}

export type MetricFamily = CounterFamily | GaugeFamily | HistogramFamily | SummaryFamily | InfoFamily | StateSetFamily;

/** Options of `collect()` and `collectParts()`. */
export interface CollectOptions {
  /**
   * Any object the caller keeps for all its collects (a pusher keeps one). A metric may then
   * build this collect's series records by updating, in place, the ones it built for the same
   * token's previous collect, when its series are the same (today: counters and gauges of 16
   * series or more), instead of allocating new ones: the previous snapshot then reads the new
   * values. Pass it only when nothing reads a snapshot once the next collect has begun.
   */
  readonly reuse?: object;
}

export interface Snapshot {
  readonly families: readonly MetricFamily[];
  /**
   * Registry-wide default labels, added to every series by the encoders. A family's own label
   * with the same name wins (its name is then skipped for that family).
   */
  readonly defaultLabelNames: readonly string[];
  readonly defaultLabelValues: readonly string[];
  /** When the snapshot was taken, in milliseconds since the epoch (from the registry's clock). */
  readonly timestampMs: number;
  /**
   * False for every slice of a sliced push except the last: encoders then write no
   * end-of-exposition trailer (OpenMetrics `# EOF`). Absent means true (an ordinary snapshot).
   */
  readonly last?: boolean;
}
