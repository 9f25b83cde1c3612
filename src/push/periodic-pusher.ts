// The batch pusher: every `intervalMs`, collect the whole registry, encode it, send each payload.
//
// Scheduling follows the seed's background clients: ticks are planned on a fixed grid from the
// start (start + k·interval), so a slow push does not push the schedule back (drift
// compensation). A tick that finds a push still in flight is skipped and counted
// (`dropped_total{reason="skipped_tick"}`): never two pushes at once (OT's
// PeriodicExportingMetricReader; Pushgateway #627 shows what piling up does). A tick that fires
// later than the next planned one (a blocked event loop) realigns to the grid instead of firing a
// burst of catch-up pushes.
//
// The timer path never throws and never rejects: failures go to `onError` and the self-metrics.
//
// A large registry is pushed in slices (slicing.ts): collected and encoded a few thousand samples
// at a time, one slice per event-loop turn, and for a 'body' format streamed to a transport that
// takes a chunked body while the next slice is encoded.
import type { CollectOptions, Snapshot } from '../model/snapshot.js';
import type { Encoder } from '../encoding/encoder.js';
import { InvalidArgumentError } from '../errors.js';
import type { PushError } from '../errors.js';
import { pushRegistry } from '../registry.js';
import type { RegistryParts } from '../registry.js';
import type { SendOptions, SendResult, Transport } from '../transport/transport.js';
import type { Timer } from '../clock.js';
import { checkPositive, PusherBase, unexpectedError } from './pusher-base.js';
import type { EncoderInput, PusherOptions } from './pusher-base.js';
import type { Pusher } from './pusher.js';
import {
  acceptsChunkedBody,
  concatChunks,
  DEFAULT_MAX_SAMPLES_PER_SLICE,
  DEFAULT_SLICE_TARGET_MS,
  mergeSlices,
  SliceBudget,
  SliceCursor,
  StreamedBody,
  yieldToEventLoop,
} from './slicing.js';
import type { ChunkedBodyTransport, SliceFraming, SlicingOptions } from './slicing.js';

export const DEFAULT_INTERVAL_MS = 15_000;

/**
 * Anything that can produce a Snapshot: a `Registry`, your own combination of registries, or an
 * asynchronous source such as `fromPromClient(register)` (prom-client 15 collects asynchronously).
 */
export interface SnapshotSource {
  /** `options` only when the pusher reuses snapshots (`reuseSnapshots`); a source may ignore them. */
  collect(options?: CollectOptions): Snapshot | PromiseLike<Snapshot>;
  /**
   * Optional (a `Registry` has it): lets a sliced push collect a large registry a slice at a
   * time instead of all at once.
   */
  collectParts?(options?: CollectOptions): RegistryParts;
}

/** What `afterFinalPush` is given. */
export interface FinalPushContext {
  /** The pusher's transport, still open. */
  readonly transport: Transport;
  /** Aborts when `stopTimeoutMs` runs out; pass it to `transport.send`. */
  readonly signal: AbortSignal;
  /** Whether the final push itself succeeded (every payload accepted). */
  readonly pushed: boolean;
}

/**
 * Seams for presets whose target needs more than "send the registry". Each is optional, called
 * synchronously inside a push unless noted, and must not throw: a throw fails that push (it is
 * reported as a PushError, nothing is sent) but never escapes the pusher.
 */
export interface PeriodicPusherHooks {
  /**
   * Replaces what gets encoded, once per push. The aggregation-gateway preset returns the deltas
   * since the last committed push (prom-aggregation-gateway sums every push it receives).
   */
  prepare?(collected: Snapshot): Snapshot;
  /**
   * Called when every payload of a push was accepted, with the snapshot as collected and as
   * prepared. Not called for a push with any failed payload: a delta preset then sends the same
   * increments again next time, so nothing is lost (and nothing counted twice, as long as the
   * target rejected the whole payload).
   */
  committed?(collected: Snapshot, prepared: Snapshot): void;
  /**
   * Runs after the final push (of `stop()`, or of a `run()`/`wrap()` session that started the
   * pusher), before the transport is closed, within the same `stopTimeoutMs`. Asynchronous. The
   * Pushgateway preset's `deleteOnStop` DELETEs its group here. A failed result it returns is
   * counted and reported like a failed push; a rejection is reported as an error.
   */
  afterFinalPush?(context: FinalPushContext): Promise<SendResult | void>;
}

