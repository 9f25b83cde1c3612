// A set of metrics that is collected together. It owns no wire format and no timer: pushers call
// collect() and hand the Snapshot to an encoder. Metrics register themselves on construction
// (get-or-create, see MetricBase) into `pushRegistry` unless told otherwise.
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { InvalidArgumentError, MetricConflictError } from './errors.js';
import type { ChangeListener } from './model/events.js';
import { isValidLabelName, quote, typeName } from './model/names.js';
import type { CollectOptions, MetricFamily, MetricType, Snapshot } from './model/snapshot.js';
import type { LabelMap } from './metrics/label-types.js';
import type { Metric, MetricParts } from './metrics/metric.js';

/** Registry-wide default labels: names and values in the same order. */
export interface DefaultLabels {
  readonly defaultLabelNames: readonly string[];
  readonly defaultLabelValues: readonly string[];
}

/** A metric, or a stand-in for one, that can be collected in parts. */
export interface MetricPartsSource {
  collectParts(options?: CollectOptions): MetricParts;
}

/**
 * What `Registry.collectParts()` returns: what `collect()` would, with each metric left to be
 * collected in parts (see `MetricParts`), for a pusher that yields to the event loop in between.
 */
export interface RegistryParts extends DefaultLabels {
  /** When the collection began, in milliseconds since the epoch (every part carries it). */
  readonly timestampMs: number;
  /**
   * The metrics registered at the call, in registration order. Call `collectParts(options)` on
   * each when you reach it: its series list is taken then.
   */
  readonly metrics: readonly MetricPartsSource[];
  /** The options `collectParts()` was given, for each metric's `collectParts()`. */
  readonly options?: CollectOptions;
}

export interface RegistryOptions {
  /** Source of `Snapshot.timestampMs`; `systemClock` by default. */
  readonly clock?: Clock;
}

/** Names that the samples of a metric of this type occupy in text formats. */
function sampleNames(type: MetricType, name: string): string[] {
  switch (type) {
    case 'counter':
      return [name, `${name}_total`, `${name}_created`];
    case 'histogram':
      return [name, `${name}_bucket`, `${name}_count`, `${name}_sum`, `${name}_created`];
    case 'summary':
      return [name, `${name}_count`, `${name}_sum`, `${name}_created`];
    case 'info':
      return [name, `${name}_info`];
    case 'gauge':
    case 'stateset':
      return [name];
  }
}

// Registry-wide labels must not shadow what encoders add to histogram and summary samples.
const RESERVED_DEFAULT_LABELS = ['le', 'quantile'];

export class Registry {
  /** By full name, in registration order (collect() keeps it). */
  private readonly metrics = new Map<string, Metric>();
  /** Every sample name in use, so `x_count` cannot collide with histogram `x`'s count. */
  private readonly samples = new Map<string, Metric>();
  private readonly listeners: ChangeListener[] = [];
  private listener: ChangeListener | undefined = undefined;
  private defaults: DefaultLabels = Object.freeze({
    defaultLabelNames: Object.freeze([]),
    defaultLabelValues: Object.freeze([]),
  });
  private readonly clock: Clock;

  constructor(options: RegistryOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Adds a metric (metric constructors do this themselves). Registering the same instance again
   * is a no-op. Throws MetricConflictError when another metric already uses the name or one of
   * the sample names this metric's type exposes (e.g. a gauge `x_count` next to a histogram `x`).
   */
  register(metric: Metric): void {
    const existing = this.metrics.get(metric.name);
    if (existing === metric) return;
    if (existing !== undefined) {
      throw new MetricConflictError(
        `metric ${quote(metric.name)} is already registered as ${existing.shape}; ` +
          `cannot register another metric ${metric.shape}`,
      );
    }
    const names = sampleNames(metric.type, metric.name);
    for (const sample of names) {
      const owner = this.samples.get(sample);
      if (owner !== undefined) {
        throw new MetricConflictError(
          `metric ${quote(metric.name)} (${typeName(metric.type)}) would expose ${quote(sample)}, ` +
            `which is already used by ${owner.shape}`,
        );
      }
    }
    this.metrics.set(metric.name, metric);
    for (const sample of names) this.samples.set(sample, metric);
    if (this.listener !== undefined) metric.listener = this.listener;
  }

  /** Removes a metric by full name or instance; returns whether it was registered here. */
  unregister(nameOrMetric: string | Metric): boolean {
    const name = typeof nameOrMetric === 'string' ? nameOrMetric : nameOrMetric.name;
    const metric = this.metrics.get(name);
    if (metric === undefined || (typeof nameOrMetric !== 'string' && metric !== nameOrMetric)) return false;
    this.metrics.delete(name);
    for (const sample of sampleNames(metric.type, metric.name)) this.samples.delete(sample);
    if (this.listener !== undefined && metric.listener === this.listener) metric.listener = undefined;
    return true;
  }

  /** Unregisters every metric (default labels and change listeners stay). */
  clear(): void {
    for (const metric of [...this.metrics.values()]) this.unregister(metric);
  }

  /** The metric registered under this full name (namespace_subsystem_name_unit). */
  getSingle(name: string): Metric | undefined {
    return this.metrics.get(name);
  }

  /**
   * Labels added to every series of every metric by the encoders (replacing earlier defaults; `{}`
   * clears them). A metric's own label of the same name wins. Values are stringified.
   */
  setDefaultLabels(labels: LabelMap): void {
    const names: string[] = [];
    const values: string[] = [];
    for (const [name, value] of Object.entries(labels as Readonly<Record<string, unknown>>)) {
      if (!isValidLabelName(name) || RESERVED_DEFAULT_LABELS.includes(name)) {
        throw new InvalidArgumentError(
          `registry default labels: invalid label name ${quote(name)} ` +
            `(must match [a-zA-Z_][a-zA-Z0-9_]*, not start with "__", not be "le" or "quantile")`,
        );
      }
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new InvalidArgumentError(
          `registry default labels: label ${quote(name)} must be a string or a number, got ${quote(value)}`,
        );
      }
      names.push(name);
      values.push(String(value));
    }
    this.defaults = Object.freeze({
      defaultLabelNames: Object.freeze(names),
      defaultLabelValues: Object.freeze(values),
    });
  }

