// Etsy statsd 0.9.0 (npm dev dependency) for the e2e tests.
//
// statsd is started as `node <statsd>/stats.js <config>` with a Node IPC channel. Its config
// (a JS object literal, which statsd evals) loads one backend module that the harness writes into
// the temp dir. That backend:
// - sends every flush to this process over IPC, as one JSON message, so tests wait for flush
//   *events* instead of polling files or the management port;
// - prints `ppc-e2e backend: listeners bound` once statsd's UDP and TCP sockets are bound.
//
// Ready lines: statsd's own `server is up` (verified by hand: `24 Nov 04:07:24 - server is up INFO`)
// is printed right after statsd *calls* bind()/listen(), which complete asynchronously, so on
// its own it would race with our first datagram. The backend's line comes after both sockets'
// 'listening' events; we wait for both lines.
//
// Settings: flushInterval 200 ms; deleteIdleStats (idle counters, timers, sets and gauges are not
// re-sent as 0 or as the last value); dumpMessages (each received line is logged, which helps when
// a test fails); percentThreshold [90].
import type { ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerProcess } from './process.js';
import { startInTempDir, startProcess, stopInTempDir } from './process.js';
import { freePorts, LOOPBACK } from './ports.js';
import { serverPath } from './require-server.js';

export const STATSD_FLUSH_MS = 200;

/** One statsd flush as the backend received it (statsd's own `statsd.*` keys included). */
export interface StatsdFlush {
  /** Unix seconds. */
  readonly timestamp: number;
  readonly counters: Readonly<Record<string, number>>;
  readonly counter_rates: Readonly<Record<string, number>>;
  readonly gauges: Readonly<Record<string, number>>;
  /** Raw timer values of this flush, sorted ascending. */
  readonly timers: Readonly<Record<string, readonly number[]>>;
  readonly timer_data: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly sets: Readonly<Record<string, readonly string[]>>;
}

/** What a run of flushes adds up to. */
export interface StatsdTotals {
  /** Summed over the flushes (a burst may be split across two flushes). */
  readonly counters: Readonly<Record<string, number>>;
  /** The last value each gauge was flushed with. */
  readonly gauges: Readonly<Record<string, number>>;
  /** All timer values of all flushes, sorted ascending. */
  readonly timers: Readonly<Record<string, readonly number[]>>;
  /** Union of set members, sorted. */
  readonly sets: Readonly<Record<string, readonly string[]>>;
  /** Sum of statsd's own `statsd.bad_lines_seen`. */
  readonly badLines: number;
  /** Sum of statsd's own `statsd.metrics_received` (lines received, bad ones included). */
  readonly metricsReceived: number;
  readonly flushes: readonly StatsdFlush[];
}

/** Flushes from the moment the window was opened. */
export interface StatsdWindow {
  /**
   * Resolves once the flushes in this window account for at least `lines` received metric lines
   * (statsd counts each non-empty line it receives, before parsing, in `statsd.metrics_received`).
   * Rejects after `timeoutMs` with what was seen and statsd's last output.
   */
  received(lines: number, timeoutMs?: number): Promise<StatsdTotals>;
  totals(): StatsdTotals;
}

export interface Statsd {
  readonly udpPort: number;
  /** Newline-delimited TCP listener. */
  readonly tcpPort: number;
  readonly mgmtPort: number;
  readonly process: ServerProcess;
  /** Every flush since start. */
  readonly flushes: readonly StatsdFlush[];
  /** `statsd.bad_lines_seen` summed over every flush since start. */
  badLinesSeen(): number;
  /** Opens a window: send lines after this, then `await window.received(n)`. */
  window(): StatsdWindow;
  stop(): Promise<void>;
}

/** Keys statsd adds itself; excluded from the totals' counters and gauges. */
export const isStatsdInternal = (key: string) => key.startsWith('statsd.');

// CommonJS, loaded by statsd with require(); no dependencies. Keep it ES2018-simple.
const BACKEND_SOURCE = `'use strict';
// Written by the prometheus-push-client e2e harness (test/e2e/harness/statsd.ts).
exports.init = function (startupTime, config, events) {
  function send(message) {
    if (!process.connected) return;
    try { process.send(JSON.stringify(message)); } catch (e) { /* channel closing */ }
  }
  // Runs before statsd clears its counters: statsd registers its clearing listener later.
  events.on('flush', function (timestamp, metrics) {
    var sets = {};
    Object.keys(metrics.sets).forEach(function (k) { sets[k] = metrics.sets[k].values(); });
    send({ type: 'flush', flush: {
      timestamp: timestamp, counters: metrics.counters, counter_rates: metrics.counter_rates,
      gauges: metrics.gauges, timers: metrics.timers, timer_data: metrics.timer_data, sets: sets } });
  });
  // statsd's server modules keep their socket in exports.server (same module instances as statsd's).
  var sockets = config.ppcE2e.serverModules.map(function (m) { return require(m).server; });
  var pending = sockets.length;
  function bound() { if (--pending === 0) console.log('ppc-e2e backend: listeners bound'); }
  sockets.forEach(function (s) {
    var isBound = typeof s.listening === 'boolean' ? s.listening : (function () {
      try { s.address(); return true; } catch (e) { return false; }
    })();
    if (isBound) bound(); else s.once('listening', bound);
  });
  return true;
};
`;

