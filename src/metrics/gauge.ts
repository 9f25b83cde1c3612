// A value that goes up and down. Change events carry the new absolute value ('set') whatever the
// operation, so a streaming consumer never has to track state to send a gauge.
import type { GaugeFamily, GaugeSeries as GaugeSample, LabelValues } from '../model/snapshot.js';
import { findExisting, defineMetric, notANumber } from './metric.js';
import type { MetricCore, MetricOptions } from './metric.js';
import { startTimer, TimedMetric, timeCall } from './timing.js';
import { BasicFamilyRecord, GaugeSeriesRecord } from '../model/snapshot-records.js';
import type { Writable } from '../model/snapshot-records.js';

export type GaugeOptions<L extends string = never, D extends L = never> = MetricOptions<L, D>;

/** One labelled series of a Gauge. NaN arguments are dropped and counted, never stored. */
export interface GaugeChild {
  readonly labelValues: LabelValues;
  readonly value: number;
  inc(amount?: number): void;
  dec(amount?: number): void;
  set(value: number): void;
  /** Sets the gauge to the current wall-clock time in seconds since the epoch. */
  setToCurrentTime(): void;
  /** Starts a timer; `end()` sets the gauge to the elapsed seconds and returns them. */
  startTimer(): () => number;
  /** Runs `fn` (sync or async) and sets the gauge to its duration in seconds, even when it throws. */
  time<R>(fn: () => R): R;
}

class GaugeSeriesImpl implements GaugeChild {
  value = 0;

  constructor(
    private readonly core: MetricCore,
    readonly labelValues: LabelValues,
  ) {}

  inc(amount = 1): void {
    if (amount !== amount || typeof amount !== 'number') return this.reject('inc', amount);
    this.update(this.value + amount);
  }

  dec(amount = 1): void {
    if (amount !== amount || typeof amount !== 'number') return this.reject('dec', amount);
    this.update(this.value - amount);
  }

  set(value: number): void {
    if (value !== value || typeof value !== 'number') return this.reject('set', value);
    this.update(value);
  }

  setToCurrentTime(): void {
    this.update(this.core.clock.now() / 1000);
  }

  startTimer(): () => number {
    return startTimer(this.core.clock, (seconds) => this.set(seconds));
  }

  time<R>(fn: () => R): R {
    return timeCall(this.core.clock, fn, (seconds) => this.set(seconds));
  }

  private update(value: number): void {
    this.value = value;
    const listener = this.core.listener;
    if (listener !== undefined) listener(this.core.source, this.labelValues, 'set', value);
  }

  private reject(method: string, value: unknown): void {
    if (typeof value !== 'number') throw notANumber(this.core.source.name, method, value);
    this.core.dropped++;
  }
}

export class Gauge<L extends string = never, D extends L = never> extends TimedMetric<
  L,
  D,
  GaugeChild,
  GaugeSeriesImpl,
  GaugeFamily
> {
  constructor(options: GaugeOptions<L, D>) {
    const definition = defineMetric('gauge', options);
    const existing = findExisting(definition);
    if (existing !== undefined) return existing as Gauge<L, D>;
    super(definition);
    this.start();
  }

  inc(amount?: number): void {
    this.only('inc').inc(amount);
  }

  dec(amount?: number): void {
    this.only('dec').dec(amount);
  }

  set(value: number): void {
    this.only('set').set(value);
  }

  setToCurrentTime(): void {
    this.only('setToCurrentTime').setToCurrentTime();
  }

  protected newSeries(labelValues: LabelValues): GaugeSeriesImpl {
    return new GaugeSeriesImpl(this.core, labelValues);
  }

  protected family(series: readonly GaugeSeriesImpl[], reuse?: object): GaugeFamily {
    const out = this.reusedRecords(series, reuse, gaugeSample, refreshGauge); // functions, not closures per collect
    return new BasicFamilyRecord('gauge', this.name, this.help, this.unit, this.labelNames, out);
  }
}

function gaugeSample(series: GaugeSeriesImpl): GaugeSample {
  return new GaugeSeriesRecord(series.labelValues, series.value);
}

function refreshGauge(record: Writable<GaugeSample>, series: GaugeSeriesImpl): void {
  record.value = series.value;
}
