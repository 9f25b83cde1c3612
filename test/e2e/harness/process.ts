// Starting and stopping one real server process.
//
// Readiness is event-driven: we read the server's stdout and stderr line by line and resolve as
// soon as every one of its "ready" log lines has appeared. There is no polling and no sleeping.
// If the process exits first, or the overall timeout passes, start fails with the last lines the
// server printed, so a CI log shows why. Output is always drained (a full pipe would block the
// server) and the last lines are kept in a ring buffer for those messages.
//
// Stopping is by pid: SIGTERM, then SIGKILL if it has not exited within a bound, and we wait for
// the 'exit' event. As a safety net every live server is SIGKILLed (and its temp dir removed) when
// the test process exits or is interrupted, so a crashed or killed test file never leaves servers
// running.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Overall time a server may take to print its ready lines (they take 0.1–0.8 s when healthy). */
export const START_TIMEOUT_MS = Number(process.env['PPC_E2E_START_TIMEOUT_MS'] ?? 20_000);
/** Time between SIGTERM and SIGKILL when stopping. */
export const STOP_GRACE_MS = 5_000;

const RING_LINES = 300;
const MAX_LINE_CHARS = 2_000;

/** Keeps the last `RING_LINES` lines of a server's output. */
export class RingBuffer {
  private readonly lines: string[] = [];
  private dropped = 0;

  push(line: string): void {
    this.lines.push(line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line);
    if (this.lines.length > RING_LINES) {
      this.lines.shift();
      this.dropped++;
    }
  }

  text(): string {
    const head = this.dropped > 0 ? `[… ${this.dropped} earlier lines dropped]\n` : '';
    return head + this.lines.join('\n');
  }
}

/** Raised when a server does not become ready; `portInUse` marks a lost port race (retryable). */
export class ServerStartError extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
    this.name = 'ServerStartError';
  }
}

const PORT_IN_USE = /address already in use|EADDRINUSE/i;

export interface ProcessSpec {
  /** Short name used in messages, e.g. `victoria-metrics`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  /** Each pattern must match one line of stdout or stderr before the server counts as ready. */
  readonly ready: readonly RegExp[];
  readonly timeoutMs?: number;
  /** Open a Node IPC channel as fd 3 (only for Node children such as statsd). */
  readonly ipc?: boolean;
}

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let safetyNetInstalled = false;

/** How many servers started by this process are still running (for the harness' own tests). */
export function liveServerCount(): number {
  return live.size;
}

function killAllLive(): void {
  for (const child of live) {
    try {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  live.clear();
  for (const dir of tempDirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort: a just-killed server may still hold files open
    }
  }
  tempDirs.clear();
}

function installSafetyNet(): void {
  if (safetyNetInstalled) return;
  safetyNetInstalled = true;
  process.on('exit', killAllLive);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // Kill our servers, then die from the same signal as we would have without this handler.
    process.once(signal, () => {
      killAllLive();
      process.kill(process.pid, signal);
    });
  }
}

