// A monotonically increasing count. Each series holds its own number, so a held child's `inc()`
// is one add plus one `undefined` check (prom-client re-resolves labels on every child call).
import type { LabelValues, CounterFamily, CounterSeries as CounterSample } from '../model/snapshot.js';
import { quote } from '../model/names.js';
import { findExisting, defineMetric, MetricBase, notANumber } from './metric.js';
import type { MetricCore, MetricOptions } from './metric.js';
import { BasicFamilyRecord, CounterSeriesRecord } from '../model/snapshot-records.js';
import type { Writable } from '../model/snapshot-records.js';

export type CounterOptions<L extends string = never, D extends L = never> = MetricOptions<L, D>;

/** One labelled series of a Counter. */
export interface CounterChild {
  readonly labelValues: LabelValues;
  readonly value: number;
  /**
   * Adds `amount` (default 1). NaN is dropped and counted in the metric's `droppedObservations`;
   * a negative amount throws RangeError (a counter only goes up).
   */
  inc(amount?: number): void;
}

class CounterSeriesImpl implements CounterChild {
  value = 0;

  constructor(
    private readonly core: MetricCore,
    readonly labelValues: LabelValues,
    readonly bornMs: number,
  ) {}

  inc(amount = 1): void {
    if (!(amount >= 0) || typeof amount !== 'number') {
      this.reject(amount);
      return;
    }
    this.value += amount;
    const listener = this.core.listener;
    if (listener !== undefined) listener(this.core.source, this.labelValues, 'inc', amount);
  }

  private reject(amount: unknown): void {
    if (typeof amount !== 'number') throw notANumber(this.core.source.name, 'inc', amount);
    if (amount !== amount) {
      this.core.dropped++;
      return;
    }
    throw new RangeError(
      `counter ${quote(this.core.source.name)}: inc() amount must not be negative, got ${quote(amount)}`,
    );
  }
}

export class Counter<L extends string = never, D extends L = never> extends MetricBase<
  L,
  D,
  CounterChild,
  CounterSeriesImpl,
  CounterFamily
> {
  constructor(options: CounterOptions<L, D>) {
    const definition = defineMetric('counter', options);
    const existing = findExisting(definition);
    if (existing !== undefined) return existing as Counter<L, D>;
    super(definition);
    this.start();
  }

  /** `inc()` on a metric without label names. */
  inc(amount?: number): void {
    this.only('inc').inc(amount);
  }

  protected newSeries(labelValues: LabelValues, bornMs: number): CounterSeriesImpl {
    return new CounterSeriesImpl(this.core, labelValues, bornMs);
  }

  protected family(series: readonly CounterSeriesImpl[], reuse?: object): CounterFamily {
    // Methods with `this` as thisArg: an arrow function would be a closure allocated per
    // collect, per metric (see snapshot-records.ts for why allocations here count).
    // eslint-disable-next-line @typescript-eslint/unbound-method
    const out = this.reusedRecords(series, reuse, this.sample, this.refresh);
    return new BasicFamilyRecord('counter', this.name, this.help, this.unit, this.labelNames, out);
  }

  private sample(series: CounterSeriesImpl): CounterSample {
    return new CounterSeriesRecord(series.labelValues, series.value, this.createdSeconds(series.bornMs));
  }

  private refresh(record: Writable<CounterSample>, series: CounterSeriesImpl): void {
    record.value = series.value;
    record.created = this.createdSeconds(series.bornMs);
  }
}
