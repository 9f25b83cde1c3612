// The lifecycle every pusher shares: start/stop, run/wrap sessions with their re-entrancy count,
// the bounded final push, the exit hooks, and error reporting. Subclasses only say how to begin
// and end background work and how to push what they have (see the abstract members).
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import type { OversizeHandler } from '../encoding/framing.js';
import { InvalidArgumentError, PushError, TimeoutError } from '../errors.js';
import type { Registry } from '../registry.js';
import type { SendOptions, Transport } from '../transport/transport.js';
import { Deadline } from './deadline.js';
import { rateLimitedWarning, safeReport } from './default-on-error.js';
import type { PushErrorHandler } from './default-on-error.js';
import { registerForExit, unregisterForExit } from './lifecycle.js';
import type { ExitParticipant } from './lifecycle.js';
import type { Pusher } from './pusher.js';
import { noSelfMetrics, pusherSelfMetrics, selfMetricsRegistry } from './self-metrics.js';
import type { DropReason, PusherSelfMetrics } from './self-metrics.js';

export const DEFAULT_STOP_TIMEOUT_MS = 5000;

/** Options every pusher takes. */
export interface PusherOptions {
  /** Where payloads go. The pusher owns it from now on: `stop()` closes it. */
  readonly transport: Transport;
  /**
   * Time limit of the final push, including closing the transport (default 5000 ms). `stop()`
   * resolves by then whatever the target does; a late push is reported as `ERR_TIMEOUT`.
   */
  readonly stopTimeoutMs?: number;
  /**
   * Receives every failure of background work (timer pushes, final pushes, streaming sends,
   * oversize lines). Default: one `process.emitWarning` per error code and target, at most once a
   * minute. Never called for `pushNow()`, whose promise carries the failure. Must not throw.
   */
  readonly onError?: PushErrorHandler;
  /**
   * Final push on SIGTERM/SIGINT, then the signal's default action (see lifecycle.ts for the
   * rules, e.g. a program with its own listener for the signal). Default false.
   */
  readonly handleSignals?: boolean;
  /** Timers and durations; `FakeClock` in tests. */
  readonly clock?: Clock;
  /**
   * Where this pusher records its self-metrics: `selfMetricsRegistry` by default, another
   * registry, or `false` for none.
   */
  readonly selfMetrics?: Registry | false;
  /** Passed to every send (e.g. `{ method: 'PUT' }`); the pusher adds its own `signal` when stopping. */
  readonly sendOptions?: Omit<SendOptions, 'signal'>;
}

/** What a pusher hands an encoder factory, so that dropped lines and samples are counted and reported. */
export interface EncoderCallbacks {
  /** For `EncoderOptions.onOversize`: counts `dropped_total{reason="oversize"}` and reports the error. */
  readonly onOversize: OversizeHandler;
  /** For `InfluxLineEncoderOptions.onSkip`: counts `dropped_total{reason="non_finite"}`. */
  readonly onSkip: (count: number) => void;
}

/** An encoder, or a function building one with the pusher's callbacks (so its drops are counted). */
export type EncoderInput<E> = E | ((callbacks: EncoderCallbacks) => E);

type State = 'idle' | 'running' | 'stopping' | 'stopped';

export function checkPositive(what: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`${what} must be a finite number > 0, got ${String(value)}`);
  }
  return value;
}

/** Turns something a component threw (a bug: encoders and registries never throw) into a PushError. */
export function unexpectedError(target: string, stage: string, error: unknown): PushError {
  if (error instanceof PushError) return error;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new PushError('ERR_INTERNAL', `push to ${target} failed: ${stage} threw ${text}`, {
    target,
    cause: error,
  });
}

export abstract class PusherBase implements Pusher, ExitParticipant {
  readonly target: string;
  readonly handleSignals: boolean;
  protected readonly transport: Transport;
  protected readonly clock: Clock;
  protected readonly self: PusherSelfMetrics;
  protected readonly sendOptions: Omit<SendOptions, 'signal'> | undefined;
  private readonly stopTimeoutMs: number;
  private readonly onError: PushErrorHandler;
  private readonly warn: PushErrorHandler;
  private state: State = 'idle';
  /** The current run()/wrap() session started the pusher, so its end pauses it. */
  private sessionOwned = false;
  /** Nested, recursive and concurrent run()/wrap() calls in progress. */
  private depth = 0;
  private stopped: Promise<void> | undefined;

