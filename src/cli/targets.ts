// `--to TARGET`: a URL-like string naming the wire format and the transport in its scheme, read
// into a small typed description. Nothing here opens a socket: connect.ts turns a Target into a
// pusher. Client-side options go in the fragment (`#gzip&method=PUT`), so the query string stays
// the server's (`/write?db=x`). Userinfo becomes HTTP auth (`user:pass@` basic, `:token@`
// bearer) and never appears in `display`.
//
//   influx+udp://host[:8089]                       Influx line protocol over UDP     #flavor=
//   influx+http(s)://host:port[/write?db=x]        Influx line protocol over HTTP    #flavor= #gzip
//   statsd://host[:8125]                           StatsD over UDP                   #tags= #prefix=
//   pushgateway+http(s)://host:port/job/<job>[/<label>/<value>…]
//                                                  Prometheus text, Pushgateway API  #method= #gzip
//   prom+http(s)://host:port[/api/v1/import/prometheus]
//                                                  Prometheus text (or OpenMetrics) import
//                                                                                    #format= #method= #gzip
//   remote-write+http(s)://host:port[/api/v1/write]  Prometheus remote write 1.0
import type { InfluxFlavor } from '../encoding/influx-line.js';
import type { StatsdTagStyle } from '../encoding/statsd.js';
import { redactUrl } from '../redact.js';
import type { HttpAuth } from '../transport/http.js';
import { GroupingPathError, parseGrouping } from './decode/grouping-path.js';
import { UsageError } from './usage-error.js';

interface TargetBase {
  /** The target as given, with credentials removed: safe to print. */
  readonly display: string;
}

interface UdpTarget extends TargetBase {
  readonly host: string;
  readonly port: number;
}

interface HttpTarget extends TargetBase {
  /** The http(s) URL to send to, without userinfo (credentials are in `auth`). */
  readonly url: string;
  readonly auth: HttpAuth | undefined;
  readonly gzip: boolean;
}

export interface InfluxUdpTarget extends UdpTarget {
  readonly kind: 'influx-udp';
  readonly flavor: InfluxFlavor;
}

export interface StatsdTarget extends UdpTarget {
  readonly kind: 'statsd';
  readonly tagStyle: StatsdTagStyle;
  readonly prefix: string;
}

export interface InfluxHttpTarget extends HttpTarget {
  readonly kind: 'influx-http';
  readonly flavor: InfluxFlavor;
}

export interface PushgatewayTarget extends HttpTarget {
  readonly kind: 'pushgateway';
  /** `url` is the gateway's base (any prefix, without `/metrics`); the pusher adds the group path. */
  readonly method: 'PUT' | 'POST';
  /** From the path; undefined when the target names no job (`run` then uses its `--job`). */
  readonly job: string | undefined;
  readonly grouping: readonly (readonly [string, string])[];
}

export interface PromHttpTarget extends HttpTarget {
  readonly kind: 'prom-http';
  readonly format: 'prometheus' | 'openmetrics';
  readonly method: 'PUT' | 'POST';
}

export interface RemoteWriteTarget extends HttpTarget {
  readonly kind: 'remote-write';
}

export type Target =
  InfluxUdpTarget | StatsdTarget | InfluxHttpTarget | PushgatewayTarget | PromHttpTarget | RemoteWriteTarget;

export type TargetKind = Target['kind'];

/** Scheme → kind, transport and the fragment options the kind takes. */
const SCHEMES: Readonly<Record<string, { kind: TargetKind; http: boolean; options: readonly string[] }>> = {
  'influx+udp': { kind: 'influx-udp', http: false, options: ['flavor'] },
  statsd: { kind: 'statsd', http: false, options: ['tags', 'prefix'] },
  'statsd+udp': { kind: 'statsd', http: false, options: ['tags', 'prefix'] },
  'influx+http': { kind: 'influx-http', http: true, options: ['flavor', 'gzip'] },
  'influx+https': { kind: 'influx-http', http: true, options: ['flavor', 'gzip'] },
  'pushgateway+http': { kind: 'pushgateway', http: true, options: ['method', 'gzip'] },
  'pushgateway+https': { kind: 'pushgateway', http: true, options: ['method', 'gzip'] },
  'prom+http': { kind: 'prom-http', http: true, options: ['format', 'method', 'gzip'] },
  'prom+https': { kind: 'prom-http', http: true, options: ['format', 'method', 'gzip'] },
  'remote-write+http': { kind: 'remote-write', http: true, options: [] },
  'remote-write+https': { kind: 'remote-write', http: true, options: [] },
};

const DEFAULT_UDP_PORT = { 'influx-udp': 8089, statsd: 8125 } as const;
const DEFAULT_PATH: Partial<Record<TargetKind, string>> = {
  'influx-http': '/write',
  'prom-http': '/api/v1/import/prometheus',
  'remote-write': '/api/v1/write',
};

export const TARGET_SCHEMES: readonly string[] = Object.keys(SCHEMES);

