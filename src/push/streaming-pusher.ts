// The streaming pusher: every metric change is synced over (usually) UDP, as the seed's
// streaming clients did, without their cost (PROTOCOLS §3 item 7: the seed re-collected and
// re-sent the whole family on every inc/set/observe, and `.time()` did not work).
//
// How a change travels. The registry calls our listener inside `inc()`/`set()`/`observe()`; we
// only write numbers into a preallocated ring buffer (no string, no I/O, usually no allocation).
// The first change of an event-loop turn schedules one flush with setImmediate; the flush hands
// everything buffered to the encoder, which packs it into MTU-sized datagrams, and sends them.
// Within what one flush carries, changes are COALESCED:
//   statsd mode: counter increments summed per series (`x_total:3|c` for three inc()), a gauge's
//                last value, but EVERY observation (StatsD servers build the distribution);
//   influx mode: one line per changed series with its CURRENT values (MetricSource.collectSeries),
//                never the whole family.
// `.time()` and `startTimer()` call observe()/set(), so they stream like any other change.
//
// Bounded memory. At most `maxBufferedEvents` changes wait in the ring. When it is full, the
// buffer is flushed right away (a tight synchronous loop does not need to yield) unless the
// transport already has `maxPendingSends` sends in progress: the socket is not keeping up, and
// the OLDEST buffered change is dropped instead, counted in `dropped_total{reason="buffer_full"}`.
//
// After stop(), or between run()/wrap() sessions, the pusher is unsubscribed: metrics still
// record updates, nothing is buffered or sent. For StatsD counters (deltas) those increments are
// then never sent.
import type { Encoder } from '../encoding/encoder.js';
import { InvalidArgumentError } from '../errors.js';
import type { PushError } from '../errors.js';
import type { ChangeKind, ChangeListener, MetricEvent, MetricSource } from '../model/events.js';
import type { LabelValues, MetricFamily, Snapshot } from '../model/snapshot.js';
import { pushRegistry } from '../registry.js';
import type { SendOptions, SendResult } from '../transport/transport.js';
import { checkPositive, PusherBase, unexpectedError } from './pusher-base.js';
import type { EncoderInput, PusherOptions } from './pusher-base.js';
import type { Pusher } from './pusher.js';

export const DEFAULT_MAX_BUFFERED_EVENTS = 10_000;
export const DEFAULT_MAX_PENDING_SENDS = 1024;

/** Registry-wide default labels, as a Snapshot carries them (so a Snapshot fits). */
export interface DefaultLabelSet {
  readonly defaultLabelNames: readonly string[];
  readonly defaultLabelValues: readonly string[];
}

/** What a streaming pusher subscribes to: a `Registry`. */
export interface ChangeSource {
  /** Calls `listener` on every change; returns the function that detaches it. */
  onChange(listener: ChangeListener): () => void;
  /** The registry's current default labels, read at every flush. */
  defaultLabels?(): DefaultLabelSet;
  /** Used once at start for the default labels when `defaultLabels()` is not available. */
  collect?(): Snapshot;
}

/** The event mode of an encoder (`statsdEncoder()` has it). */
export interface EventEncoder {
  /** The changes, in order, packed into payloads; `defaults` are the registry's default labels. */
  encodeEvents(events: readonly MetricEvent[], defaults?: DefaultLabelSet): Uint8Array[];
}

interface StreamingCommonOptions extends PusherOptions {
  /** What to stream; default `pushRegistry`. */
  readonly registry?: ChangeSource;
  /** Changes that may wait for a flush (default 10 000); beyond that the oldest are dropped. */
  readonly maxBufferedEvents?: number;
  /** Sends in progress beyond which the buffer is not flushed but left to fill (default 1024). */
  readonly maxPendingSends?: number;
}

export interface StatsdStreamingOptions extends StreamingCommonOptions {
  /** Native StatsD events: counter deltas `|c`, gauges `|g`, observations `|ms`/`|h`/`|d`. */
  readonly mode: 'statsd';
  readonly encoder: EncoderInput<EventEncoder>;
}

export interface InfluxStreamingOptions extends StreamingCommonOptions {
  /** The changed series' current values, through a snapshot encoder (`influxLineEncoder()`). */
  readonly mode: 'influx';
  readonly encoder: EncoderInput<Encoder>;
}

export type StreamingPusherOptions = StatsdStreamingOptions | InfluxStreamingOptions;

/**
 * Creates a streaming pusher (not started). `start()`, `run()` or `wrap()` subscribes it to the
 * registry; `stop()` flushes what is buffered, unsubscribes, waits for the sends, and closes the
 * transport. `pushNow()` flushes at once and resolves when the sends have settled (rejecting with
 * the first failed one); failures of background flushes go to `onError`, one per failed datagram
 * (rate-limited by the default handler). There is no interval: `intervalMs` does not apply.
 */
export function streamingPusher(options: StreamingPusherOptions): Pusher {
  return new StreamingPusher(options);
}

