// The one interface every pusher (batch or streaming) and every preset returns. Its promise to
// the job it measures: metrics are pushed one last time on every way out (return, throw,
// rejection, natural end of the process, opt-in SIGTERM/SIGINT), and monitoring never throws
// into the job: push failures go to `onError` and the self-metrics, never to the caller of a
// metric update or of `run()`.

/**
 * A running connection between a registry and a push target.
 *
 * States: created → started (`start()`, or inside `run()`/`wrap()`) → stopped (`stop()`:
 * terminal). A pusher started by `run()`/`wrap()` goes back to "created" when the outermost call
 * returns, so a wrapped job function can be called again and again.
 */
export interface Pusher extends AsyncDisposable {
  /** Where the pusher sends, redacted (no userinfo, secret query values masked). */
  readonly target: string;

  /** True between `start()` (or the outermost `run()` entry) and the stop or the session end. */
  readonly running: boolean;

  /**
   * Starts pushing in the background (batch: a timer every `intervalMs`; streaming: every change)
   * and registers the final push at `beforeExit` (and on SIGTERM/SIGINT with `handleSignals`).
   * Idempotent while running. The timer is unref'd: it never keeps a finished process alive.
   *
   * @throws PushError `ERR_CLOSED` when the pusher was stopped (create a new one).
   */
  start(): this;

  /**
   * Stops the background work, pushes one last time, then closes the transport. The whole of it
   * is bounded by `stopTimeoutMs` (a hanging target cannot hold the process), and it never
   * rejects: failures go to `onError`. Idempotent: later calls return the same promise.
   * Terminal: metric updates after `stop()` are still recorded by the metrics, but never pushed.
   * Await it before `process.exit()`: nothing can be sent from `process.on('exit')`.
   */
  stop(): Promise<void>;

  /**
   * Pushes now, without waiting for the timer (streaming: flushes the buffered changes), and
   * resolves when every payload was handed over. Never overlaps another push: it waits for the
   * one in flight first. Works before `start()` (one push, no timer).
   *
   * @returns rejects with the `PushError` of the first failed payload (`ERR_CLOSED` after
   * `stop()`); that failure goes to the caller, not to `onError`.
   */
  pushNow(): Promise<void>;

  /**
   * Runs `fn` with the pusher started, then pushes one last time when `fn` returns, throws or
   * rejects, and resolves or rejects with `fn`'s own outcome (the very same error object).
   * Push failures never change that outcome: they go to `onError`.
   *
   * Re-entrant: nested and concurrent `run()`/`wrap()` calls share one session, and the final
   * push happens once, when the outermost call exits. If the session started the pusher, it
   * stops the background work then (the transport stays open for the next call); a pusher
   * started with `start()` keeps running. After `stop()`, `fn` still runs (the job matters more
   * than its metrics) but nothing is pushed, and `onError` receives `ERR_CLOSED`.
   */
  run<T>(fn: () => T | Promise<T>): Promise<T>;

  /**
   * Decorator form of `run()`: the returned function runs `fn` (with the same `this` and
   * arguments) inside a session. Recursive and nested calls push once, at the outermost exit,
   * like the seed's decorators.
   */
  wrap<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => Promise<Awaited<R>>;

  /** `await using pusher = preset({...}).start()`: the same as `stop()`. */
  [Symbol.asyncDispose](): Promise<void>;
}