/** Reads one `--to` value. Throws UsageError (never with credentials in its message). */
export function parseTarget(text: string): Target {
  const display = redactUrl(text);
  const fail = (problem: string): never => {
    throw new UsageError(`--to ${display}: ${problem}`);
  };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  const spec = scheme === undefined ? undefined : SCHEMES[scheme];
  if (spec === undefined) {
    return fail(
      scheme === undefined
        ? 'expected a URL such as influx+udp://host:8089'
        : `unknown scheme ${scheme}:// (expected one of ${TARGET_SCHEMES.map((s) => s + '://').join(', ')})`,
    );
  }
  let url: URL;
  try {
    // Special http(s) parsing (default ports, percent-decoding rules) for the HTTP kinds.
    url = new URL(spec.http ? scheme!.slice(scheme!.indexOf('+') + 1) + text.slice(scheme!.length) : text);
  } catch {
    return fail('not a valid URL');
  }
  const options = fragmentOptions(url, spec.options, fail);
  url.hash = '';
  if (url.hostname === '') fail('missing host');

  if (!spec.http) {
    if (url.username !== '' || url.password !== '') fail('UDP targets take no credentials');
    if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '') fail('UDP targets take no path or query');
    const kind = spec.kind as 'influx-udp' | 'statsd';
    const port = url.port === '' ? DEFAULT_UDP_PORT[kind] : Number(url.port);
    if (port === 0) fail('port 0 is not a destination');
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (kind === 'influx-udp') return { kind, display, host, port, flavor: flavor(options, fail) };
    const tags = options.get('tags') ?? 'dogstatsd';
    if (!['dogstatsd', 'influx', 'librato', 'signalfx'].includes(tags)) {
      fail(`#tags=${tags}: expected dogstatsd, influx, librato or signalfx`);
    }
    return { kind, display, host, port, tagStyle: tags as StatsdTagStyle, prefix: options.get('prefix') ?? '' };
  }

  const auth = authOf(url);
  url.username = '';
  url.password = '';
  const gzip = booleanOption(options, 'gzip', fail);
  const defaultPath = DEFAULT_PATH[spec.kind];
  if (defaultPath !== undefined && url.pathname === '/') url.pathname = defaultPath;
  const base = { display, auth, gzip };
  switch (spec.kind) {
    case 'influx-http':
      return { kind: 'influx-http', ...base, url: url.toString(), flavor: flavor(options, fail) };
    case 'remote-write':
      return { kind: 'remote-write', ...base, url: url.toString() };
    case 'prom-http': {
      const format = options.get('format') ?? 'prometheus';
      if (format !== 'prometheus' && format !== 'openmetrics') {
        fail(`#format=${format}: expected prometheus or openmetrics`);
      }
      return {
        kind: 'prom-http',
        ...base,
        url: url.toString(),
        format: format as 'prometheus' | 'openmetrics',
        method: method(options, fail),
      };
    }
    default:
      return pushgateway(url, base, method(options, fail), fail);
  }
}

function pushgateway(
  url: URL,
  base: { display: string; auth: HttpAuth | undefined; gzip: boolean },
  method: 'PUT' | 'POST',
  fail: (problem: string) => never,
): PushgatewayTarget {
  if (url.search !== '') fail('a Pushgateway path takes no query');
  const segments = url.pathname.split('/').filter((s) => s !== '');
  const at = segments.findIndex((s) => s === 'job' || s === 'job@base64');
  const prefix = at < 0 ? segments : segments.slice(0, at);
  // `/job/x` and `/metrics/job/x` both mean the gateway's `/metrics/job/x`.
  if (prefix[prefix.length - 1] === 'metrics') prefix.pop();
  let job: string | undefined;
  let grouping: (readonly [string, string])[] = [];
  if (at >= 0) {
    try {
      const parsed = parseGrouping(segments.slice(at));
      job = parsed.job;
      grouping = [...parsed.labels];
    } catch (error) {
      if (error instanceof GroupingPathError) fail(error.message);
      throw error;
    }
  }
  url.pathname = '/' + prefix.join('/');
  return { kind: 'pushgateway', ...base, url: url.toString(), method, job, grouping };
}

function fragmentOptions(url: URL, allowed: readonly string[], fail: (problem: string) => never): Map<string, string> {
  const options = new Map<string, string>();
  if (url.hash === '') return options;
  for (const [key, value] of new URLSearchParams(url.hash.slice(1))) {
    if (!allowed.includes(key)) {
      fail(`unknown option #${key}` + (allowed.length > 0 ? ` (this target takes ${allowed.join(', ')})` : ''));
    }
    options.set(key, value);
  }
  return options;
}

function flavor(options: ReadonlyMap<string, string>, fail: (problem: string) => never): InfluxFlavor {
  const value = options.get('flavor') ?? 'victoriametrics';
  if (value !== 'victoriametrics' && value !== 'influxdb') {
    fail(`#flavor=${value}: expected victoriametrics or influxdb`);
  }
  return value;
}

function method(options: ReadonlyMap<string, string>, fail: (problem: string) => never): 'PUT' | 'POST' {
  const value = (options.get('method') ?? 'POST').toUpperCase();
  if (value !== 'PUT' && value !== 'POST') fail(`#method=${value}: expected PUT or POST`);
  return value;
}

function booleanOption(options: ReadonlyMap<string, string>, key: string, fail: (problem: string) => never): boolean {
  const value = options.get(key);
  if (value === undefined || value === 'false' || value === '0') return false;
  if (value === '' || value === 'true' || value === '1') return true;
  return fail(`#${key}=${value}: expected true or false`);
}

function authOf(url: URL): HttpAuth | undefined {
  if (url.username === '' && url.password === '') return undefined;
  const username = safeDecode(url.username);
  const password = safeDecode(url.password);
  // `https://:TOKEN@host`: no user name, so the secret is a bearer token.
  return username === '' ? { bearer: password } : { username, password };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
