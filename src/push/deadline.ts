// A time limit for the final push. Two mechanisms, because a transport may not honour the first:
// the AbortSignal lets a well-behaved transport cancel its request (and report ERR_TIMEOUT), and
// `race()` stops waiting regardless, so that `stop()` returns within `stopTimeoutMs` even when a
// send never settles (a stuck socket, a buggy custom transport).
import type { Clock, Timer } from '../clock.js';
import type { PushError } from '../errors.js';

export class Deadline {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly timer: Timer;
  private readonly expired: Promise<false>;

  /**
   * @param reason built when the time is up; it becomes the signal's `reason`, so transports
   * report it as their failure.
   */
  constructor(clock: Clock, ms: number, reason: () => PushError) {
    this.signal = this.controller.signal;
    let fire!: () => void;
    this.expired = new Promise<false>((resolve) => {
      fire = () => {
        this.controller.abort(reason());
        resolve(false);
      };
    });
    // Deliberately NOT unref'd: after SIGTERM nothing else may keep the loop alive while the
    // final push runs, and the process must not slip into a plain exit before we re-raise the
    // signal. It is cancelled as soon as the work ends, so it never outlives `ms`.
    this.timer = clock.setTimeout(fire, ms, { unref: false });
  }

  /** Whether the time is up. */
  get expiredNow(): boolean {
    return this.signal.aborted;
  }

  /** Waits for `work` or the deadline: true when `work` settled first (either way), false on time-out. */
  race(work: Promise<unknown>): Promise<boolean> {
    if (this.signal.aborted) return Promise.resolve(false);
    return Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      this.expired,
    ]);
  }

  cancel(): void {
    this.timer.cancel();
  }
}