export interface PeriodicPusherOptions extends PusherOptions {
  /** What to push; default `pushRegistry`. */
  readonly registry?: SnapshotSource;
  /** Turns a snapshot into payloads; or a factory given the pusher's drop callbacks. */
  readonly encoder: EncoderInput<Encoder>;
  /** Time between pushes, default 15 000 ms (the seed's period). */
  readonly intervalMs?: number;
  readonly hooks?: PeriodicPusherHooks;
  /**
   * Collect and encode a large registry in slices lasting about `sliceTargetMs` each, one per
   * event-loop turn, so a push never blocks the application for long (see slicing.ts). On when
   * the encoder declares its `sliceFraming` or `framing` is given here; `false` turns it off. A
   * registry that fits in one slice is pushed exactly as without slicing. With hooks, `prepare`
   * and `committed` still see the whole snapshot (collected in slices, then put together).
   */
  readonly slicing?: SlicingOptions | false;
  /**
   * Collect each push into the series records of the previous push's snapshot where they still
   * fit (CollectOptions.reuse: counters and gauges of 16 series or more), instead of allocating
   * a new snapshot every push. Only when your hooks and your encoder keep nothing of a snapshot
   * once its push is over: the objects then change under them. Default false; the presets turn
   * it on (their hooks and encoders keep label values and numbers, never a snapshot's objects).
   */
  readonly reuseSnapshots?: boolean;
}

/**
 * Creates a batch pusher (not started). `start()`, `run()` or `wrap()` starts it; `stop()` pushes
 * one last time and closes the transport.
 *
 * Partial failures: a push sends its payloads one after the other. After a payload the target
 * refused for its content (not retryable: an HTTP 400, an oversize datagram) the push goes on
 * with the next one, since each payload parses on its own. After a failure that says the target
 * is unreachable (retryable: refused connection, timeout, 5xx, 429) or closed, the push stops
 * there: the rest would fail the same way and only delay the next push. Either way the push
 * reports one error (the first), and each failed payload is counted in
 * `push_errors_total{code}`.
 */
export function periodicPusher(options: PeriodicPusherOptions): Pusher {
  return new PeriodicPusher(options);
}

class PeriodicPusher extends PusherBase {
  private readonly registry: SnapshotSource;
  private readonly encoder: Encoder;
  private readonly intervalMs: number;
  private readonly hooks: PeriodicPusherHooks;
  /** How the payloads of a sliced push compose; undefined: pushes are not sliced. */
  private readonly framing: SliceFraming | undefined;
  /** Slice sizes, learnt from push to push: for collect + encode, and for collect alone (hooks). */
  private readonly sliceBudget: SliceBudget;
  private readonly collectBudget: SliceBudget;
  /** What every collect is given: the pusher's reuse token, with `reuseSnapshots`. */
  private readonly collectOptions: CollectOptions | undefined;
  private timer: Timer | undefined = undefined;
  /** Monotonic time of the next planned tick. */
  private nextAt = 0;
  /** The push in flight; it resolves (never rejects) with its first error, if any. */
  private inFlight: Promise<PushError | undefined> | undefined = undefined;

  constructor(options: PeriodicPusherOptions) {
    super(options, ['skipped_tick', 'oversize', 'non_finite']);
    this.registry = options.registry ?? pushRegistry;
    if (typeof this.registry?.collect !== 'function') {
      throw new InvalidArgumentError('periodicPusher: registry must have a collect() method');
    }
    this.encoder = this.buildEncoder(options.encoder, 'periodicPusher', 'encode');
    this.intervalMs = checkPositive('periodicPusher: intervalMs', options.intervalMs, DEFAULT_INTERVAL_MS);
    this.hooks = options.hooks ?? {};
    // A token of its own, not the pusher: metrics keep the token of their last reuse, and must
    // not keep a stopped pusher (its encoder's caches, its transport) alive with it.
    this.collectOptions = options.reuseSnapshots === true ? { reuse: {} } : undefined;
    const slicing = options.slicing;
    if (slicing !== undefined && slicing !== false && (typeof slicing !== 'object' || slicing === null)) {
      throw new InvalidArgumentError('periodicPusher: slicing must be an object or false');
    }
    const given = slicing === false ? undefined : slicing?.framing;
    if (given !== undefined && given !== 'body' && given !== 'messages') {
      throw new InvalidArgumentError(
        `periodicPusher: slicing.framing must be 'body' or 'messages', got ${String(given)}`,
      );
    }
    const framing = slicing === false ? undefined : (given ?? this.encoder.sliceFraming);
    this.framing = framing === 'body' || framing === 'messages' ? framing : undefined;
    const sliceOptions = slicing === false ? undefined : slicing;
    const maxSliceSamples = Math.max(
      1,
      Math.floor(
        checkPositive(
          'periodicPusher: slicing.maxSamplesPerSlice',
          sliceOptions?.maxSamplesPerSlice,
          DEFAULT_MAX_SAMPLES_PER_SLICE,
        ),
      ),
    );
    const sliceTargetMs = checkPositive(
      'periodicPusher: slicing.sliceTargetMs',
      sliceOptions?.sliceTargetMs,
      DEFAULT_SLICE_TARGET_MS,
    );
    this.sliceBudget = new SliceBudget(maxSliceSamples, sliceTargetMs);
    this.collectBudget = new SliceBudget(maxSliceSamples, sliceTargetMs);
  }

