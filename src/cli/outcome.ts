// How a command ends: an exit code, or death by a signal (`run` ends the way its child did).
import { constants } from 'node:os';

export type Outcome = { readonly code: number } | { readonly signal: NodeJS.Signals };

/**
 * Signals whose default action is to terminate without a core dump, and that Node does not use
 * itself (SIGUSR1 starts the inspector, SIGPIPE is ignored): raising one of them on ourselves
 * ends the process exactly as the child ended. Any other signal becomes exit status 128+n.
 */
const RERAISABLE = new Set<NodeJS.Signals>(['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGKILL', 'SIGUSR2', 'SIGALRM']);

/** 128 + the signal's number: what a shell reports for a process killed by it. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * Ends the process with `outcome`. An exit code is set, not forced (`process.exitCode`), so
 * pending output is flushed. A signal is raised on ourselves after removing every listener
 * for it, so its default action applies; exitCode 128+n stands in case it does not.
 */
export function exitWith(outcome: Outcome): void {
  if ('code' in outcome) {
    process.exitCode = outcome.code;
    return;
  }
  process.exitCode = signalExitCode(outcome.signal);
  if (!RERAISABLE.has(outcome.signal)) return;
  process.removeAllListeners(outcome.signal);
  process.kill(process.pid, outcome.signal);
}
