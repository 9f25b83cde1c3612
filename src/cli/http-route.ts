// Which receiver an HTTP request to `listen` is meant for, from its method, path and content
// type, with the paths and answers of the real servers (PROTOCOLS §1):
//   /write, /api/v2/write, /influx/write, /influx/api/v2/write   Influx line protocol   204
//   …/metrics/job/<job>{/<k>/<v>}                                 Pushgateway             200 (DELETE 202)
//   /api/v1/import/prometheus                                     Prometheus text import  204
//   /api/v1/write, /api/v1/push, /api/prom/push                   remote write            204
// A text body is OpenMetrics when its Content-Type says so. `/ping`, `/health`, `/-/healthy`
// and `/-/ready` answer the health checks clients and load balancers make.
import type { InfluxPrecision } from '../encoding/influx-line.js';
import { GroupingPathError, parseGrouping } from './decode/grouping-path.js';
import type { Grouping } from './decode/grouping-path.js';

export type Route =
  | { readonly kind: 'influx'; readonly precision: InfluxPrecision }
  | { readonly kind: 'pushgateway'; readonly grouping: Grouping; readonly openMetrics: boolean }
  | { readonly kind: 'text'; readonly openMetrics: boolean }
  | { readonly kind: 'remote-write' }
  /** Answer at once with this status, decode nothing; `notice` tells the user why, if anything. */
  | { readonly kind: 'reply'; readonly status: number; readonly body: string; readonly notice?: string };

const INFLUX_PATHS = new Set(['/write', '/api/v2/write', '/influx/write', '/influx/api/v2/write']);
const IMPORT_PATHS = new Set(['/api/v1/import/prometheus']);
const REMOTE_WRITE_PATHS = new Set(['/api/v1/write', '/api/v1/push', '/api/prom/push']);
const HEALTH_PATHS = new Map([
  ['/ping', 204],
  ['/health', 200],
  ['/-/healthy', 200],
  ['/-/ready', 200],
]);
const PRECISIONS: Readonly<Record<string, InfluxPrecision>> = {
  n: 'ns',
  ns: 'ns',
  u: 'us',
  us: 'us',
  ms: 'ms',
  s: 's',
};
const PUSHGATEWAY_PATH = /\/metrics\/(job(?:@base64)?\/.*)$/;

export function routeRequest(method: string, rawUrl: string, contentType: string | undefined): Route {
  const url = new URL(rawUrl, 'http://listen.invalid');
  const path = url.pathname;
  const openMetrics = /application\/openmetrics-text/i.test(contentType ?? '');
  const where = `${method} ${path}`;

  const health = HEALTH_PATHS.get(path);
  if (health !== undefined && (method === 'GET' || method === 'HEAD')) {
    return { kind: 'reply', status: health, body: health === 204 ? '' : 'OK' };
  }
  const pushgateway = PUSHGATEWAY_PATH.exec(path);
  if (pushgateway !== null) {
    let grouping: Grouping;
    try {
      grouping = parseGrouping(pushgateway[1]!.split('/'));
    } catch (error) {
      if (!(error instanceof GroupingPathError)) throw error;
      return { kind: 'reply', status: 400, body: error.message, notice: `pushgateway: ${where}: ${error.message}` };
    }
    if (method === 'DELETE') {
      return { kind: 'reply', status: 202, body: '', notice: `pushgateway: DELETE group ${describe(grouping)}` };
    }
    if (method !== 'PUT' && method !== 'POST') return methodNotAllowed(where);
    return { kind: 'pushgateway', grouping, openMetrics };
  }
  const known = INFLUX_PATHS.has(path) || IMPORT_PATHS.has(path) || REMOTE_WRITE_PATHS.has(path);
  if (!known) return { kind: 'reply', status: 404, body: 'not found', notice: `no receiver for ${where}` };
  if (method !== 'POST' && method !== 'PUT') return methodNotAllowed(where);
  if (INFLUX_PATHS.has(path)) {
    return { kind: 'influx', precision: PRECISIONS[url.searchParams.get('precision') ?? 'ns'] ?? 'ns' };
  }
  if (REMOTE_WRITE_PATHS.has(path)) return { kind: 'remote-write' };
  return { kind: 'text', openMetrics };
}

function methodNotAllowed(where: string): Route {
  return { kind: 'reply', status: 405, body: 'method not allowed', notice: `method not allowed: ${where}` };
}

function describe(grouping: Grouping): string {
  const pairs = [['job', grouping.job] as const, ...grouping.labels];
  return `{${pairs.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}
