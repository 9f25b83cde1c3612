// `run`: runs a command like a shell would (stdio passed through, signals forwarded, its exit
// status becomes ours), then pushes four gauges about the run to every target. The push can
// fail without changing the exit status: the job's outcome matters more than its metrics.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import type { Snapshot } from '../../model/snapshot.js';
import { parseCommandArgs, parseLabelArgs, parseSeconds, stringList, stringValue } from '../args.js';
import { signalExitCode } from '../outcome.js';
import type { Outcome } from '../outcome.js';
import { preparePush } from '../push-once.js';
import { snapshotOf } from '../sample-snapshot.js';
import type { PushSample } from '../sample-snapshot.js';
import { parseTarget } from '../targets.js';
import { errorLine, UsageError } from '../usage-error.js';

export const RUN_USAGE = `Usage: prometheus-push-client run [options] -- COMMAND [ARGS...]

Runs COMMAND with its standard input and output passed through, forwards SIGTERM, SIGINT and
SIGHUP to it, and exits with its exit status (or dies by the same signal). When it ends, pushes
to every target, as gauges:
  <job>_duration_seconds               how long it ran
  <job>_exit_code                      its exit status (128+n when killed by signal n)
  <job>_last_run_timestamp_seconds     when it ended (Unix time)
  <job>_last_success_timestamp_seconds when it ended, only when it exited with 0
A failed push is reported on stderr and never changes the exit status.

Options:
  --to TARGET      where to push (repeatable, at least one); see 'prometheus-push-client --help'
  --job NAME       job name (default: the command's file name without extension); metric names
                   use it with characters other than [a-zA-Z0-9_:] replaced by _; a Pushgateway
                   target without /job/ in its path uses it as its job
  --label K=V      a label on every gauge (repeatable)
  --timeout SECS   time limit of the final push, retries included (default 10)
  -h, --help       show this help

Example:
  prometheus-push-client run --to pushgateway+http://pgw:9091 --job backup --label db=main -- ./backup.sh
`;

const OPTIONS = {
  to: { type: 'string', multiple: true },
  job: { type: 'string' },
  label: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const DEFAULT_TIMEOUT_MS = 10_000;
const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

interface ChildEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the command could not be started at all. */
  readonly error?: NodeJS.ErrnoException;
}

export async function runCommand(args: readonly string[]): Promise<Outcome> {
  const { values, positionals, afterTerminator } = parseCommandArgs('run', args, OPTIONS);
  if (values.help === true) {
    process.stdout.write(RUN_USAGE);
    return { code: 0 };
  }
  if (positionals.length > 0) {
    throw new UsageError(`run: unexpected argument ${JSON.stringify(positionals[0])}: put the command after --`);
  }
  const [command, ...commandArgs] = afterTerminator ?? [];
  if (command === undefined || command === '') {
    throw new UsageError('run: missing command: put it after --, e.g. run --to URL -- ./job.sh');
  }
  const targets = stringList(values.to).map(parseTarget);
  if (targets.length === 0) throw new UsageError('run: missing --to TARGET');
  const labels = parseLabelArgs(stringList(values.label));
  const timeout = stringValue(values.timeout);
  const timeoutMs = timeout === undefined ? DEFAULT_TIMEOUT_MS : parseSeconds('--timeout', timeout);
  const job = stringValue(values.job) ?? basename(command).replace(/\.[^.]*$/, '');
  if (job === '') throw new UsageError('run: --job must not be empty');
  const prefix = metricPrefix(job);

  // Filled in when the command has ended; the pushers only collect after that.
  let snapshot: Snapshot | undefined = undefined;
  const pending = preparePush(targets, {
    source: { collect: () => snapshot! },
    timeoutMs,
    job,
  });

  const startedAt = performance.now();
  const end = await runChild(command, commandArgs);
  const durationSeconds = (performance.now() - startedAt) / 1000;
  const endedAt = Date.now();

  let outcome: Outcome;
  let exitCode: number;
  if (end.error !== undefined) {
    // What a shell answers: 127 command not found, 126 found but not executable.
    exitCode = end.error.code === 'ENOENT' ? 127 : 126;
    process.stderr.write(errorLine(`run: cannot run ${JSON.stringify(command)}: ${end.error.message}`) + '\n');
    outcome = { code: exitCode };
  } else if (end.signal !== null) {
    exitCode = signalExitCode(end.signal);
    outcome = { signal: end.signal };
  } else {
    exitCode = end.code ?? 1;
    outcome = { code: exitCode };
  }

  const gauge = (suffix: string, value: number, help: string): PushSample => ({
    name: `${prefix}_${suffix}`,
    labels: [],
    value,
    type: 'gauge',
    help,
    where: 'run',
  });
  const samples = [
    gauge('duration_seconds', durationSeconds, 'How long the last run of the job took.'),
    gauge('exit_code', exitCode, 'Exit status of the last run of the job (128+n when killed by signal n).'),
    gauge('last_run_timestamp_seconds', endedAt / 1000, 'When the last run of the job ended, in Unix time.'),
  ];
  if (exitCode === 0) {
    samples.push(
      gauge('last_success_timestamp_seconds', endedAt / 1000, 'When the last successful run of the job ended.'),
    );
  }
  snapshot = snapshotOf(samples, labels, endedAt);
  await pushUnlessInterrupted(pending.push());
  return outcome;
}

/**
 * Spawns the command with inherited stdio and forwards our termination signals to it until it
 * exits. Resolves when it exits, or at once when it cannot be started.
 */
function runChild(command: string, args: readonly string[]): Promise<ChildEnd> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    for (const signal of FORWARDED) process.on(signal, forward);
    const done = (end: ChildEnd): void => {
      for (const signal of FORWARDED) process.removeListener(signal, forward);
      resolve(end);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      // 'error' also reports a failed kill(); only a child that never started ends here.
      if (child.pid === undefined) done({ code: null, signal: null, error });
    });
    child.once('exit', (code, signal) => done({ code, signal }));
  });
}

/**
 * Waits for the final push, unless a termination signal arrives meanwhile: the job is over, so
 * whoever sends it wants us gone now, not after the push's timeout.
 */
async function pushUnlessInterrupted(push: Promise<number>): Promise<void> {
  const listeners = FORWARDED.map((signal) => {
    const listener = (): void => {
      for (const [s, l] of listeners) process.removeListener(s, l);
      process.kill(process.pid, signal);
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  try {
    await push;
  } finally {
    for (const [signal, listener] of listeners) process.removeListener(signal, listener);
  }
}

/** The job name as the start of a metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
export function metricPrefix(job: string): string {
  const cleaned = job.replace(/[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}
