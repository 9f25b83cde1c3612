// Static key/value information (versions, build ids), client_python semantics: `info({...})`
// replaces the pairs, which are exposed as extra labels on a `name_info` sample of value 1.
import { InvalidArgumentError } from '../errors.js';
import { isValidLabelName, quote } from '../model/names.js';
import type { InfoFamily, InfoSeries as InfoSample, LabelValues } from '../model/snapshot.js';
import type { LabelValue } from './label-types.js';
import { defineMetric, findExisting, MetricBase } from './metric.js';
import type { MetricCore, MetricOptions } from './metric.js';
import { BasicFamilyRecord, InfoSeriesRecord } from '../model/snapshot-records.js';

/** Info metrics have no unit (OpenMetrics). A name ending in `_info` has it stripped. */
export type InfoOptions<L extends string = never, D extends L = never> = Omit<MetricOptions<L, D>, 'unit'>;

/** One labelled series of an Info. */
export interface InfoChild {
  readonly labelValues: LabelValues;
  /** Replaces the info pairs; keys must be valid label names not among the metric's label names. */
  info(values: Readonly<Record<string, LabelValue>>): void;
}

const EMPTY: readonly string[] = Object.freeze([]);

class InfoSeriesImpl implements InfoChild {
  // Replaced, never mutated, so a snapshot keeps the arrays it was given.
  infoNames: readonly string[] = EMPTY;
  infoValues: readonly string[] = EMPTY;

  constructor(
    private readonly core: MetricCore,
    readonly labelValues: LabelValues,
  ) {}

  info(values: Readonly<Record<string, LabelValue>>): void {
    const metric = this.core.source;
    if (typeof values !== 'object' || values === null) {
      throw new InvalidArgumentError(`info ${quote(metric.name)}: info() needs an object, got ${quote(values)}`);
    }
    const names: string[] = [];
    const strings: string[] = [];
    for (const [name, value] of Object.entries(values as Readonly<Record<string, unknown>>)) {
      if (!isValidLabelName(name)) {
        throw new InvalidArgumentError(
          `info ${quote(metric.name)}: invalid info name ${quote(name)} (must match [a-zA-Z_][a-zA-Z0-9_]*, not start with "__")`,
        );
      }
      if (metric.labelNames.includes(name)) {
        throw new InvalidArgumentError(`info ${quote(metric.name)}: info name ${quote(name)} is also a label name`);
      }
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new InvalidArgumentError(
          `info ${quote(metric.name)}: value of ${quote(name)} must be a string or a number, got ${quote(value)}`,
        );
      }
      names.push(name);
      strings.push(String(value));
    }
    this.infoNames = Object.freeze(names);
    this.infoValues = Object.freeze(strings);
    const listener = this.core.listener;
    if (listener !== undefined) listener(metric, this.labelValues, 'set', 1);
  }
}

export class Info<L extends string = never, D extends L = never> extends MetricBase<
  L,
  D,
  InfoChild,
  InfoSeriesImpl,
  InfoFamily
> {
  constructor(options: InfoOptions<L, D>) {
    const definition = defineMetric('info', options);
    const existing = findExisting(definition);
    if (existing !== undefined) return existing as Info<L, D>;
    super(definition);
    this.start();
  }

  /** `info()` on a metric without label names. */
  info(values: Readonly<Record<string, LabelValue>>): void {
    this.only('info').info(values);
  }

  protected newSeries(labelValues: LabelValues): InfoSeriesImpl {
    return new InfoSeriesImpl(this.core, labelValues);
  }

  protected family(series: readonly InfoSeriesImpl[]): InfoFamily {
    const out = series.map(infoSample); // a function, not a closure per collect
    return new BasicFamilyRecord('info', this.name, this.help, this.unit, this.labelNames, out);
  }
}

function infoSample(series: InfoSeriesImpl): InfoSample {
  return new InfoSeriesRecord(series.labelValues, series.infoNames, series.infoValues);
}
