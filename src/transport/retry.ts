// Retry as a decorator around any Transport, like OpenTelemetry's RetryingTransport: the
// transports stay simple, and the policy (attempts, backoff, deadline) lives in one place.
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { InvalidArgumentError, TimeoutError } from '../errors.js';
import { closedResult } from './transport.js';
import type { SendFailure, SendOptions, SendResult, Transport } from './transport.js';

/**
 * `equal` (default): wait base/2 + random·base/2. Jobs that fail together (a cron fleet hitting
 * a restarting gateway) spread out, and no retry comes back at once. `full`: random·base, the
 * least total load but sometimes ~0 ms. `none`: exactly base.
 */
export type Jitter = 'equal' | 'full' | 'none';

export interface RetryInfo {
  /** The attempt that just failed, from 1. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly failure: SendFailure;
}

export interface RetryOptions {
  /** Attempts in total, the first included. Default 3. */
  readonly maxAttempts?: number;
  /** Base of the first wait. Default 200 ms; the base doubles after each failure. */
  readonly initialDelayMs?: number;
  /** Ceiling of the backoff base. Default 5000 ms. It does not cap Retry-After (see `maxRetryAfterMs`). */
  readonly maxDelayMs?: number;
  /**
   * Budget for one send, all attempts and waits included, measured from the call. Default none
   * (each attempt is still bounded by the transport's own timeout). See `withRetry` for what
   * happens when it runs out.
   */
  readonly deadlineMs?: number;
  /** A Retry-After longer than this ends the retries instead of waiting. Default 60 000 ms. */
  readonly maxRetryAfterMs?: number;
  readonly jitter?: Jitter;
  readonly clock?: Clock;
  /** Returns [0, 1); inject a constant for deterministic tests. Default Math.random. */
  readonly random?: () => number;
  /** Called before each wait (self-metrics, logs). Must not throw; if it does, that is ignored. */
  readonly onRetry?: (info: RetryInfo) => void;
}

/**
 * Wraps `transport` so that each send is retried while its result is `retryable`.
 *
 * - Only `retryable` failures are retried: never a 4xx other than those the transport marks
 *   retryable (429 by default), never ERR_PAYLOAD_TOO_LARGE or ERR_CLOSED.
 * - Wait before attempt n+1: base = min(maxDelayMs, initialDelayMs·2^(n-1)) with `jitter`,
 *   rounded to whole ms. A Retry-After from the server replaces it (no jitter, not capped by
 *   maxDelayMs: waiting less than the server asked only earns another 429); beyond
 *   `maxRetryAfterMs` the last failure is returned at once.
 * - Deadline: a wait that would end after the deadline is not started and the LAST FAILURE is
 *   returned as it is (its status, body and Retry-After say more than "timeout"). An attempt
 *   still in flight when the deadline passes is aborted and the result is a retryable
 *   ERR_TIMEOUT naming the deadline.
 * - The caller's `signal` aborts the current attempt (its result is returned) or the current
 *   wait (the last failure is returned). `close()` cuts every wait the same way, waits for the
 *   sends in progress, then closes the wrapped transport.
 * - Every wait goes through `clock.setTimeout` and is ref'd: a retry in progress is part of a
 *   send in progress, which must finish even when the process reaches `beforeExit`. Its length
 *   is bounded by maxAttempts, maxDelayMs, maxRetryAfterMs and the deadline.
 */
