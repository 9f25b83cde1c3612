// The final push on the ways a Node process ends without calling stop() (PROTOCOLS §4 item 1:
// prom-client #363, hot-shots #239, VictoriaMetrics/metrics #38/#67 all lose the last interval).
//
// * Natural end. Our timers are unref'd, so a job whose work is done reaches `beforeExit` while
//   its pusher still runs. `beforeExit` is the last moment where I/O is possible: we stop every
//   running pusher there (final push, then close). Stopping schedules I/O, so Node emits
//   `beforeExit` again afterwards; by then the pushers are stopped and our listener is gone, so
//   this cannot loop.
// * SIGTERM / SIGINT, opt-in (`handleSignals: true`). Node's default action kills the process
//   at once, so the last interval would be lost. We stop the pushers that opted in (each bounded
//   by its `stopTimeoutMs`), remove our listener and raise the same signal again, so the default
//   action (and the 128+n exit status a shell or an orchestrator sees) applies as if we were not
//   there. When the program has its own listener for that signal we do NOT re-raise: installing
//   one opts out of the default action in Node, and that listener decides what happens next
//   (it can `await pusher.stop()`: stop is idempotent and shares the same final push).
//   A second identical signal while we wait re-raises at once: an impatient Ctrl-C wins.
// * What we cannot cover. `process.exit()` and `process.on('exit')` run synchronously after
//   the event loop is gone: no I/O can happen there (hot-shots README, "Sending metrics during
//   process shutdown"), so await `pusher.stop()` (or use `run()`) before calling
//   `process.exit()`. An uncaught exception outside `run()`/`wrap()` kills the process without
//   `beforeExit`; `run()` catches the job's failure, pushes, then rethrows it.
//
// One shared listener per event for all pushers: a listener per pusher would trip Node's
// MaxListenersExceededWarning for programs with more than ten pushers.

/** What the lifecycle needs from a pusher. */
export interface ExitParticipant {
  /** Whether SIGTERM and SIGINT should stop this pusher (final push) before the process dies. */
  readonly handleSignals: boolean;
  /** Final push, then close. Idempotent; never rejects; bounded by the pusher's stopTimeoutMs. */
  stop(): Promise<void>;
}

export type HandledSignal = 'SIGTERM' | 'SIGINT';
const SIGNALS: readonly HandledSignal[] = ['SIGTERM', 'SIGINT'];

const participants = new Set<ExitParticipant>();
let beforeExitInstalled = false;
let signalsInstalled = false;
/** Signals received whose final pushes are still running. */
const handling = new Set<HandledSignal>();

const signalListeners: Record<HandledSignal, () => void> = {
  SIGTERM: () => onSignal('SIGTERM'),
  SIGINT: () => onSignal('SIGINT'),
};

/** Registers a running pusher for the final push at `beforeExit` (and on signals, if it asked). */
export function registerForExit(participant: ExitParticipant): void {
  participants.add(participant);
  syncListeners();
}

/** Unregisters a pusher that stopped or paused. */
export function unregisterForExit(participant: ExitParticipant): void {
  participants.delete(participant);
  syncListeners();
}

/** For tests: how many pushers are registered and which listeners are installed. */
export function exitRegistrations(): { participants: number; beforeExit: boolean; signals: boolean } {
  return { participants: participants.size, beforeExit: beforeExitInstalled, signals: signalsInstalled };
}

function wantsSignals(): boolean {
  for (const p of participants) if (p.handleSignals) return true;
  return false;
}

function syncListeners(): void {
  const needBeforeExit = participants.size > 0;
  if (needBeforeExit !== beforeExitInstalled) {
    if (needBeforeExit) process.on('beforeExit', onBeforeExit);
    else process.removeListener('beforeExit', onBeforeExit);
    beforeExitInstalled = needBeforeExit;
  }
  // Keep the signal listeners while a signal is being handled, so that a second signal reaches
  // us (and re-raises) instead of killing the process before we removed ourselves on purpose.
  const needSignals = wantsSignals() || handling.size > 0;
  if (needSignals !== signalsInstalled) {
    for (const signal of SIGNALS) {
      if (needSignals) process.on(signal, signalListeners[signal]);
      else process.removeListener(signal, signalListeners[signal]);
    }
    signalsInstalled = needSignals;
  }
}

function onBeforeExit(): void {
  // Each stop() unregisters its pusher; the last one removes this listener.
  for (const participant of [...participants]) void participant.stop();
}

function onSignal(signal: HandledSignal): void {
  if (handling.has(signal)) {
    if (!hasOwnListener(signal)) reraise(signal);
    return;
  }
  handling.add(signal);
  const stops = [...participants].filter((p) => p.handleSignals).map((p) => p.stop());
  void Promise.allSettled(stops).then(() => {
    handling.delete(signal);
    if (hasOwnListener(signal)) {
      // The program handles this signal itself; it decides whether and how to exit.
      syncListeners();
      return;
    }
    reraise(signal);
  });
}

/** Whether the program itself listens for `signal` (checked when it arrives, not when we start). */
function hasOwnListener(signal: HandledSignal): boolean {
  return process.listeners(signal).some((listener) => listener !== signalListeners[signal]);
}

function reraise(signal: HandledSignal): void {
  // Without any listener Node restores the default disposition, so the signal terminates the
  // process exactly as it would have without us.
  process.removeListener(signal, signalListeners[signal]);
  const other: HandledSignal = signal === 'SIGTERM' ? 'SIGINT' : 'SIGTERM';
  process.removeListener(other, signalListeners[other]);
  signalsInstalled = false;
  process.kill(process.pid, signal);
}
