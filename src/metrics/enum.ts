// One of a fixed set of states (client_python's Enum; an OpenMetrics stateset, a gauge per state in
// text 0.0.4). The first state is current until `state()` says otherwise. The metric's own name
// is the label that carries the state on the wire, so it cannot also be a label name.
import { InvalidArgumentError } from '../errors.js';
import { quote } from '../model/names.js';
import type { LabelValues, StateSetFamily, StateSetSeries } from '../model/snapshot.js';
import { defineMetric, findExisting, MetricBase } from './metric.js';
import type { MetricCore, MetricOptions } from './metric.js';
import { StateSetFamilyRecord, StateSetSeriesRecord } from '../model/snapshot-records.js';

/** Enum metrics have no unit (OpenMetrics). `S` is inferred from `states`. */
export interface EnumOptions<L extends string = never, D extends L = never, S extends string = string> extends Omit<
  MetricOptions<L, D>,
  'unit'
> {
  /** The possible states, unique, at least one; the first is the initial state. */
  readonly states: readonly S[];
}

/** One labelled series of an Enum. */
export interface EnumChild<S extends string = string> {
  readonly labelValues: LabelValues;
  /** The current state. */
  readonly current: S;
  /** Sets the current state; throws InvalidArgumentError for a state not in `states`. */
  state(state: S): void;
}

class EnumSeriesImpl<S extends string> implements EnumChild<S> {
  stateIndex = 0;

  constructor(
    private readonly core: MetricCore,
    private readonly states: readonly S[],
    private readonly index: ReadonlyMap<string, number>,
    readonly labelValues: LabelValues,
  ) {}

  get current(): S {
    return this.states[this.stateIndex]!;
  }

  state(state: S): void {
    const index = this.index.get(state);
    if (index === undefined) {
      throw new InvalidArgumentError(
        `enum ${quote(this.core.source.name)}: unknown state ${quote(state)} (states: ${this.states.join(', ')})`,
      );
    }
    this.stateIndex = index;
    const listener = this.core.listener;
    if (listener !== undefined) listener(this.core.source, this.labelValues, 'set', 1);
  }
}

function checkStates(metric: string, states: unknown): readonly string[] {
  if (!Array.isArray(states) || states.length === 0) {
    throw new InvalidArgumentError(`enum ${quote(metric)}: states must be a non-empty array, got ${quote(states)}`);
  }
  const seen = new Set<string>();
  for (const state of states as unknown[]) {
    if (typeof state !== 'string') {
      throw new InvalidArgumentError(`enum ${quote(metric)}: state ${quote(state)} is not a string`);
    }
    if (seen.has(state)) throw new InvalidArgumentError(`enum ${quote(metric)}: duplicate state ${quote(state)}`);
    seen.add(state);
  }
  return Object.freeze([...seen]);
}

export class Enum<L extends string = never, D extends L = never, S extends string = string> extends MetricBase<
  L,
  D,
  EnumChild<S>,
  EnumSeriesImpl<S>,
  StateSetFamily
> {
  /** The possible states, in the given order. */
  readonly states!: readonly S[];
  private readonly index!: ReadonlyMap<string, number>;

  constructor(options: EnumOptions<L, D, S>) {
    let states: readonly string[] = [];
    const definition = defineMetric('stateset', options, {
      detail: (name) => {
        states = checkStates(name, options.states);
        return `states=[${states.join(',')}]`;
      },
    });
    const existing = findExisting(definition);
    if (existing !== undefined) return existing as Enum<L, D, S>;
    super(definition);
    this.states = states as readonly S[];
    this.index = new Map(states.map((state, i) => [state, i]));
    this.start();
  }

  /** `state()` on a metric without label names. */
  state(state: S): void {
    this.only('state').state(state);
  }

  protected newSeries(labelValues: LabelValues): EnumSeriesImpl<S> {
    return new EnumSeriesImpl(this.core, this.states, this.index, labelValues);
  }

  protected family(series: readonly EnumSeriesImpl<S>[]): StateSetFamily {
    const out = series.map(stateSetSample); // a function, not a closure per collect
    return new StateSetFamilyRecord(this.name, this.help, this.unit, this.labelNames, this.states, out);
  }
}

function stateSetSample(series: EnumSeriesImpl<string>): StateSetSeries {
  return new StateSetSeriesRecord(series.labelValues, series.stateIndex);
}
