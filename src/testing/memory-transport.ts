// An in-memory Transport for tests (ours and users'): it records every payload instead of moving
// it, and the test decides what each send returns, so a test can assert the exact bytes a pusher
// produced and drive every failure path (status errors, timeouts, a target that never answers)
// without a server, a socket or a sleep.
import type { PushError } from '../errors.js';
import { abortedResult, closedResult } from '../transport/transport.js';
import type { SendOptions, SendResult, Transport } from '../transport/transport.js';

/**
 * Chooses the result of one send. `index` counts accepted sends from 0. Return a promise to make
 * the send take time: one that never settles is a target that hangs (the send still ends with a
 * failed `ERR_TIMEOUT` result when its `AbortSignal` fires, as a real transport's does).
 */
export type MemorySendResponder = (payload: Uint8Array, index: number) => SendResult | Promise<SendResult>;

export interface MemoryTransportOptions {
  /** What `target` reports (it appears in errors and in the self-metrics' `target` label). */
  readonly target?: string;
  /**
   * The result of each send: the n-th send gets `results[n]` (sends past the end succeed), or the
   * function's answer. Default: every send succeeds.
   */
  readonly results?: readonly SendResult[] | MemorySendResponder;
}

export interface MemoryTransport extends Transport {
  /** Every payload accepted by `send`, in order (sends after `close()` are not recorded). */
  readonly payloads: readonly Uint8Array[];
  /** The options of each recorded send, index for index with `payloads`. */
  readonly sendOptions: readonly (SendOptions | undefined)[];
  /** Sends made after `close()` (answered with `ERR_CLOSED`, not recorded in `payloads`). */
  readonly sendsAfterClose: number;
  /** How many times `close()` was called. */
  readonly closeCalls: number;
  /** True once `close()` has been called. */
  readonly closed: boolean;
  /** `payloads` decoded as UTF-8: convenient for the text formats. */
  texts(): string[];
  /** Forgets the recorded payloads and options (the send index keeps counting). */
  clear(): void;
}

/** A successful send result, for building `results` arrays. */
export const sendOk: SendResult = { ok: true };

/** A failed send result carrying `error`, for building `results` arrays. */
export function sendFailed(error: PushError, retryable = false): SendResult {
  return { ok: false, retryable, error };
}

/**
 * Creates an in-memory transport.
 *
 * ```ts
 * import { memoryTransport, FakeClock } from 'prometheus-push-client/testing';
 *
 * const clock = new FakeClock();
 * const transport = memoryTransport();
 * const pusher = periodicPusher({ registry, encoder, transport, clock, intervalMs: 1000 }).start();
 * counter.inc();
 * await clock.advance(1000);            // the timer fires: one push, no real time passes
 * assert.deepEqual(transport.texts(), ['# HELP …\n…\n']);
 * await pusher.stop();
 * ```
 *
 * Like a real transport it never rejects, answers `ERR_CLOSED` after `close()`, and `close()`
 * waits for the sends already started (so a responder that never settles makes `close()` hang
 * too, as a stuck socket would).
 */
export function memoryTransport(options: MemoryTransportOptions = {}): MemoryTransport {
  const target = options.target ?? 'memory://test';
  const results = options.results;
  const payloads: Uint8Array[] = [];
  const sendOptions: (SendOptions | undefined)[] = [];
  const inFlight = new Set<Promise<SendResult>>();
  let index = 0;
  let sendsAfterClose = 0;
  let closeCalls = 0;
  let closed = false;

  function answer(payload: Uint8Array, n: number): SendResult | Promise<SendResult> {
    if (results === undefined) return sendOk;
    if (typeof results === 'function') return results(payload, n);
    return results[n] ?? sendOk;
  }

  async function settle(pending: Promise<SendResult>, signal: AbortSignal | undefined): Promise<SendResult> {
    if (signal === undefined) return pending;
    if (signal.aborted) return abortedResult(target, signal);
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<SendResult>((resolve) => {
      onAbort = () => resolve(abortedResult(target, signal));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([pending, aborted]);
    } finally {
      if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
    }
  }

  return {
    target,
    get payloads() {
      return payloads;
    },
    get sendOptions() {
      return sendOptions;
    },
    get sendsAfterClose() {
      return sendsAfterClose;
    },
    get closeCalls() {
      return closeCalls;
    },
    get closed() {
      return closed;
    },
    texts: () => payloads.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('utf8')),
    clear() {
      payloads.length = 0;
      sendOptions.length = 0;
    },
    send(payload: Uint8Array, opts?: SendOptions): Promise<SendResult> {
      if (closed) {
        sendsAfterClose++;
        return Promise.resolve(closedResult(target));
      }
      // A copy: the caller may reuse its buffer once the send has resolved.
      payloads.push(Uint8Array.from(payload));
      sendOptions.push(opts);
      const n = index++;
      let pending: Promise<SendResult>;
      try {
        pending = Promise.resolve(answer(payload, n));
      } catch (error) {
        // A throwing responder is a bug in the test; surface it as a rejection the test will see.
        pending = Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      const result = settle(pending, opts?.signal);
      inFlight.add(result);
      const forget = (): void => {
        inFlight.delete(result);
      };
      result.then(forget, forget);
      return result;
    },
    async close(): Promise<void> {
      closeCalls++;
      closed = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
