// Compile-time label checking. `L` is the union of a metric's label names (inferred from its
// `labelNames` tuple), `D` the subset that has a default value. Every metric class carries both,
// so a wrong or missing label name is a type error, not a runtime surprise (prom-client #291).

/** A label value as callers give it; numbers are stringified once, when the series is created. */
export type LabelValue = string | number;

/** Values for some of a metric's labels, e.g. `defaultLabels` or registry-wide defaults. */
export type LabelMap<K extends string = string> = { readonly [P in K]: LabelValue };

/** The object form of `labels()`: every label name, the defaulted ones optional. */
export type LabelsObject<L extends string, D extends string> = { readonly [K in Exclude<L, D>]: LabelValue } & {
  readonly [K in D]?: LabelValue;
};

/**
 * A metric without label names has no usable `labels()`: the single parameter of type `never`
 * makes every call a compile error whose message names the reason.
 */
export type NoLabelNames = [metricHasNoLabelNames: never];

/**
 * Arguments of `labels()` / `remove()`: one object, or positional values in `labelNames` order.
 * With fewer positional values than label names, the missing LEADING labels take their defaults.
 */
export type LabelArgs<L extends string, D extends string> = [L] extends [never]
  ? NoLabelNames
  : [labels: LabelsObject<L, D>] | LabelValue[];

/** `time(fn)` for a metric without labels, `time(labels, fn)` for a labelled one. */
export type TimeArgs<L extends string, D extends string, R> = [L] extends [never]
  ? [fn: () => R]
  : [labels: LabelsObject<L, D>, fn: () => R];

/** `startTimer()` for a metric without labels, `startTimer(labels)` for a labelled one. */
export type TimerArgs<L extends string, D extends string> = [L] extends [never] ? [] : [labels: LabelsObject<L, D>];