  async pushNow(): Promise<void> {
    if (!this.open) throw this.closedError();
    const error = await this.pushAfterInFlight(undefined);
    if (error !== undefined) throw error;
  }

  protected activate(): void {
    this.nextAt = this.clock.monotonic() + this.intervalMs;
    this.arm();
  }

  protected deactivate(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  protected async flush(signal: AbortSignal, final: boolean): Promise<void> {
    const error = await this.pushAfterInFlight(signal);
    // A send cancelled by the deadline fails with the deadline's own error, which the base
    // class reports (and counts) once for the whole final push.
    if (error !== undefined && error !== signal.reason) this.report(error);
    if (final && this.hooks.afterFinalPush !== undefined && !signal.aborted) {
      await this.runAfterFinalPush(signal, error === undefined);
    }
  }

  private arm(): void {
    const delay = Math.max(0, this.nextAt - this.clock.monotonic());
    this.timer = this.clock.setTimeout(() => this.tick(), delay, { unref: true });
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.running) return;
    try {
      const now = this.clock.monotonic();
      this.nextAt += this.intervalMs;
      if (this.nextAt <= now) {
        // The loop was blocked past the next planned tick: realign to the grid, no burst.
        this.nextAt += (Math.floor((now - this.nextAt) / this.intervalMs) + 1) * this.intervalMs;
      }
      if (this.inFlight !== undefined) {
        this.self.dropped('skipped_tick');
      } else {
        void this.startPush(undefined).then((error) => {
          if (error !== undefined) this.report(error);
        });
      }
    } catch {
      // Nothing above throws by contract; a tick must still never become an uncaught exception.
    } finally {
      if (this.running) this.arm();
    }
  }

  /** Waits for the push in flight (never two at once), then pushes. */
  private async pushAfterInFlight(signal: AbortSignal | undefined): Promise<PushError | undefined> {
    while (this.inFlight !== undefined) await this.inFlight;
    return this.startPush(signal);
  }

  private startPush(signal: AbortSignal | undefined): Promise<PushError | undefined> {
    const push = this.push(signal).finally(() => {
      if (this.inFlight === push) this.inFlight = undefined;
    });
    this.inFlight = push;
    return push;
  }

  /** One push: collect → prepare → encode → send each payload. Resolves with the first error. */
  private async push(signal: AbortSignal | undefined): Promise<PushError | undefined> {
    const started = this.clock.monotonic();
    this.self.pushed();
    if (this.framing !== undefined) return this.pushSliced(signal, started, this.framing);
    let collected: Snapshot;
    let prepared: Snapshot;
    let payloads: Uint8Array[];
    let stage = 'registry.collect()';
    try {
      collected = await this.registry.collect(this.collectOptions);
      stage = 'hooks.prepare()';
      prepared = this.hooks.prepare === undefined ? collected : this.hooks.prepare(collected);
      stage = 'the encoder';
      payloads = this.encoder.encode(prepared);
    } catch (thrown) {
      const error = unexpectedError(this.target, stage, thrown);
      this.self.error(error.code);
      return error;
    }
    const sendOptions = this.optionsFor(signal);
    let first: PushError | undefined;
    for (const payload of payloads) {
      const result = await this.send(payload, sendOptions);
      const error = this.account(result, payload.byteLength, signal);
      if (error === undefined) continue;
      first ??= error;
      if (this.stopsPush(result, signal)) break;
    }
    this.recycle(payloads);
    return this.conclude(first, started, collected, prepared);
  }

