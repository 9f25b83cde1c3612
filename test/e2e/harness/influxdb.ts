// InfluxDB 1.x (Debian 1.6.7) for the e2e tests.
//
// The generated config keeps everything in the temp dir and on loopback, turns off reporting,
// monitoring storage, retention, shard pre-creation and continuous queries, uses the in-memory
// index, and enables one UDP listener writing into database `udp` with batch-size 1 and a 10 ms
// batch timeout (the default 1 s would delay UDP points by up to a second).
//
// Ready lines (verified by hand): `msg="Listening on HTTP" ... addr=127.0.0.1:<port>` and
// `msg="Started listening on UDP" ... addr=127.0.0.1:<port>`, each logged after its socket is
// bound. After ready we create the databases over HTTP (`CREATE DATABASE` is synchronous).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerProcess } from './process.js';
import { startInTempDir, startProcess, stopInTempDir } from './process.js';
import { freePorts, LOOPBACK } from './ports.js';
import { httpExpect, httpRequest } from './net.js';
import type { HttpResponse } from './net.js';
import { serverPath } from './require-server.js';

/** One series of a /query answer (`epoch=ms`, so time is a number). */
export interface InfluxSeries {
  readonly name: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly columns: readonly string[];
  readonly values: readonly (readonly (string | number | boolean | null)[])[];
}

export interface InfluxDB {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** UDP line-protocol listener; its points go into database `udpDatabase`. */
  readonly udpPort: number;
  /** Database created for HTTP writes. */
  readonly database: string;
  readonly udpDatabase: string;
  readonly process: ServerProcess;
  /** POST /write?db=…[&precision=…]; returns the raw response (204 on success). */
  write(db: string, body: string, precision?: 'ns' | 'u' | 'ms' | 's'): Promise<HttpResponse>;
  /** GET /query?db=…&q=…&epoch=ms; the series of the first statement ([] when none). */
  query(db: string, q: string): Promise<InfluxSeries[]>;
  /**
   * For UDP writes only: repeats `query` until `done(result)` (default: at least one row) and
   * returns that result, or the last one after ~3 s (bounded; see the comment inside).
   */
  queryWhenIngested(db: string, q: string, done?: (series: InfluxSeries[]) => boolean): Promise<InfluxSeries[]>;
  stop(): Promise<void>;
}

/** Rows in a /query result, over all its series. */
export function rowCount(series: readonly InfluxSeries[]): number {
  return series.reduce((n, s) => n + s.values.length, 0);
}

function config(dir: string, rpcPort: number, httpPort: number, udpPort: number): string {
  return `reporting-disabled = true
bind-address = "${LOOPBACK}:${rpcPort}"

[meta]
  dir = "${join(dir, 'meta')}"

[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  index-version = "inmem"
  cache-max-memory-size = 67108864
  query-log-enabled = false

[retention]
  enabled = false

[shard-precreation]
  enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "${LOOPBACK}:${httpPort}"
  auth-enabled = false
  log-enabled = false

[[udp]]
  enabled = true
  bind-address = "${LOOPBACK}:${udpPort}"
  database = "udp"
  batch-size = 1
  batch-timeout = "10ms"

[continuous_queries]
  enabled = false
`;
}

export function startInfluxDB(): Promise<InfluxDB> {
  const bin = serverPath('influxdb');
  return startInTempDir('influx', async (dir) => {
    const [rpcPort, httpPort, udpPort] = await freePorts(['tcp', 'tcp', 'udp']);
    if (rpcPort === undefined || httpPort === undefined || udpPort === undefined) {
      throw new Error('port allocation failed');
    }
    const configFile = join(dir, 'influxdb.conf');
    await writeFile(configFile, config(dir, rpcPort, httpPort, udpPort));
    const proc = await startProcess({
      name: 'influxdb',
      command: bin,
      cwd: dir,
      args: ['-config', configFile],
      ready: [/msg="Listening on HTTP"/, /msg="Started listening on UDP"/],
    });
    const url = `http://${LOOPBACK}:${httpPort}`;
    const query = async (db: string, q: string): Promise<InfluxSeries[]> => {
      const params = `db=${encodeURIComponent(db)}&q=${encodeURIComponent(q)}&epoch=ms`;
      const body = JSON.parse(await httpExpect(200, 'GET', `${url}/query?${params}`)) as {
        results: { statement_id: number; series?: InfluxSeries[]; error?: string }[];
      };
      const first = body.results[0];
      if (first?.error !== undefined) throw new Error(`influx query ${q}: ${first.error}`);
      return first?.series ?? [];
    };
    try {
      for (const db of ['e2e', 'udp']) {
        await httpExpect(200, 'POST', `${url}/query?q=${encodeURIComponent(`CREATE DATABASE "${db}"`)}`);
      }
    } catch (err) {
      await proc.stop();
      throw err;
    }
    return {
      url,
      udpPort,
      database: 'e2e',
      udpDatabase: 'udp',
      process: proc,
      write(db, body, precision) {
        const p = precision === undefined ? '' : `&precision=${precision}`;
        return httpRequest('POST', `${url}/write?db=${encodeURIComponent(db)}${p}`, { body });
      },
      query,
      async queryWhenIngested(db, q, done = (series) => rowCount(series) > 0) {
        // Polling, deliberately and only here: a UDP point has no reply, and InfluxDB hands it
        // to a batcher that writes it after the 10 ms batch timeout (measured 50–70 ms to
        // visibility), with no event we could wait for. Re-query every 10 ms for at most ~3 s.
        let series: InfluxSeries[] = [];
        for (let round = 0; round < 300; round++) {
          if (round > 0) await new Promise((resolve) => setTimeout(resolve, 10));
          series = await query(db, q);
          if (done(series)) return series;
        }
        return series;
      },
      stop: () => stopInTempDir(proc, dir),
    };
  });
}
