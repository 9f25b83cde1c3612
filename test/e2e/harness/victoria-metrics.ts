// VictoriaMetrics single-node (Debian 1.79.5) for the e2e tests.
//
// Flags and why:
// - `-retentionPeriod=100y`: with the default one month, rows outside retention are dropped
//   silently (the write still answers 204).
// - `-search.latencyOffset=0s -search.disableCache`: less read-after-write lag (not enough alone,
//   see `sync()`).
// - `-http.maxGracefulShutdownDuration=1s`: SIGTERM exits in about 0.2 s instead of up to 7 s.
// - `-memory.allowedBytes=64MiB`: small caches for a test box.
//
// Ready lines (verified by hand and in VM's source): VM logs `starting TCP InfluxDB server at`,
// binds TCP, logs `starting UDP InfluxDB server at`, binds UDP, then (main goroutine, later) logs
// `starting http server at http://127.0.0.1:<port>/` and only then binds the HTTP socket. So once
// the HTTP line is out, both Influx listeners are bound, but the HTTP one may be a few
// microseconds away. `start` therefore confirms it with one GET /health, retried only on
// ECONNREFUSED (at most 20 times, 5 ms apart) to close that window. Nothing else polls, except
// `exportWhenIngested` for UDP/TCP ingestion (see there).
//
// Invalid lines are dropped with a 204. VM counts them in `vm_rows_invalid_total{type=...}` on
// /metrics, but serves that page from a cache refreshed at most once a second, so a read right
// after a write shows the old count. Tests therefore watch VM's log for its per-line
// `cannot unmarshal ... line` errors (`takeRejectedLines`, event-driven), and read the counters
// once at the end of a file, when the first read of /metrics is current.
import assert from 'node:assert/strict';
import type { ServerProcess } from './process.js';
import { startInTempDir, startProcess, stopInTempDir } from './process.js';
import { freePorts, LOOPBACK } from './ports.js';
import { httpExpect } from './net.js';
import { serverPath } from './require-server.js';
import { useServer } from './use-server.js';

/** One series from /api/v1/export: its labels (`__name__` included) and raw samples. */
export interface ExportedSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly number[];
  readonly timestamps: readonly number[];
}

