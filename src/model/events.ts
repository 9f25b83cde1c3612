// Change events feed the streaming pushers. Metrics call a listener only when one is attached,
// so the batch hot path pays one `undefined` check and allocates nothing.
import type { LabelValues, MetricFamily, MetricType } from './snapshot.js';

/** What a listener can ask of the metric that changed. */
export interface MetricSource {
  readonly name: string;
  readonly type: MetricType;
  readonly labelNames: readonly string[];
  /** A one-family snapshot holding only this series' current state (for streaming cumulative formats). */
  collectSeries(labelValues: LabelValues): MetricFamily;
}

/** inc: value is the delta; set: the new absolute value; observe: the observation. */
export type ChangeKind = 'inc' | 'set' | 'observe';

/** Positional arguments, not an event object, so that a listener decides whether to allocate. */
export type ChangeListener = (source: MetricSource, labelValues: LabelValues, kind: ChangeKind, value: number) => void;

/** A recorded change, as a streaming pusher queues it for an event-mode encoder. */
export interface MetricEvent {
  readonly source: MetricSource;
  readonly labelValues: LabelValues;
  readonly kind: ChangeKind;
  readonly value: number;
}
