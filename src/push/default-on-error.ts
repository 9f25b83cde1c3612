// What happens to a push failure nobody asked about. A pusher runs from timers and signal
// handlers, so throwing is never an option (hot-shots #31, influxdb-client-js #281); silence
// hides a broken target for the life of the job. A process warning is the middle ground: it
// shows up once on stderr (and in any 'warning' listener) without touching the job's control flow.
// A target that is down fails every push, so the warning is rate-limited per code and target.
import type { Clock } from '../clock.js';
import type { PushError } from '../errors.js';

/** Receives every failure of a pusher. Must not throw (a throw is caught and reported as a warning). */
export type PushErrorHandler = (error: PushError) => void;

/** The `type` of the process warnings emitted by the default error handler. */
export const PUSH_WARNING_TYPE = 'PrometheusPushClientWarning';

/** How long the default handler stays quiet about the same code and target. */
export const DEFAULT_WARNING_INTERVAL_MS = 60_000;

interface KeyState {
  lastAt: number;
  suppressed: number;
}

/**
 * The default `onError`: one `process.emitWarning` per distinct `code` + `target`, then nothing
 * for the same pair for `intervalMs` (60 s). The next warning after a quiet period says how many
 * similar failures were not reported. Each pusher has its own instance.
 */
export function rateLimitedWarning(clock: Clock, intervalMs: number = DEFAULT_WARNING_INTERVAL_MS): PushErrorHandler {
  const seen = new Map<string, KeyState>();
  return (error) => {
    const key = `${error.code}\u0000${error.target ?? ''}`;
    const now = clock.monotonic();
    const state = seen.get(key);
    if (state !== undefined && now - state.lastAt < intervalMs) {
      state.suppressed++;
      return;
    }
    const suppressed = state?.suppressed ?? 0;
    seen.set(key, { lastAt: now, suppressed: 0 });
    const detail =
      suppressed > 0
        ? `${suppressed} more ${error.code} failure(s) of this target were not reported in the last ${Math.round(intervalMs / 1000)} s.`
        : `Further ${error.code} failures of this target are reported at most once per ${Math.round(intervalMs / 1000)} s; pass onError to handle them yourself.`;
    emitWarning(error, detail);
  };
}

function emitWarning(error: PushError, detail: string): void {
  try {
    process.emitWarning(error.message, { type: PUSH_WARNING_TYPE, code: error.code, detail });
  } catch {
    // `--throw-deprecation` and friends do not apply to our type, but a warning must never throw.
  }
}

/**
 * Calls `handler`; if it throws, `fallback` (the default warning) reports the original failure
 * instead: a user hook that throws inside a timer would otherwise be an uncaught exception.
 */
export function safeReport(handler: PushErrorHandler, fallback: PushErrorHandler, error: PushError): void {
  try {
    handler(error);
  } catch {
    if (handler === fallback) return;
    try {
      fallback(error);
    } catch {
      // Nothing left to report to.
    }
  }
}
