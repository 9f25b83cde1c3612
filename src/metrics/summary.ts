// Observations summarised as count, sum and quantiles over a sliding time window. The quantile
// estimator is TimeWindowQuantiles (one per series); with no percentiles there is none and a
// summary costs what a counter pair costs.
import { InvalidArgumentError } from '../errors.js';
import { quote } from '../model/names.js';
import type { LabelValues, SummaryFamily, SummarySeries as SummarySample } from '../model/snapshot.js';
import { defineMetric, findExisting, notANumber } from './metric.js';
import type { MetricCore, MetricOptions } from './metric.js';
import { TimeWindowQuantiles } from './quantiles/time-window-quantiles.js';
import { startTimer, TimedMetric, timeCall } from './timing.js';
import { SummaryFamilyRecord, SummarySeriesRecord } from '../model/snapshot-records.js';

/** prom-client's default percentiles. */
export const DEFAULT_PERCENTILES: readonly number[] = Object.freeze([0.01, 0.05, 0.5, 0.9, 0.95, 0.99, 0.999]);

export interface SummaryOptions<L extends string = never, D extends L = never> extends MetricOptions<L, D> {
  /** Quantiles to report, each in (0, 1); sorted for you; default DEFAULT_PERCENTILES; `[]` for none. */
  readonly percentiles?: readonly number[];
  /** Observations leave the quantile window after this many seconds (default 600). */
  readonly maxAgeSeconds?: number;
  /** The window slides in this many steps (default 5). */
  readonly ageBuckets?: number;
}

/** One labelled series of a Summary. */
export interface SummaryChild {
  readonly labelValues: LabelValues;
  readonly sum: number;
  readonly count: number;
  /** Records one value; NaN is dropped and counted in the metric's `droppedObservations`. */
  observe(value: number): void;
  /** Starts a timer; `end()` observes the elapsed seconds and returns them. */
  startTimer(): () => number;
  /** Runs `fn` (sync or async) and observes its duration in seconds, even when it throws. */
  time<R>(fn: () => R): R;
}

class SummarySeriesImpl implements SummaryChild {
  sum = 0;
  count = 0;

  constructor(
    private readonly core: MetricCore,
    readonly window: TimeWindowQuantiles | undefined,
    readonly labelValues: LabelValues,
    readonly bornMs: number,
  ) {}

  observe(value: number): void {
    if (value !== value || typeof value !== 'number') {
      this.reject(value);
      return;
    }
    this.window?.observe(value);
    this.sum += value;
    this.count++;
    const listener = this.core.listener;
    if (listener !== undefined) listener(this.core.source, this.labelValues, 'observe', value);
  }

  startTimer(): () => number {
    return startTimer(this.core.clock, (seconds) => this.observe(seconds));
  }

  time<R>(fn: () => R): R {
    return timeCall(this.core.clock, fn, (seconds) => this.observe(seconds));
  }

  private reject(value: unknown): void {
    if (typeof value !== 'number') throw notANumber(this.core.source.name, 'observe', value);
    this.core.dropped++;
  }
}

function checkPercentiles(metric: string, percentiles: unknown): readonly number[] {
  if (!Array.isArray(percentiles)) {
    throw new InvalidArgumentError(`metric ${quote(metric)}: percentiles must be an array, got ${quote(percentiles)}`);
  }
  for (const q of percentiles as unknown[]) {
    if (typeof q !== 'number' || !(q > 0 && q < 1)) {
      throw new InvalidArgumentError(`metric ${quote(metric)}: percentile ${quote(q)} is not in (0, 1)`);
    }
  }
  const sorted = [...(percentiles as number[])].sort((a, b) => a - b);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) {
      throw new InvalidArgumentError(`metric ${quote(metric)}: duplicate percentile ${quote(sorted[i])}`);
    }
  }
  return Object.freeze(sorted);
}

export class Summary<L extends string = never, D extends L = never> extends TimedMetric<
  L,
  D,
  SummaryChild,
  SummarySeriesImpl,
  SummaryFamily
> {
  /** Reported quantiles, ascending. */
  readonly percentiles!: readonly number[];
  readonly maxAgeSeconds!: number;
  readonly ageBuckets!: number;

  constructor(options: SummaryOptions<L, D>) {
    let percentiles = DEFAULT_PERCENTILES;
    const maxAgeSeconds = options.maxAgeSeconds ?? 600;
    const ageBuckets = options.ageBuckets ?? 5;
    const definition = defineMetric('summary', options, {
      reserved: ['quantile'],
      detail: (name) => {
        percentiles = checkPercentiles(name, options.percentiles ?? DEFAULT_PERCENTILES);
        if (typeof maxAgeSeconds !== 'number' || !(maxAgeSeconds > 0)) {
          throw new InvalidArgumentError(
            `metric ${quote(name)}: maxAgeSeconds must be > 0, got ${quote(maxAgeSeconds)}`,
          );
        }
        if (!Number.isInteger(ageBuckets) || ageBuckets < 1) {
          throw new InvalidArgumentError(
            `metric ${quote(name)}: ageBuckets must be an integer >= 1, got ${quote(ageBuckets)}`,
          );
        }
        return `percentiles=[${percentiles.join(',')}] maxAgeSeconds=${maxAgeSeconds} ageBuckets=${ageBuckets}`;
      },
    });
    const existing = findExisting(definition);
    if (existing !== undefined) return existing as Summary<L, D>;
    super(definition);
    this.percentiles = percentiles;
    this.maxAgeSeconds = maxAgeSeconds;
    this.ageBuckets = ageBuckets;
    this.start();
  }

  observe(value: number): void {
    this.only('observe').observe(value);
  }

  protected newSeries(labelValues: LabelValues, bornMs: number): SummarySeriesImpl {
    const window =
      this.percentiles.length === 0
        ? undefined
        : new TimeWindowQuantiles({
            quantiles: this.percentiles,
            maxAgeSeconds: this.maxAgeSeconds,
            ageBuckets: this.ageBuckets,
            clock: this.clock,
          });
    return new SummarySeriesImpl(this.core, window, labelValues, bornMs);
  }

  protected override dispose(series: SummarySeriesImpl): void {
    // The estimator may hold a (unref'd) slot timer; versions without dispose() hold none.
    (series.window as { dispose?: () => void } | undefined)?.dispose?.();
  }

  protected family(series: readonly SummarySeriesImpl[]): SummaryFamily {
    // A method, not a closure allocated per collect; map's thisArg binds it.
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const out = series.map(this.sample, this);
    return new SummaryFamilyRecord(this.name, this.help, this.unit, this.labelNames, this.percentiles, out);
  }

  private sample(s: SummarySeriesImpl): SummarySample {
    const quantileValues = s.window === undefined ? [] : s.window.query();
    return new SummarySeriesRecord(s.labelValues, quantileValues, s.sum, s.count, this.createdSeconds(s.bornMs));
  }
}
