// Runs the command-line tool from source in a real child process (`node --import tsx
// src/cli/main.ts …`), as a user's shell would, and lets a test wait for what it prints and for
// its exit: every wait is on an event (a line, 'exit'), never on time.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));

export interface CliExit {
  /** Exit status, null when the process died by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the first stdout line matching `pattern` (already printed or to come). */
  line(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves with the first stderr line matching `pattern` (already printed or to come). */
  errorLine(pattern: RegExp): Promise<RegExpMatchArray>;
  /** Resolves once stdout holds at least `n` complete lines; returns them all. */
  lines(n: number): Promise<string[]>;
  readonly exited: Promise<CliExit>;
}

export interface CliOptions {
  /** Written to stdin, which is then closed. Default: stdin closed at once (an empty pipe). */
  readonly stdin?: string;
  /** Leave stdin open (the test writes and ends it). */
  readonly keepStdinOpen?: boolean;
}

/** The node binary and arguments that run the CLI from source (for `run -- node …` children too). */
export const NODE = process.execPath;

export function startCli(args: readonly string[], options: CliOptions = {}): CliProcess {
  const child = spawn(NODE, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const check of [...waiters]) check();
  };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    notify();
  });
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    notify();
  });
  let ended = false;
  const exited = new Promise<CliExit>((resolve) => {
    // 'close' rather than 'exit': every byte of stdout and stderr has been read by then.
    child.on('close', (code, signal) => {
      ended = true;
      notify();
      resolve({ code, signal, stdout, stderr });
    });
  });
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  else if (options.keepStdinOpen !== true) child.stdin.end();

  const complete = (text: string = stdout): string[] => {
    const all = text.split('\n');
    all.pop(); // the unterminated rest
    return all;
  };
  const first = (text: string, pattern: RegExp): RegExpMatchArray | undefined =>
    complete(text)
      .map((l) => pattern.exec(l))
      .find((m) => m !== null) ?? undefined;
  const waitFor = <T>(probe: () => T | undefined, what: () => string): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = probe();
        if (found !== undefined) {
          waiters.delete(check);
          resolve(found);
        } else if (ended) {
          waiters.delete(check);
          reject(new Error(`CLI exited before ${what()}; stdout: ${stdout} stderr: ${stderr}`));
        }
      };
      waiters.add(check);
      check();
    });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    line: (pattern) =>
      waitFor(
        () => first(stdout, pattern),
        () => `a line matching ${pattern}`,
      ),
    errorLine: (pattern) =>
      waitFor(
        () => first(stderr, pattern),
        () => `a stderr line matching ${pattern}`,
      ),
    lines: (n) =>
      waitFor(
        () => (complete().length >= n ? complete() : undefined),
        () => `${n} lines`,
      ),
    exited,
  };
}

/** Runs the CLI to its end. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliExit> {
  return startCli(args, options).exited;
}

/** The ports a `listen` child printed (`listening on udp://H:P http://H:P`). */
export async function listeningPorts(cli: CliProcess): Promise<{ udp: number | undefined; http: number | undefined }> {
  const match = await cli.line(/^listening on (.*)$/);
  const text = match[1] ?? '';
  const port = (scheme: string): number | undefined => {
    const found = new RegExp(`${scheme}://[^ ]*:(\\d+)`).exec(text)?.[1];
    return found === undefined ? undefined : Number(found);
  };
  return { udp: port('udp'), http: port('http') };
}
