// Self-metrics: how each pusher is doing, per target (the VictoriaMetrics/metrics push.go idea:
// `metrics_push_total`, `metrics_push_errors_total`…). A push that fails on a timer is otherwise
// only a rate-limited warning; a counter lets an alert see it.
//
// They live in their own registry, `selfMetricsRegistry`, not in `pushRegistry`: adding series
// to what users push would change their payloads (and their Pushgateway groups) without asking.
// To push them too, pass `selfMetricsRegistry` to a pusher of your own, or pass your registry as
// a pusher's `selfMetrics` option.
//
// Names (prefix `prometheus_push_client_`: unambiguous next to the job's own metrics), every
// series labelled with the pusher's redacted `target`:
//   prometheus_push_client_pushes_total{target}               pushes attempted (batch: collect →
//                                                             encode → send; streaming: one flush)
//   prometheus_push_client_push_errors_total{target,code}     failed payload sends and failed pushes,
//                                                             by PushError code
//   prometheus_push_client_bytes_pushed_total{target}         payload bytes the transport accepted
//   prometheus_push_client_push_duration_seconds{target}      histogram: push start to last send
//                                                             settled (a histogram, unlike a summary,
//                                                             aggregates across jobs)
//   prometheus_push_client_dropped_total{target,reason}       what was not pushed: `skipped_tick`
//                                                             (a push was still in flight),
//                                                             `buffer_full` (streaming overflow,
//                                                             oldest events dropped), `oversize`
//                                                             (a line larger than a payload),
//                                                             `non_finite` (a NaN/±Inf sample the
//                                                             format cannot carry)
import type { Clock } from '../clock.js';
import { Counter } from '../metrics/counter.js';
import { Histogram } from '../metrics/histogram.js';
import type { CounterChild } from '../metrics/counter.js';
import type { HistogramChild } from '../metrics/histogram.js';
import { Registry } from '../registry.js';
import { redactUrl } from '../redact.js';
import type { PushErrorCode } from '../errors.js';

export const SELF_METRICS_NAMESPACE = 'prometheus_push_client';

/** Why something was not pushed (the `reason` label of `prometheus_push_client_dropped_total`). */
export type DropReason = 'skipped_tick' | 'buffer_full' | 'oversize' | 'non_finite';

/** Bucket bounds of `push_duration_seconds`: a loopback UDP push to a timed-out HTTP request. */
export const PUSH_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]);

/**
 * The default registry of the self-metrics. Creating it does nothing but allocate the object;
 * the metrics appear in it when the first pusher is created.
 */
export const selfMetricsRegistry: Registry = new Registry();

/** What a pusher records about itself. Every method is cheap and never throws. */
export interface PusherSelfMetrics {
  /** One push (batch) or flush (streaming) started. */
  pushed(): void;
  /** One payload of `bytes` bytes was accepted by the transport. */
  bytes(bytes: number): void;
  /** One failure (a payload send, or a push that failed before sending), by error code. */
  error(code: PushErrorCode): void;
  /** A push (or flush) took this long, from start to its last send settled. */
  duration(seconds: number): void;
  /** `count` things (ticks, events, lines, samples) were not pushed, for `reason`. */
  dropped(reason: DropReason, count?: number): void;
}

/** Records nothing: `selfMetrics: false`. */
export const noSelfMetrics: PusherSelfMetrics = {
  pushed() {},
  bytes() {},
  error() {},
  duration() {},
  dropped() {},
};

export interface SelfMetricsOptions {
  /** The registry to record into (get-or-create: pushers share the metrics). */
  readonly registry: Registry;
  /** The pusher's target; redacted again here in case a custom transport forgot to. */
  readonly target: string;
  /** The reasons to create at zero up front, so that `increase()` sees the very first drop. */
  readonly reasons?: readonly DropReason[];
  readonly clock?: Clock;
}

/**
 * The self-metrics of one pusher. The series of its target are created at once (at 0), so a
 * dashboard sees a pusher that never managed to push; error series appear with their first
 * error (one per code).
 */
export function pusherSelfMetrics(options: SelfMetricsOptions): PusherSelfMetrics {
  const { registry } = options;
  const target = options.target.includes('@') ? redactUrl(options.target) : options.target;
  const common = { namespace: SELF_METRICS_NAMESPACE, registry, ...(options.clock && { clock: options.clock }) };
  const pushes = new Counter({
    ...common,
    name: 'pushes',
    help: 'Pushes attempted (batch: one collect, encode and send of the registry; streaming: one flush)',
    labelNames: ['target'],
  }).labels({ target });
  const errors = new Counter({
    ...common,
    name: 'push_errors',
    help: 'Failed payload sends and failed pushes, by error code',
    labelNames: ['target', 'code'],
  });
  const bytes = new Counter({
    ...common,
    name: 'bytes_pushed',
    help: 'Payload bytes accepted by the transport',
    labelNames: ['target'],
  }).labels({ target });
  const duration = new Histogram({
    ...common,
    name: 'push_duration',
    unit: 'seconds',
    help: 'Time from the start of a push to its last send settled',
    labelNames: ['target'],
    buckets: PUSH_DURATION_BUCKETS,
  }).labels({ target });
  const droppedMetric = new Counter({
    ...common,
    name: 'dropped',
    help: 'What was not pushed: skipped_tick, buffer_full, oversize, non_finite',
    labelNames: ['target', 'reason'],
  });
  const droppedBy = new Map<DropReason, CounterChild>();
  const errorsBy = new Map<PushErrorCode, CounterChild>();
  const droppedChild = (reason: DropReason): CounterChild => {
    let child = droppedBy.get(reason);
    if (child === undefined) {
      child = droppedMetric.labels({ target, reason });
      droppedBy.set(reason, child);
    }
    return child;
  };
  for (const reason of options.reasons ?? []) droppedChild(reason);

  return {
    pushed: () => pushes.inc(),
    bytes: (n) => bytes.inc(n),
    error(code) {
      let child = errorsBy.get(code);
      if (child === undefined) {
        child = errors.labels({ target, code });
        errorsBy.set(code, child);
      }
      child.inc();
    },
    duration: (seconds) => observe(duration, seconds),
    dropped: (reason, count = 1) => droppedChild(reason).inc(count),
  };
}

function observe(histogram: HistogramChild, seconds: number): void {
  // A clock that went backwards (a test's fake clock, a VM migration) must not throw or skew.
  histogram.observe(seconds > 0 ? seconds : 0);
}