  protected constructor(options: PusherOptions, dropReasons: readonly DropReason[], streamedRegistry?: unknown) {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('pusher options must be an object');
    }
    const { transport } = options;
    if (typeof transport?.send !== 'function' || typeof transport.close !== 'function') {
      throw new InvalidArgumentError('pusher: transport must be a Transport (send and close)');
    }
    this.transport = transport;
    this.target = transport.target;
    this.clock = options.clock ?? systemClock;
    this.stopTimeoutMs = checkPositive('stopTimeoutMs', options.stopTimeoutMs, DEFAULT_STOP_TIMEOUT_MS);
    this.handleSignals = options.handleSignals ?? false;
    this.sendOptions = options.sendOptions;
    this.warn = rateLimitedWarning(this.clock);
    this.onError = options.onError ?? this.warn;
    const registry = options.selfMetrics ?? selfMetricsRegistry;
    // A streaming pusher must not record into the registry it streams: every flush would change
    // it, which schedules another flush, forever.
    this.self =
      registry === false || registry === streamedRegistry
        ? noSelfMetrics
        : pusherSelfMetrics({ registry, target: this.target, reasons: dropReasons, clock: this.clock });
  }

  /** Starts background work (a timer, a subscription). Called once per start. */
  protected abstract activate(): void;
  /** Ends background work; what is buffered stays for `flush()`. */
  protected abstract deactivate(): void;
  /**
   * Pushes what there is now, after any push in flight. `final` marks the last push of the
   * pusher or of a session that pauses it (presets' `afterFinalPush` runs then). `signal` aborts
   * at the deadline. Never rejects: failures go to `report()`.
   */
  protected abstract flush(signal: AbortSignal, final: boolean): Promise<void>;

  abstract pushNow(): Promise<void>;

  get running(): boolean {
    return this.state === 'running';
  }

  /** Whether updates may still be pushed (not stopping, not stopped). */
  protected get open(): boolean {
    return this.state === 'idle' || this.state === 'running';
  }

  start(): this {
    if (!this.open) throw this.closedError();
    // An explicit start outlives any session in progress.
    this.sessionOwned = false;
    if (this.state === 'running') return this;
    this.begin();
    return this;
  }

  stop(): Promise<void> {
    this.stopped ??= this.shutdown();
    return this.stopped;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async run<T>(fn: () => T | Promise<T>): Promise<T> {
    this.enter();
    try {
      return await fn();
    } finally {
      await this.exit();
    }
  }

  wrap<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<Awaited<R>> {
    if (typeof fn !== 'function') throw new InvalidArgumentError('wrap() needs a function');
    const run = <T>(inner: () => T | Promise<T>): Promise<T> => this.run(inner);
    const wrapped = function (this: unknown, ...args: A): Promise<Awaited<R>> {
      return run(() => fn.apply(this, args) as Awaited<R> | Promise<Awaited<R>>);
    };
    Object.defineProperty(wrapped, 'name', { value: fn.name, configurable: true });
    return wrapped;
  }

  /** Reports a failure of background work (never throws). */
  protected report(error: PushError): void {
    safeReport(this.onError, this.warn, error);
  }

  protected closedError(): PushError {
    return new PushError('ERR_CLOSED', `pusher to ${this.target} is stopped; create a new pusher`, {
      target: this.target,
    });
  }

  /** Callbacks for an encoder factory. */
  protected encoderCallbacks(): EncoderCallbacks {
    return {
      onOversize: (error) => {
        this.self.dropped('oversize');
        this.report(error);
      },
      onSkip: (count) => {
        if (count > 0) this.self.dropped('non_finite', count);
      },
    };
  }

  protected buildEncoder<E>(input: EncoderInput<E>, what: string, method: string): E {
    const encoder =
      typeof input === 'function' ? (input as (c: EncoderCallbacks) => E)(this.encoderCallbacks()) : input;
    if (typeof (encoder as Record<string, unknown> | undefined)?.[method] !== 'function') {
      throw new InvalidArgumentError(`${what}: encoder must have an ${method}() method`);
    }
    return encoder;
  }

  private begin(): void {
    this.state = 'running';
    this.activate();
    registerForExit(this);
  }

  private pause(): void {
    this.state = 'idle';
    this.deactivate();
    unregisterForExit(this);
  }

  private enter(): void {
    this.depth++;
    if (this.depth > 1) return;
    if (this.state === 'idle') {
      this.sessionOwned = true;
      this.begin();
    } else if (!this.open) {
      this.report(this.closedError());
    }
  }

  private async exit(): Promise<void> {
    this.depth--;
    if (this.depth > 0) return;
    if (this.stopped !== undefined) {
      // stop() (a signal, beforeExit, the user) owns the final push: finish with it.
      await this.stopped;
      return;
    }
    if (this.state !== 'running') return;
    const final = this.sessionOwned;
    if (final) {
      this.sessionOwned = false;
      this.pause();
    }
    await this.bounded(final, false);
  }

  private async shutdown(): Promise<void> {
    if (this.state === 'running') this.deactivate();
    this.state = 'stopping';
    unregisterForExit(this);
    try {
      await this.bounded(true, true);
    } finally {
      this.state = 'stopped';
    }
  }

  /** The final push (and, when closing, the transport's close), within stopTimeoutMs. */
  private async bounded(final: boolean, close: boolean): Promise<void> {
    const ms = this.stopTimeoutMs;
    const deadline = new Deadline(
      this.clock,
      ms,
      () => new TimeoutError(`final push to ${this.target} did not finish within ${ms} ms`, { target: this.target }),
    );
    try {
      let done = await deadline.race(this.safeFlush(deadline.signal, final));
      if (done && close) done = await deadline.race(this.transport.close());
      if (!done) {
        const reason = deadline.signal.reason as PushError;
        this.self.error(reason.code);
        this.report(reason);
        // Release the sockets anyway, without waiting for the stuck send.
        if (close) void this.transport.close().catch(() => undefined);
      }
    } finally {
      deadline.cancel();
    }
  }

  private async safeFlush(signal: AbortSignal, final: boolean): Promise<void> {
    try {
      await this.flush(signal, final);
    } catch (error) {
      this.report(unexpectedError(this.target, 'the final push', error));
    }
  }
}