/** A buffered change; the objects are reused from flush to flush. */
interface Slot {
  source: MetricSource;
  labelValues: LabelValues;
  kind: ChangeKind;
  value: number;
}

/** The sends of one flush: to time it, and to hand its first failure to pushNow(). */
interface FlushSends {
  remaining: number;
  readonly started: number;
  /** pushNow() awaits this flush: failures go to its caller, not to onError. */
  readonly awaited: boolean;
  /** The stop deadline's signal: a send it cancelled is reported once, by the pusher base. */
  readonly signal: AbortSignal | undefined;
  firstError: PushError | undefined;
}

class StreamingPusher extends PusherBase {
  private readonly source: ChangeSource;
  private readonly influx: boolean;
  private readonly eventEncoder: EventEncoder | undefined;
  private readonly snapshotEncoder: Encoder | undefined;
  private readonly capacity: number;
  private readonly maxPendingSends: number;
  private readonly slots: Slot[] = [];
  /** Ring: `size` slots starting at `head`. */
  private head = 0;
  private size = 0;
  /** The slot of each coalescing series in the ring, per metric and label-values identity. */
  private readonly index = new Map<MetricSource, Map<LabelValues, Slot>>();
  private readonly batch: Slot[] = [];
  private droppedSinceFlush = 0;
  private scheduled = false;
  /** A flush was due while too many sends were pending: flush when one completes. */
  private waitingForRoom = false;
  private pendingSends = 0;
  private idleWaiters: (() => void)[] = [];
  private unsubscribe: (() => void) | undefined = undefined;
  private fallbackDefaults: DefaultLabelSet = NO_DEFAULTS;
  private readonly listener: ChangeListener = (source, labelValues, kind, value) =>
    this.record(source, labelValues, kind, value);
  private readonly onTurnEnd = (): void => {
    this.scheduled = false;
    if (this.pendingSends >= this.maxPendingSends) this.waitingForRoom = true;
    else this.flushBuffered(undefined, false);
  };

  constructor(options: StreamingPusherOptions) {
    const source = options.registry ?? pushRegistry;
    super(options, ['buffer_full', 'oversize', 'non_finite'], source);
    if (typeof source?.onChange !== 'function') {
      throw new InvalidArgumentError('streamingPusher: registry must have an onChange() method');
    }
    this.source = source;
    if (options.mode === 'statsd') {
      this.influx = false;
      this.eventEncoder = this.buildEncoder(options.encoder, 'streamingPusher', 'encodeEvents');
    } else if (options.mode === 'influx') {
      this.influx = true;
      this.snapshotEncoder = this.buildEncoder(options.encoder, 'streamingPusher', 'encode');
    } else {
      throw new InvalidArgumentError(
        `streamingPusher: mode must be 'statsd' or 'influx', got ${String((options as { mode?: unknown }).mode)}`,
      );
    }
    this.capacity = Math.floor(
      checkPositive('streamingPusher: maxBufferedEvents', options.maxBufferedEvents, DEFAULT_MAX_BUFFERED_EVENTS),
    );
    this.maxPendingSends = checkPositive(
      'streamingPusher: maxPendingSends',
      options.maxPendingSends,
      DEFAULT_MAX_PENDING_SENDS,
    );
  }

  async pushNow(): Promise<void> {
    if (!this.open) throw this.closedError();
    const sends = this.flushBuffered(undefined, true);
    await this.drained();
    if (sends?.firstError !== undefined) throw sends.firstError;
  }

  protected activate(): void {
    if (this.source.defaultLabels === undefined && this.source.collect !== undefined) {
      try {
        this.fallbackDefaults = this.source.collect();
      } catch {
        this.fallbackDefaults = NO_DEFAULTS;
      }
    }
    this.unsubscribe = this.source.onChange(this.listener);
  }

  protected deactivate(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  protected async flush(signal: AbortSignal): Promise<void> {
    this.flushBuffered(signal, false);
    await this.drained();
  }

  /** The hot path: called inside every metric update while subscribed. Never throws. */
  private record(source: MetricSource, labelValues: LabelValues, kind: ChangeKind, value: number): void {
    const coalesce = this.influx || kind !== 'observe';
    let bySeries: Map<LabelValues, Slot> | undefined;
    if (coalesce) {
      bySeries = this.index.get(source);
      const slot = bySeries?.get(labelValues);
      if (slot !== undefined) {
        // A delta adds to what is buffered (to a delta, or to an absolute value); a new absolute
        // value replaces it.
        if (kind === 'inc') slot.value += value;
        else {
          slot.kind = kind;
          slot.value = value;
        }
        return;
      }
    }
    if (this.size === this.capacity) this.makeRoom();
    let i = this.head + this.size;
    if (i >= this.capacity) i -= this.capacity;
    let slot = this.slots[i];
    if (slot === undefined) {
      slot = { source, labelValues, kind, value };
      this.slots[i] = slot;
    } else {
      slot.source = source;
      slot.labelValues = labelValues;
      slot.kind = kind;
      slot.value = value;
    }
    this.size++;
    if (coalesce) {
      if (bySeries === undefined) {
        bySeries = new Map();
        this.index.set(source, bySeries);
      }
      bySeries.set(labelValues, slot);
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.onTurnEnd);
    }
  }