export interface VictoriaMetrics {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Influx line protocol over TCP and UDP (same port number for both). */
  readonly influxPort: number;
  readonly process: ServerProcess;
  /**
   * Makes everything written so far visible to reads (the read-after-write recipe): writes one
   * brand-new throw-away series, then GET /internal/force_flush. The fresh series matters: a
   * force_flush that has no new index entries to flush does not reset VM's cache of "no series
   * match this filter" results, which otherwise lives for up to 10 s.
   */
  sync(): Promise<void>;
  /**
   * Raw samples of every series matching the selector, sorted by labels. Passes `end=now+60 s`:
   * the default end is rounded down to the second, hiding samples written this second.
   * Call `sync()` first.
   */
  export(match: string): Promise<ExportedSeries[]>;
  /**
   * For UDP/TCP ingestion only, where nothing tells us when VM has read the datagram: repeats
   * `sync()` + `export()` until `count` series match (bounded; see the comment inside).
   */
  exportWhenIngested(match: string, count: number): Promise<ExportedSeries[]>;
  /**
   * Returns, and forgets, the lines VM rejected since the last call: the text of every
   * `cannot unmarshal <format> line "…"` error it logged (Influx, Prometheus, …). VM drops such
   * lines but still answers 204, so this is how a test notices. Event-driven: we request a unique
   * unsupported path, which VM logs (after every earlier log line) before answering 400, and wait
   * for that log line. Covers HTTP writes that have been answered and UDP/TCP data that has been
   * read back; a datagram VM has not read yet cannot be covered.
   */
  takeRejectedLines(): Promise<string[]>;
  /**
   * VM's own /metrics as a map from series text (e.g. `vm_rows_invalid_total{type="influx"}`)
   * to value. VM regenerates that page at most once a second and serves a cached copy in
   * between, so only a read at least 1 s after the previous one is current; the first read of a
   * server is always current. Read it once, at the end of a file.
   */
  selfMetrics(): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

const SYNC_MARKER = 'ppc_e2e_sync_marker';
let syncCounter = 0;

function labelKey(metric: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(metric).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

// VM writes non-finite samples as bare `Inf`, `-Inf` or `NaN` tokens, which JSON.parse rejects.
const VALUES = /"values":\[([^\]]*)\]/;

function parseSampleValue(token: string): number {
  const t = token.trim();
  if (t === 'Inf' || t === '+Inf') return Infinity;
  if (t === '-Inf') return -Infinity;
  if (t === 'NaN') return NaN;
  return Number(t);
}

function parseExportLine(line: string): ExportedSeries {
  const m = VALUES.exec(line);
  if (m === null) return JSON.parse(line) as ExportedSeries;
  const raw = m[1] ?? '';
  const values = raw.trim() === '' ? [] : raw.split(',').map(parseSampleValue);
  const parsed = JSON.parse(line.replace(VALUES, '"values":[]')) as ExportedSeries;
  return { ...parsed, values };
}

/** Parses VM's one-JSON-object-per-line export body, sorted by labels. */
export function parseExport(body: string): ExportedSeries[] {
  return body
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map(parseExportLine)
    .sort((a, b) => {
      const ka = labelKey(a.metric);
      const kb = labelKey(b.metric);
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
}

/** Parses Prometheus text exposition (VM's /metrics) into series text → value. */
export function parseSelfMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

const REJECTED = /cannot unmarshal \w+ line /;
let barrierCounter = 0;

async function confirmListening(url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await httpExpect(200, 'GET', `${url}/health`);
      return;
    } catch (err) {
      const refused = (err as NodeJS.ErrnoException).code === 'ECONNREFUSED';
      if (!refused || attempt >= 20) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

export function startVictoriaMetrics(): Promise<VictoriaMetrics> {
  const bin = serverPath('victoria-metrics');
  return startInTempDir('vm', async (dir) => {
    const [httpPort, influxPort] = await freePorts(['tcp', 'tcp+udp']);
    if (httpPort === undefined || influxPort === undefined) throw new Error('port allocation failed');
    const proc = await startProcess({
      name: 'victoria-metrics',
      command: bin,
      args: [
        `-httpListenAddr=${LOOPBACK}:${httpPort}`,
        `-influxListenAddr=${LOOPBACK}:${influxPort}`,
        `-storageDataPath=${dir}/data`,
        '-retentionPeriod=100y',
        '-memory.allowedBytes=64MiB',
        '-search.latencyOffset=0s',
        '-search.disableCache',
        '-http.maxGracefulShutdownDuration=1s',
        '-loggerLevel=INFO',
      ],
      ready: [
        /starting TCP InfluxDB server at/,
        /starting UDP InfluxDB server at/,
        /starting http server at http:\/\//,
      ],
    });
    const url = `http://${LOOPBACK}:${httpPort}`;
    try {
      await confirmListening(url);
    } catch (err) {
      await proc.stop();
      throw err;
    }
    return makeHandle(url, influxPort, proc, dir);
  });
}

function makeHandle(url: string, influxPort: number, proc: ServerProcess, dir: string): VictoriaMetrics {
  let rejected: string[] = [];
  proc.onLine((line) => {
    if (REJECTED.test(line)) rejected.push(line.slice(line.search(REJECTED)));
  });
  const sync = async () => {
    const marker = `${SYNC_MARKER}{n="${process.pid}_${Date.now()}_${++syncCounter}"} 1\n`;
    await httpExpect(204, 'POST', `${url}/api/v1/import/prometheus`, { body: marker });
    await httpExpect(200, 'GET', `${url}/internal/force_flush`);
  };
  const exportSeries = async (match: string) => {
    const end = Math.floor(Date.now() / 1000) + 60;
    const query = `match[]=${encodeURIComponent(match)}&end=${end}`;
    return parseExport(await httpExpect(200, 'GET', `${url}/api/v1/export?${query}`));
  };
  return {
    url,
    influxPort,
    process: proc,
    sync,
    export: exportSeries,
    async exportWhenIngested(match, count) {
      // Polling, deliberately and only here: a UDP datagram or TCP line has no reply, and VM reads
      // it on its own goroutine, so no event tells us it has been stored. Data sent before this
      // call is normally visible on the first round; each retry is one more sync (a fresh marker
      // + force_flush, which also resets VM's negative-result cache) and export, with a 10 ms
      // pause, for at most ~2 s.
      let series: ExportedSeries[] = [];
      for (let round = 0; round < 100; round++) {
        if (round > 0) await new Promise((resolve) => setTimeout(resolve, 10));
        await sync();
        series = await exportSeries(match);
        if (series.length >= count) return series;
      }
      return series;
    },
    async takeRejectedLines() {
      const token = `ppc-e2e-log-barrier/${process.pid}/${++barrierCounter}`;
      await Promise.all([proc.waitForLine(new RegExp(token)), httpExpect(400, 'GET', `${url}/${token}`)]);
      const out = rejected;
      rejected = [];
      return out;
    },
    async selfMetrics() {
      return parseSelfMetrics(await httpExpect(200, 'GET', `${url}/metrics`));
    },
    stop: () => stopInTempDir(proc, dir),
  };
}

/** Rows of each format VictoriaMetrics may reject during a file (tests that send bad rows raise them). */
export interface ExpectedInvalidRows {
  influx: number;
  prometheus: number;
}

/**
 * In the calling describe block: a VictoriaMetrics for its tests (see useServer). At the end it
 * checks VM's own count of rejected rows against `expectedInvalid` (read then, so a test may
 * raise it). That is the first /metrics read of this server, so it is current: VM serves that
 * page from a cache refreshed at most once a second.
 */
export function useVictoriaMetrics(
  expectedInvalid: Readonly<ExpectedInvalidRows> = { influx: 0, prometheus: 0 },
): () => VictoriaMetrics {
  return useServer('VictoriaMetrics', startVictoriaMetrics, async (vm) => {
    const self = await vm.selfMetrics();
    assert.equal(self.get('vm_rows_invalid_total{type="influx"}'), expectedInvalid.influx);
    assert.equal(self.get('vm_rows_invalid_total{type="prometheus"}'), expectedInvalid.prometheus);
  });
}
