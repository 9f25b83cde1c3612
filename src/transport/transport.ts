// The seam between "what to send" (encoders, pushers) and "how bytes move" (UDP, HTTP, retry).
// Expected I/O failures are values, not exceptions: a pusher runs from timers and signal
// handlers, where a rejected promise or a thrown error would become an unhandled rejection or an
// uncaught exception in the user's process (hot-shots #31, influxdb-client-js #281).
import { PushError, TimeoutError } from '../errors.js';

/** Per-request overrides. Transports ignore the fields that mean nothing to them (UDP ignores HTTP ones). */
export interface SendOptions {
  /**
   * HTTP method for this request only (the Pushgateway preset uses PUT, POST and DELETE on one
   * transport). With DELETE, GET or HEAD and an empty payload no body is sent at all.
   */
  readonly method?: string;
  /**
   * HTTP path (and optional query) for this request only, resolved against the transport's URL
   * like a link (`/metrics/job/x` replaces the path; `metrics/job/x` is relative to it). It must
   * stay on the transport's origin, so credentials are never sent elsewhere.
   */
  readonly path?: string;
  /** Extra HTTP headers for this request; they win over the transport's headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Cancels the send. The result is then a failed `ERR_TIMEOUT`: the signal's reason when it is
   * a `PushError` (the retry decorator's deadline), otherwise a TimeoutError wrapping it.
   */
  readonly signal?: AbortSignal;
}

export interface SendSuccess {
  readonly ok: true;
  /** HTTP status; absent for UDP, where "sent" only means the kernel accepted the datagram. */
  readonly status?: number;
}

export interface SendFailure {
  readonly ok: false;
  /** True when sending the same payload again may succeed (timeouts, resets, 429, 503…). */
  readonly retryable: boolean;
  readonly error: PushError;
  /** The server asked to wait this long before trying again (HTTP Retry-After). */
  readonly retryAfterMs?: number;
}

export type SendResult = SendSuccess | SendFailure;

/**
 * Moves one payload to one target. Knows nothing about metrics.
 *
 * Contract: `send` never rejects and never throws; every expected failure (network, status,
 * timeout, oversize, closed) is a `SendFailure`. A rejection would be a bug. `send` may be
 * called concurrently. After `close()` has been called, `send` resolves with `ERR_CLOSED`.
 * `close` waits for sends already started, then releases sockets; it never rejects and may be
 * called more than once.
 */
export interface Transport {
  /** Where the bytes go, redacted: no userinfo, secret-looking query values masked. */
  readonly target: string;
  /**
   * True when `send` reads the payload only until its promise settles and keeps no reference to
   * it after, so the caller may then write over those bytes: pushers hand the payloads of a push
   * back to their encoder (Encoder.recycle) once every send of it has settled. Absent or false:
   * the transport may keep the payload (memoryTransport does), and nothing is reused.
   */
  readonly releasesPayload?: boolean;
  send(payload: Uint8Array, options?: SendOptions): Promise<SendResult>;
  close(): Promise<void>;
}

/** The result of a send that came after `close()`: never retryable on this transport. */
export function closedResult(target: string): SendFailure {
  return {
    ok: false,
    retryable: false,
    error: new PushError('ERR_CLOSED', `transport to ${target} is closed`, { target }),
  };
}

/**
 * The result of a send cancelled through its AbortSignal. Retryable: the payload was not refused,
 * the caller ran out of time; whoever aborted decides whether to try again.
 */
export function abortedResult(target: string, signal: AbortSignal): SendFailure {
  const reason: unknown = signal.reason;
  const error =
    reason instanceof PushError ? reason : new TimeoutError(`send to ${target} aborted`, { target, cause: reason });
  return { ok: false, retryable: true, error };
}

/**
 * Resolves with `promise`'s value, or with `undefined` as soon as `signal` aborts. The promise
 * keeps running (there is nothing to cancel in a DNS lookup); its late result is dropped.
 */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.resolve(undefined);
  let onAbort = (): void => undefined;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

/**
 * The sends a transport has started and not yet settled: `close()` waits for them (the contract:
 * a send already started finishes before the sockets are released). Each send leaves the set as
 * it settles, so a long-lived transport holds only what is in flight.
 */
export class InFlightSends {
  private readonly sends = new Set<Promise<SendResult>>();

  /** Sends not settled yet. */
  get size(): number {
    return this.sends.size;
  }

  /** Keeps `send` until it settles; returns it. */
  track(send: Promise<SendResult>): Promise<SendResult> {
    this.sends.add(send);
    void send.finally(() => this.sends.delete(send));
    return send;
  }

  /** Settles once the sends tracked now have; `close()` loops while `size > 0` for any started since. */
  allSettled(): Promise<unknown> {
    return Promise.allSettled([...this.sends]);
  }
}