  /** The ring is full: flush it now if the transport keeps up, else drop the oldest change. */
  private makeRoom(): void {
    if (this.pendingSends < this.maxPendingSends) {
      this.flushBuffered(undefined, false);
      if (this.size < this.capacity) return;
    }
    const oldest = this.slots[this.head]!;
    const bySeries = this.index.get(oldest.source);
    if (bySeries?.get(oldest.labelValues) === oldest) bySeries.delete(oldest.labelValues);
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    this.size--;
    this.droppedSinceFlush++;
  }

  /** Encodes and sends everything buffered. Returns the flush's sends, or undefined when none. */
  private flushBuffered(signal: AbortSignal | undefined, awaited: boolean): FlushSends | undefined {
    this.waitingForRoom = false;
    if (this.droppedSinceFlush > 0) {
      this.self.dropped('buffer_full', this.droppedSinceFlush);
      this.droppedSinceFlush = 0;
    }
    if (this.size === 0) return undefined;
    const batch = this.batch;
    for (let k = 0, i = this.head; k < this.size; k++) {
      batch.push(this.slots[i]!);
      if (++i === this.capacity) i = 0;
    }
    this.head = 0;
    this.size = 0;
    this.index.clear();
    const started = this.clock.monotonic();
    this.self.pushed();
    let payloads: Uint8Array[];
    try {
      payloads = this.encode(batch);
    } catch (thrown) {
      const error = unexpectedError(this.target, 'the encoder', thrown);
      this.self.error(error.code);
      if (awaited) return { remaining: 0, started, awaited, signal, firstError: error };
      this.report(error);
      return undefined;
    } finally {
      // The slots are reused by the next changes: the encoder is done with them (it is synchronous).
      batch.length = 0;
    }
    const sends: FlushSends = { remaining: payloads.length, started, awaited, signal, firstError: undefined };
    if (payloads.length === 0) {
      this.self.duration((this.clock.monotonic() - started) / 1000);
      return sends;
    }
    const options: SendOptions | undefined = signal === undefined ? this.sendOptions : { ...this.sendOptions, signal };
    for (const payload of payloads) this.send(payload, options, sends);
    return sends;
  }

  private encode(batch: readonly Slot[]): Uint8Array[] {
    if (!this.influx) return this.eventEncoder!.encodeEvents(batch, this.defaults());
    const families: MetricFamily[] = [];
    for (const slot of batch) {
      const family = slot.source.collectSeries(slot.labelValues);
      // A series removed since its change has nothing left to send.
      if (family.series.length > 0) families.push(family);
    }
    const defaults = this.defaults();
    return this.snapshotEncoder!.encode({
      families,
      defaultLabelNames: defaults.defaultLabelNames,
      defaultLabelValues: defaults.defaultLabelValues,
      timestampMs: this.clock.now(),
    });
  }

  private defaults(): DefaultLabelSet {
    return this.source.defaultLabels?.() ?? this.fallbackDefaults;
  }

  private send(payload: Uint8Array, options: SendOptions | undefined, sends: FlushSends): void {
    this.pendingSends++;
    const bytes = payload.byteLength;
    let pending: Promise<SendResult>;
    try {
      pending = this.transport.send(payload, options);
    } catch (thrown) {
      pending = Promise.reject(thrown instanceof Error ? thrown : new Error(String(thrown)));
    }
    pending.then(
      (result) => this.sent(result, bytes, sends),
      (thrown: unknown) =>
        this.sent(
          { ok: false, retryable: false, error: unexpectedError(this.target, 'transport.send()', thrown) },
          bytes,
          sends,
        ),
    );
  }

  private sent(result: SendResult, bytes: number, sends: FlushSends): void {
    this.pendingSends--;
    if (result.ok) this.self.bytes(bytes);
    else if (result.error !== sends.signal?.reason) {
      this.self.error(result.error.code);
      if (sends.awaited) sends.firstError ??= result.error;
      else this.report(result.error);
    }
    if (--sends.remaining === 0) this.self.duration((this.clock.monotonic() - sends.started) / 1000);
    if (this.waitingForRoom && this.pendingSends < this.maxPendingSends && !this.scheduled) {
      this.waitingForRoom = false;
      this.scheduled = true;
      setImmediate(this.onTurnEnd);
    }
    if (this.pendingSends === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Resolves when no send is in progress. */
  private drained(): Promise<void> {
    if (this.pendingSends === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

const NO_DEFAULTS: DefaultLabelSet = { defaultLabelNames: [], defaultLabelValues: [] };