export class ServerProcess {
  readonly output = new RingBuffer();
  private readonly lineListeners = new Set<(line: string) => void>();
  private readonly exitPromise: Promise<void>;
  private exitInfo: string | undefined;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
        live.delete(child);
        resolve();
      });
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid`);
    return this.child.pid;
  }

  /** `undefined` while running, otherwise how it ended. */
  get exited(): string | undefined {
    return this.exitInfo;
  }

  /** Calls `listener` with every later line of stdout or stderr; returns the unsubscribe function. */
  onLine(listener: (line: string) => void): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  /**
   * Resolves with the first line matching `re` printed after this call (subscribe *before*
   * triggering the line). Rejects after `timeoutMs` or when the process exits, with its output.
   */
  waitForLine(re: RegExp, timeoutMs = 5_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const stop = () => {
        clearTimeout(timer);
        unsubscribe();
      };
      const timer = setTimeout(() => {
        stop();
        reject(new Error(`${this.name}: no line matching ${re} within ${timeoutMs} ms\n${this.output.text()}`));
      }, timeoutMs);
      const unsubscribe = this.onLine((line) => {
        if (!re.test(line)) return;
        stop();
        resolve(line);
      });
      void this.exitPromise.then(() => {
        stop();
        reject(
          new Error(`${this.name} exited (${this.exitInfo ?? '?'}) while waiting for ${re}\n${this.output.text()}`),
        );
      });
    });
  }

  /** @internal Feeds one output line to the ring buffer and the listeners. */
  pushLine(line: string): void {
    this.output.push(line);
    for (const listener of [...this.lineListeners]) listener(line);
  }

  /** Resolves when the process has exited (for any reason). */
  whenExited(): Promise<void> {
    return this.exitPromise;
  }

  /** SIGTERM by pid, SIGKILL after `graceMs`, resolves once the process has exited. Idempotent. */
  async stop(graceMs: number = STOP_GRACE_MS): Promise<void> {
    if (this.exitInfo !== undefined || this.child.pid === undefined) return;
    const pid = this.child.pid;
    const signal = (sig: NodeJS.Signals) => {
      try {
        process.kill(pid, sig);
      } catch {
        // exited in between
      }
    };
    signal('SIGTERM');
    const killer = setTimeout(() => signal('SIGKILL'), graceMs);
    try {
      await this.exitPromise;
    } finally {
      clearTimeout(killer);
    }
  }
}

function onLines(stream: NodeJS.ReadableStream | null, handle: (line: string) => void): void {
  if (stream === null) return;
  let partial = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const part of parts) handle(part.endsWith('\r') ? part.slice(0, -1) : part);
  });
  stream.on('end', () => {
    if (partial.length > 0) handle(partial);
    partial = '';
  });
}

/**
 * Spawns the server and resolves once all of `spec.ready` matched. On failure the process is
 * stopped and a `ServerStartError` carries the captured output.
 */
export async function startProcess(spec: ProcessSpec): Promise<ServerProcess> {
  installSafetyNet();
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    stdio: spec.ipc === true ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  const server = new ServerProcess(spec.name, child);
  if (child.pid !== undefined) live.add(child);

  const pending = [...spec.ready];
  const timeoutMs = spec.timeoutMs ?? START_TIMEOUT_MS;
  const fail = (reason: string) => {
    const out = server.output.text();
    return new ServerStartError(
      `${spec.name} did not become ready: ${reason}\n` +
        `command: ${spec.command} ${spec.args.join(' ')}\n` +
        `--- last output of ${spec.name} ---\n${out}\n--- end of output ---`,
      PORT_IN_USE.test(out),
    );
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(fail(`no ready line within ${timeoutMs} ms`)), timeoutMs);
      const done = (err?: Error) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const handle = (line: string) => {
        server.pushLine(line);
        if (pending.length === 0) return;
        const i = pending.findIndex((re) => re.test(line));
        if (i >= 0) pending.splice(i, 1);
        if (pending.length === 0) done();
      };
      onLines(child.stdout, handle);
      onLines(child.stderr, handle);
      child.once('error', (err) => done(fail(`spawn failed: ${err.message}`)));
      // 'close' (not 'exit') so the output of a crashing server has been read in full.
      child.once('close', (code, sig) => {
        if (pending.length > 0) done(fail(`exited early (${sig === null ? `exit code ${String(code)}` : sig})`));
      });
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  return server;
}

/**
 * Runs `start` again (with fresh ports, which `start` must allocate itself) when a server lost
 * the race for its port between our probe and its own bind.
 */
export async function startWithPortRetry<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (!(err instanceof ServerStartError) || !err.portInUse || attempt >= attempts) throw err;
    }
  }
}

/**
 * Starts a server with its data and config in a fresh temp dir (`server` names it), retrying on a
 * lost port race like `startWithPortRetry`. When `start` fails the dir is removed; on success the
 * handle owns it (see `stopInTempDir`).
 */
export function startInTempDir<T>(server: string, start: (dir: string) => Promise<T>): Promise<T> {
  return startWithPortRetry(async () => {
    const dir = await makeTempDir(server);
    try {
      return await start(dir);
    } catch (err) {
      await removeTempDir(dir);
      throw err;
    }
  });
}

/** Stops a server started by `startInTempDir`, then removes its temp dir even if stopping failed. */
export async function stopInTempDir(proc: ServerProcess, dir: string): Promise<void> {
  try {
    await proc.stop();
  } finally {
    await removeTempDir(dir);
  }
}

/** A fresh directory under the OS temp dir for one server's data and config. */
export async function makeTempDir(server: string): Promise<string> {
  installSafetyNet();
  const dir = await mkdtemp(join(tmpdir(), `ppc-e2e-${server}-`));
  tempDirs.add(dir);
  return dir;
}

export async function removeTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  tempDirs.delete(dir);
}
