// Prometheus (Debian 2.42.0) as a remote-write receiver for the e2e tests.
//
// Flags and why:
// - `--web.enable-remote-write-receiver`: accepts POST /api/v1/write (protobuf + snappy block).
// - `--storage.tsdb.retention.time=1d`, data in the temp dir.
// - The config scrapes nothing (`scrape_configs: []`) unless `scrapePushgateway` is given, then one
//   job with `honor_labels: true` every second. Note: Prometheus' first scrape after start can
//   take 3–5 s (its scrape manager throttles the first target update).
//
// Ready lines (verified by hand): `msg="Listening on" address=127.0.0.1:<port>` (exporter-toolkit,
// logged after the socket is bound) and `msg="Server is ready to receive web requests."` (TSDB
// open and config loaded). Both are needed: they come from different goroutines in either order.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerProcess } from './process.js';
import { startInTempDir, startProcess, stopInTempDir } from './process.js';
import { freePorts, LOOPBACK } from './ports.js';
import { httpExpect } from './net.js';
import { serverPath } from './require-server.js';

export interface PromSample {
  readonly metric: Readonly<Record<string, string>>;
  /** [unix seconds, value as a string] */
  readonly value: readonly [number, string];
}

export interface Prometheus {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly process: ServerProcess;
  /**
   * Instant query at `timeSec` (unix seconds; pass it explicitly, e.g. the sample's own time,
   * so the answer does not depend on the wall clock). Returns the vector, throws on a non-vector.
   */
  query(expr: string, timeSec: number): Promise<PromSample[]>;
  stop(): Promise<void>;
}

export interface PrometheusOptions {
  /** `host:port` of a Pushgateway to scrape every second with honor_labels. */
  readonly scrapePushgateway?: string;
}

function config(options: PrometheusOptions): string {
  const scrape =
    options.scrapePushgateway === undefined
      ? 'scrape_configs: []\n'
      : 'scrape_configs:\n' +
        '  - job_name: pushgateway\n' +
        '    honor_labels: true\n' +
        '    static_configs:\n' +
        `      - targets: ['${options.scrapePushgateway}']\n`;
  return 'global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n' + scrape;
}

export function startPrometheus(options: PrometheusOptions = {}): Promise<Prometheus> {
  const bin = serverPath('prometheus');
  return startInTempDir('prom', async (dir) => {
    const [port] = await freePorts(['tcp']);
    if (port === undefined) throw new Error('port allocation failed');
    const configFile = join(dir, 'prometheus.yml');
    await writeFile(configFile, config(options));
    const proc = await startProcess({
      name: 'prometheus',
      command: bin,
      cwd: dir,
      args: [
        `--config.file=${configFile}`,
        `--web.listen-address=${LOOPBACK}:${port}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        '--storage.tsdb.retention.time=1d',
        '--web.enable-remote-write-receiver',
        '--web.enable-admin-api',
        '--web.enable-lifecycle',
        '--log.level=info',
      ],
      ready: [/msg="Listening on"/, /msg="Server is ready to receive web requests\."/],
    });
    const url = `http://${LOOPBACK}:${port}`;
    return {
      url,
      process: proc,
      async query(expr, timeSec) {
        const q = `query=${encodeURIComponent(expr)}&time=${timeSec}`;
        const body = JSON.parse(await httpExpect(200, 'GET', `${url}/api/v1/query?${q}`)) as {
          data: { resultType: string; result: PromSample[] };
        };
        if (body.data.resultType !== 'vector') throw new Error(`expected a vector, got ${body.data.resultType}`);
        return body.data.result;
      },
      stop: () => stopInTempDir(proc, dir),
    };
  });
}