  /**
   * The current registry-wide default labels, as `collect()` reports them. The object (and its
   * arrays) stays the same until `setDefaultLabels()` replaces it, so readers may cache by identity.
   */
  defaultLabels(): DefaultLabels {
    return this.defaults;
  }

  /**
   * The current state of every metric: families in registration order, series in creation order,
   * histogram buckets cumulative with +Inf last. Never mutates a metric.
   */
  collect(options?: CollectOptions): Snapshot {
    // Sized once: growing it was a tenth of the bytes collect() allocates for 10k one-series metrics.
    const families = new Array<MetricFamily>(this.metrics.size);
    let i = 0;
    for (const metric of this.metrics.values()) families[i++] = metric.collect(options);
    return {
      families,
      defaultLabelNames: this.defaults.defaultLabelNames,
      defaultLabelValues: this.defaults.defaultLabelValues,
      timestampMs: this.clock.now(),
    };
  }

  /**
   * Like `collect()`, but leaves each metric to be collected in parts, a range of series at a
   * time: what a pusher uses to collect a large registry in slices and yield to the event loop
   * between them. Default labels and the timestamp are read now.
   */
  collectParts(options?: CollectOptions): RegistryParts {
    const metrics: MetricPartsSource[] = [];
    for (const metric of this.metrics.values()) {
      metrics.push(metric.collectParts === undefined ? whole(metric) : (metric as MetricPartsSource));
    }
    return {
      metrics,
      ...(options !== undefined && { options }),
      defaultLabelNames: this.defaults.defaultLabelNames,
      defaultLabelValues: this.defaults.defaultLabelValues,
      timestampMs: this.clock.now(),
    };
  }

  /**
   * Calls `listener` on every change of every metric registered here, now or later (streaming).
   * Several listeners may be attached; each metric then calls one fan-out function. A metric has
   * a single listener slot, so a metric registered in two registries reports to the registry
   * that attached last. Returns a function that detaches this listener.
   */
  onChange(listener: ChangeListener): () => void {
    this.listeners.push(listener);
    this.attach();
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      this.listeners.splice(this.listeners.indexOf(listener), 1);
      this.attach();
    };
  }

  private attach(): void {
    const previous = this.listener;
    const listeners = [...this.listeners];
    const [only] = listeners;
    this.listener =
      listeners.length <= 1
        ? only
        : (source, labelValues, kind, value) => {
            for (const each of listeners) each(source, labelValues, kind, value);
          };
    for (const metric of this.metrics.values()) {
      if (metric.listener === previous || metric.listener === undefined) metric.listener = this.listener;
    }
  }
}

/** Parts of a metric that can only be collected whole: it is collected when its parts are asked for. */
function whole(metric: Metric): MetricPartsSource {
  return {
    collectParts(options) {
      const family = metric.collect(options);
      const series = family.series as readonly unknown[];
      return {
        size: series.length,
        collect: (from, to) =>
          from === 0 && to >= series.length ? family : ({ ...family, series: series.slice(from, to) } as MetricFamily),
      };
    },
  };
}

/**
 * The default registry of metric constructors: separate from any scrape registry an application
 * already has (the seed's PUSH_REGISTRY). Creating it does nothing but allocate the object.
 */
export const pushRegistry: Registry = new Registry();