function sumTotals(flushes: readonly StatsdFlush[]): StatsdTotals {
  const counters: Record<string, number> = {};
  const gauges: Record<string, number> = {};
  const timers: Record<string, number[]> = {};
  const sets: Record<string, Set<string>> = {};
  let badLines = 0;
  let metricsReceived = 0;
  for (const flush of flushes) {
    for (const [key, value] of Object.entries(flush.counters)) {
      if (key === 'statsd.bad_lines_seen') badLines += value;
      else if (key === 'statsd.metrics_received') metricsReceived += value;
      if (!isStatsdInternal(key)) counters[key] = (counters[key] ?? 0) + value;
    }
    for (const [key, value] of Object.entries(flush.gauges)) if (!isStatsdInternal(key)) gauges[key] = value;
    for (const [key, values] of Object.entries(flush.timers)) (timers[key] ??= []).push(...values);
    for (const [key, members] of Object.entries(flush.sets)) {
      const set = (sets[key] ??= new Set());
      for (const m of members) set.add(m);
    }
  }
  for (const values of Object.values(timers)) values.sort((a, b) => a - b);
  const setArrays = Object.fromEntries(Object.entries(sets).map(([k, v]) => [k, [...v].sort()]));
  return { counters, gauges, timers, sets: setArrays, badLines, metricsReceived, flushes: [...flushes] };
}

export function startStatsd(): Promise<Statsd> {
  const statsdDir = serverPath('statsd');
  return startInTempDir('statsd', async (dir) => {
    const [udpPort, tcpPort, mgmtPort] = await freePorts(['udp', 'tcp', 'tcp']);
    if (udpPort === undefined || tcpPort === undefined || mgmtPort === undefined) {
      throw new Error('port allocation failed');
    }
    const backend = join(dir, 'ppc-e2e-backend.cjs');
    await writeFile(backend, BACKEND_SOURCE);
    const configFile = join(dir, 'config.js');
    const config = {
      servers: [
        { server: './servers/udp', address: LOOPBACK, port: udpPort },
        { server: './servers/tcp', address: LOOPBACK, port: tcpPort },
      ],
      mgmt_address: LOOPBACK,
      mgmt_port: mgmtPort,
      flushInterval: STATSD_FLUSH_MS,
      deleteIdleStats: true,
      dumpMessages: true,
      percentThreshold: [90],
      backends: [backend],
      // Read by our backend only; the same files statsd require()s for './servers/udp' etc.
      ppcE2e: { serverModules: [join(statsdDir, 'servers', 'udp.js'), join(statsdDir, 'servers', 'tcp.js')] },
    };
    await writeFile(configFile, JSON.stringify(config, null, 2));

    const flushes: StatsdFlush[] = [];
    const listeners = new Set<() => void>();
    const proc = await startProcess({
      name: 'statsd',
      command: process.execPath,
      cwd: dir,
      args: [join(statsdDir, 'stats.js'), configFile],
      ipc: true,
      ready: [/server is up/, /ppc-e2e backend: listeners bound/],
    });
    attachFlushes(proc.child, flushes, listeners);

    return {
      udpPort,
      tcpPort,
      mgmtPort,
      process: proc,
      flushes,
      badLinesSeen: () => sumTotals(flushes).badLines,
      window() {
        const start = flushes.length;
        const totals = () => sumTotals(flushes.slice(start));
        return {
          totals,
          received(lines, timeoutMs = 5_000) {
            return new Promise<StatsdTotals>((resolve, reject) => {
              const check = () => {
                const t = totals();
                if (t.metricsReceived < lines) return;
                cleanup();
                resolve(t);
              };
              const timer = setTimeout(() => {
                cleanup();
                const t = totals();
                reject(
                  new Error(
                    `statsd: flushes account for ${t.metricsReceived} of ${lines} lines after ${timeoutMs} ms\n` +
                      `flushes: ${JSON.stringify(t.flushes)}\n--- last output of statsd ---\n${proc.output.text()}`,
                  ),
                );
              }, timeoutMs);
              const cleanup = () => {
                clearTimeout(timer);
                listeners.delete(check);
              };
              listeners.add(check);
              check();
            });
          },
        };
      },
      stop: () => stopInTempDir(proc, dir),
    };
  });
}

function attachFlushes(child: ChildProcess, flushes: StatsdFlush[], listeners: Set<() => void>): void {
  child.on('message', (message: unknown) => {
    if (typeof message !== 'string') return;
    const parsed = JSON.parse(message) as { type: string; flush: StatsdFlush };
    if (parsed.type !== 'flush') return;
    flushes.push(parsed.flush);
    for (const listener of [...listeners]) listener();
  });
}