  /**
   * A sliced push: slices are collected and encoded one per event-loop turn. 'messages': each
   * slice's payloads are sent (one after the other) before the next slice is encoded. 'body':
   * the payloads make one body, streamed as it is produced when the transport takes a chunked
   * body and the push needs more than one slice, otherwise sent whole at the end.
   */
  private async pushSliced(
    signal: AbortSignal | undefined,
    started: number,
    framing: SliceFraming,
  ): Promise<PushError | undefined> {
    const mark = framing === 'body';
    const hooks = this.hooks;
    let collected: Snapshot | undefined;
    let prepared: Snapshot | undefined;
    let cursor: SliceCursor;
    let stage = 'registry.collect()';
    try {
      if (hooks.prepare !== undefined || hooks.committed !== undefined) {
        collected = await this.collectWhole(signal);
        if (collected === undefined) return signal?.reason as PushError;
        stage = 'hooks.prepare()';
        prepared = hooks.prepare === undefined ? collected : hooks.prepare(collected);
        cursor = SliceCursor.ofSnapshot(prepared, mark);
      } else {
        const source = this.registry;
        cursor =
          source.collectParts === undefined
            ? SliceCursor.ofSnapshot(await source.collect(this.collectOptions), mark)
            : SliceCursor.ofParts(source.collectParts(this.collectOptions), mark);
      }
    } catch (thrown) {
      const error = unexpectedError(this.target, stage, thrown);
      this.self.error(error.code);
      return error;
    }

    const sendOptions = this.optionsFor(signal);
    const chunked = mark && acceptsChunkedBody(this.transport) ? this.transport : undefined;
    let first: PushError | undefined;
    /** 'body': chunks not handed to a stream yet; whether any slice produced a payload. */
    const chunks: Uint8Array[] = [];
    /** 'body': every payload of the push, handed back to the encoder once the body is sent. */
    const sent: Uint8Array[] = [];
    let produced = false;
    let body: StreamedBody | undefined;
    let streamed: Promise<SendResult> | undefined;
    let streamResult: SendResult | undefined;
    const budget = this.sliceBudget;
    for (let turn = 0; ; turn++) {
      if (turn > 0) {
        await yieldToEventLoop();
        if (signal?.aborted === true) {
          body?.fail(signal.reason);
          if (streamed !== undefined) await streamed;
          return signal.reason as PushError;
        }
        // The body's request already failed (refused, timed out): the rest would go nowhere.
        if (streamResult !== undefined && !streamResult.ok) break;
      }
      let payloads: Uint8Array[];
      try {
        stage = 'registry.collect()';
        const began = this.clock.monotonic();
        const slice = cursor.next(budget.samples);
        stage = 'the encoder';
        payloads = this.encoder.encode(slice);
        budget.update(cursor.samples, this.clock.monotonic() - began);
      } catch (thrown) {
        const error = unexpectedError(this.target, stage, thrown);
        this.self.error(error.code);
        // Never end a body that misses slices: the request is abandoned, not completed.
        body?.fail(error);
        if (streamed !== undefined) await streamed;
        return error;
      }
      const last = cursor.done;
      if (!mark) {
        let stop = false;
        for (const payload of payloads) {
          const result = await this.send(payload, sendOptions);
          const error = this.account(result, payload.byteLength, signal);
          if (error === undefined) continue;
          first ??= error;
          stop = this.stopsPush(result, signal);
          if (stop) break;
        }
        this.recycle(payloads);
        if (stop || last) break;
        continue;
      }
      if (payloads.length > 0) produced = true;
      for (const payload of payloads) sent.push(payload);
      if (body !== undefined) {
        for (const payload of payloads) body.push(payload);
      } else {
        for (const payload of payloads) chunks.push(payload);
        if (!last && chunked !== undefined && chunks.length > 0) {
          // More slices follow: start the request now and send each slice as it is encoded.
          body = new StreamedBody();
          for (const chunk of chunks) body.push(chunk);
          chunks.length = 0;
          streamed = this.sendChunked(chunked, body, sendOptions);
          void streamed.then((result) => (streamResult = result));
        }
      }
      if (last) break;
    }
    if (mark) {
      let result: SendResult | undefined;
      let bytes = 0;
      if (body !== undefined && streamed !== undefined) {
        body.end();
        result = await streamed;
        bytes = body.byteLength;
      } else if (produced) {
        const payload = concatChunks(chunks);
        result = await this.send(payload, sendOptions);
        bytes = payload.byteLength;
      }
      if (result !== undefined) first = this.account(result, bytes, signal);
      this.recycle(sent);
    }
    return this.conclude(first, started, collected, prepared);
  }

