// Prometheus Pushgateway (Debian 1.5.1) for the e2e tests.
//
// Flags and why:
// - `--persistence.file=`: the Debian default persists to /var/lib/prometheus; empty keeps
//   everything in memory.
// - `--web.enable-admin-api`: enables PUT /api/v1/admin/wipe, used between tests.
//
// Ready line (verified by hand): `msg="Listening on" address=127.0.0.1:<port>`, logged by the
// exporter-toolkit web server after the socket is bound. Pushes are checked synchronously, so a
// read right after a 200 sees the data; nothing polls.
import type { ServerProcess } from './process.js';
import { startInTempDir, startProcess, stopInTempDir } from './process.js';
import { freePorts, LOOPBACK } from './ports.js';
import { httpExpect } from './net.js';
import { serverPath } from './require-server.js';
import { useServer } from './use-server.js';

/** One metric of a family in /api/v1/metrics; values are strings as the Pushgateway sends them. */
export interface PgwMetric {
  readonly labels: Readonly<Record<string, string>>;
  readonly value?: string;
  readonly buckets?: Readonly<Record<string, string>>;
  readonly quantiles?: Readonly<Record<string, string>>;
  readonly count?: string;
  readonly sum?: string;
}

export interface PgwFamily {
  readonly time_stamp: string;
  readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED' | 'GAUGE_HISTOGRAM';
  readonly help?: string;
  readonly metrics: readonly PgwMetric[];
}

/** One group: its grouping labels and its families (push_time_seconds and friends included). */
export interface PgwGroup {
  readonly labels: Readonly<Record<string, string>>;
  readonly lastPushSuccessful: boolean;
  readonly families: Readonly<Record<string, PgwFamily>>;
}

export interface Pushgateway {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly process: ServerProcess;
  /** Every group, from GET /api/v1/metrics. */
  groups(): Promise<PgwGroup[]>;
  /** The group whose grouping labels are exactly `labels`, or undefined. */
  group(labels: Readonly<Record<string, string>>): Promise<PgwGroup | undefined>;
  /**
   * Deletes every group (PUT /api/v1/admin/wipe, answered 202). The deletes are queued on the
   * Pushgateway's single write queue: a later push waits for its own turn in that queue, so it
   * (and any read after it) sees the wipe done. A read straight after `wipe()` may not.
   */
  wipe(): Promise<void>;
  stop(): Promise<void>;
}

type RawGroup = Record<string, unknown> & { labels: Record<string, string>; last_push_successful: boolean };

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

export function startPushgateway(): Promise<Pushgateway> {
  const bin = serverPath('prometheus-pushgateway');
  return startInTempDir('pgw', async (dir) => {
    // The Pushgateway keeps nothing on disk here; the dir is its working directory only.
    const [port] = await freePorts(['tcp']);
    if (port === undefined) throw new Error('port allocation failed');
    const proc = await startProcess({
      name: 'prometheus-pushgateway',
      command: bin,
      cwd: dir,
      args: [
        `--web.listen-address=${LOOPBACK}:${port}`,
        '--persistence.file=',
        '--web.enable-admin-api',
        '--web.enable-lifecycle',
        '--log.level=info',
      ],
      ready: [/msg="Listening on"/],
    });
    const url = `http://${LOOPBACK}:${port}`;
    const groups = async (): Promise<PgwGroup[]> => {
      const body = JSON.parse(await httpExpect(200, 'GET', `${url}/api/v1/metrics`)) as { data: RawGroup[] };
      return body.data.map((raw) => {
        const families: Record<string, PgwFamily> = {};
        for (const [key, value] of Object.entries(raw)) {
          if (key !== 'labels' && key !== 'last_push_successful') families[key] = value as PgwFamily;
        }
        return { labels: raw.labels, lastPushSuccessful: raw.last_push_successful, families };
      });
    };
    return {
      url,
      process: proc,
      groups,
      async group(labels) {
        return (await groups()).find((g) => sameLabels(g.labels, labels));
      },
      async wipe() {
        await httpExpect(202, 'PUT', `${url}/api/v1/admin/wipe`);
      },
      stop: () => stopInTempDir(proc, dir),
    };
  });
}

/** In the calling describe block: a Pushgateway for its tests (see useServer). */
export function usePushgateway(): () => Pushgateway {
  return useServer('Pushgateway', startPushgateway);
}