export function withRetry(transport: Transport, options: RetryOptions = {}): Transport {
  const maxAttempts = options.maxAttempts ?? 3;
  const initialDelayMs = options.initialDelayMs ?? 200;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000;
  const deadlineMs = options.deadlineMs;
  const jitter = options.jitter ?? 'equal';
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new InvalidArgumentError(`withRetry: maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  }
  for (const [name, value] of [
    ['initialDelayMs', initialDelayMs],
    ['maxDelayMs', maxDelayMs],
    ['maxRetryAfterMs', maxRetryAfterMs],
  ] as const) {
    if (!(value >= 0)) throw new InvalidArgumentError(`withRetry: ${name} must be >= 0, got ${value}`);
  }
  if (deadlineMs !== undefined && !(deadlineMs > 0)) {
    throw new InvalidArgumentError(`withRetry: deadlineMs must be > 0, got ${deadlineMs}`);
  }

  let closing = false;
  /** Aborts every wait in progress when the transport is closed. */
  const closed = new AbortController();
  const inFlight = new Set<Promise<SendResult>>();

  function backoff(attempt: number): number {
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1));
    if (jitter === 'none') return Math.round(base);
    const r = Math.min(Math.max(random(), 0), 1);
    return Math.round(jitter === 'full' ? r * base : base / 2 + (r * base) / 2);
  }

  /** Resolves true after `ms`, or false as soon as a signal aborts (the timer is cancelled). */
  function wait(ms: number, signals: readonly AbortSignal[]): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      if (signals.some((s) => s.aborted)) {
        resolve(false);
        return;
      }
      const cleanup = (): void => {
        for (const s of signals) s.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        timer.cancel();
        cleanup();
        resolve(false);
      };
      const timer = clock.setTimeout(() => {
        cleanup();
        resolve(true);
      }, ms);
      for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
    });
  }

  async function sendWithRetry(payload: Uint8Array, sendOptions: SendOptions): Promise<SendResult> {
    const caller = sendOptions.signal;
    const attemptSignal = new AbortController();
    const onCallerAbort = (): void => attemptSignal.abort(caller?.reason);
    if (caller?.aborted === true) onCallerAbort();
    else caller?.addEventListener('abort', onCallerAbort, { once: true });
    const deadlineAt = deadlineMs === undefined ? Infinity : clock.monotonic() + deadlineMs;
    let attempt = 0;
    const deadline =
      deadlineMs === undefined
        ? undefined
        : clock.setTimeout(
            () => {
              const error = new TimeoutError(
                `send to ${transport.target} did not succeed within the ${deadlineMs} ms deadline (attempt ${attempt} of ${maxAttempts} cut)`,
                { target: transport.target },
              );
              attemptSignal.abort(error);
            },
            deadlineMs,
            { unref: true },
          );
    try {
      for (;;) {
        attempt++;
        const result = await transport.send(payload, { ...sendOptions, signal: attemptSignal.signal });
        if (result.ok || !result.retryable || attempt >= maxAttempts || attemptSignal.signal.aborted || closing) {
          return result;
        }
        const delayMs = nextDelay(attempt, result);
        if (delayMs === undefined || clock.monotonic() + delayMs >= deadlineAt) return result;
        try {
          options.onRetry?.({ attempt, delayMs, failure: result });
        } catch {
          // A hook must not change the outcome of a send.
        }
        if (!(await wait(delayMs, [attemptSignal.signal, closed.signal]))) return result;
      }
    } finally {
      deadline?.cancel();
      caller?.removeEventListener('abort', onCallerAbort);
    }
  }

  function nextDelay(attempt: number, failure: SendFailure): number | undefined {
    if (failure.retryAfterMs === undefined) return backoff(attempt);
    return failure.retryAfterMs > maxRetryAfterMs ? undefined : failure.retryAfterMs;
  }

  return {
    target: transport.target,
    // Every attempt is awaited before the send settles: no attempt outlives it.
    ...(transport.releasesPayload === true && { releasesPayload: true }),
    send(payload: Uint8Array, sendOptions: SendOptions = {}): Promise<SendResult> {
      if (closing) return Promise.resolve(closedResult(transport.target));
      const result = sendWithRetry(payload, sendOptions);
      inFlight.add(result);
      void result.finally(() => inFlight.delete(result));
      return result;
    },
    async close(): Promise<void> {
      closing = true;
      closed.abort();
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      await transport.close();
    },
  };
}