  /**
   * The whole snapshot for the hooks: collected in slices (one per event-loop turn) when the
   * source can, then put together. Undefined when the signal aborted in between.
   */
  private async collectWhole(signal: AbortSignal | undefined): Promise<Snapshot | undefined> {
    const source = this.registry;
    if (source.collectParts === undefined) return await source.collect(this.collectOptions);
    const cursor = SliceCursor.ofParts(source.collectParts(this.collectOptions), true);
    const budget = this.collectBudget;
    const slices: Snapshot[] = [];
    for (;;) {
      const began = this.clock.monotonic();
      slices.push(cursor.next(budget.samples));
      budget.update(cursor.samples, this.clock.monotonic() - began);
      if (cursor.done) break;
      await yieldToEventLoop();
      if (signal?.aborted === true) return undefined;
    }
    return mergeSlices(slices);
  }

  private optionsFor(signal: AbortSignal | undefined): SendOptions | undefined {
    return signal === undefined ? this.sendOptions : { ...this.sendOptions, signal };
  }

  /**
   * Hands the payloads of a push (or of a slice) back to the encoder, which may then write the
   * next push into their memory; call it only when every send of them has settled. Only with a
   * transport that keeps nothing (Transport.releasesPayload): memoryTransport, or a user's
   * transport that queues payloads, still owns them.
   */
  private recycle(payloads: readonly Uint8Array[]): void {
    if (this.transport.releasesPayload !== true || this.encoder.recycle === undefined) return;
    try {
      this.encoder.recycle(payloads);
    } catch (thrown) {
      const error = unexpectedError(this.target, 'encoder.recycle()', thrown);
      this.self.error(error.code);
      this.report(error);
    }
  }

  /** Counts a send's bytes or its error; returns the error of a failed send. */
  private account(result: SendResult, bytes: number, signal: AbortSignal | undefined): PushError | undefined {
    if (result.ok) {
      this.self.bytes(bytes);
      return undefined;
    }
    if (result.error !== signal?.reason) this.self.error(result.error.code);
    return result.error;
  }

  /**
   * After a payload the target refused for its content the push goes on; after one that says the
   * target is unreachable or closed, or when stopping ran out of time, it stops.
   */
  private stopsPush(result: SendResult, signal: AbortSignal | undefined): boolean {
    return !result.ok && (result.retryable || result.error.code === 'ERR_CLOSED' || signal?.aborted === true);
  }

  /** Records the push's duration and, after a full success, runs `committed`. */
  private conclude(
    first: PushError | undefined,
    started: number,
    collected: Snapshot | undefined,
    prepared: Snapshot | undefined,
  ): PushError | undefined {
    this.self.duration((this.clock.monotonic() - started) / 1000);
    if (first === undefined && this.hooks.committed !== undefined && collected !== undefined) {
      try {
        this.hooks.committed(collected, prepared ?? collected);
      } catch (thrown) {
        first = unexpectedError(this.target, 'hooks.committed()', thrown);
        this.self.error(first.code);
      }
    }
    return first;
  }

  /** `transport.send` of a streamed body, defended like `send()`. */
  private async sendChunked(
    transport: ChunkedBodyTransport,
    body: StreamedBody,
    options: SendOptions | undefined,
  ): Promise<SendResult> {
    try {
      return await transport.send(body, options);
    } catch (thrown) {
      return { ok: false, retryable: false, error: unexpectedError(this.target, 'transport.send()', thrown) };
    }
  }

  /** `transport.send`, defended against a transport that breaks its never-reject contract. */
  private async send(payload: Uint8Array, options: SendOptions | undefined): Promise<SendResult> {
    try {
      return await this.transport.send(payload, options);
    } catch (thrown) {
      return { ok: false, retryable: false, error: unexpectedError(this.target, 'transport.send()', thrown) };
    }
  }

  private async runAfterFinalPush(signal: AbortSignal, pushed: boolean): Promise<void> {
    try {
      const result = await this.hooks.afterFinalPush?.({ transport: this.transport, signal, pushed });
      if (result !== undefined && !result.ok) {
        this.self.error(result.error.code);
        this.report(result.error);
      }
    } catch (thrown) {
      const error = unexpectedError(this.target, 'hooks.afterFinalPush()', thrown);
      this.self.error(error.code);
      this.report(error);
    }
  }
}
