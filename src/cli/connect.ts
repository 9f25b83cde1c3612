// The one place where a parsed `--to` target becomes a pusher: each kind goes through its preset,
// so the CLI sends exactly what the library sends.
//
//   influx-udp    influxUdp          statsd        statsdUdp
//   influx-http   influxHttp         prom-http     openMetricsHttp
//   pushgateway   pushgateway        remote-write  remoteWrite
//
// The CLI pushes once per pusher: `stop()` does the final push and closes. No self-metrics (they
// would only describe this short-lived process) and no signal handling (the commands own it).
import type { PushError } from '../errors.js';
import type { SnapshotSource } from '../push/periodic-pusher.js';
import type { Pusher } from '../push/pusher.js';
import { influxHttp } from '../presets/influx-http.js';
import { influxUdp } from '../presets/influx-udp.js';
import { openMetricsHttp } from '../presets/openmetrics-http.js';
import { pushgateway } from '../presets/pushgateway.js';
import { remoteWrite } from '../presets/remote-write.js';
import { statsdUdp } from '../presets/statsd-udp.js';
import type { Target } from './targets.js';
import { UsageError } from './usage-error.js';

export interface ConnectOptions {
  /** What to push. */
  readonly source: SnapshotSource;
  /** Budget of the whole push to this target, retries and closing included. */
  readonly timeoutMs: number;
  /** Receives each failed push (one line each on stderr, in the commands). */
  readonly onError: (error: PushError) => void;
  /** The job of a Pushgateway target whose path names none (`run` passes its job name). */
  readonly job?: string | undefined;
}

/** Attempts per HTTP request; the whole push stays bounded by `timeoutMs`. */
const HTTP_ATTEMPTS = 3;

/** A pusher (not started) for `target`. Throws UsageError when the target lacks what it needs. */
export function connect(target: Target, options: ConnectOptions): Pusher {
  const common = {
    registry: options.source,
    stopTimeoutMs: options.timeoutMs,
    onError: options.onError,
    selfMetrics: false as const,
  };
  const http = {
    ...common,
    timeoutMs: options.timeoutMs,
    gzip: target.kind !== 'influx-udp' && target.kind !== 'statsd' && target.gzip,
    retry: { maxAttempts: HTTP_ATTEMPTS, deadlineMs: options.timeoutMs },
    ...(target.kind !== 'influx-udp' && target.kind !== 'statsd' && target.auth !== undefined && { auth: target.auth }),
  };
  switch (target.kind) {
    case 'influx-udp':
      return influxUdp({ ...common, host: target.host, port: target.port, flavor: target.flavor });
    case 'statsd':
      return statsdUdp({
        ...common,
        host: target.host,
        port: target.port,
        tagStyle: target.tagStyle,
        prefix: target.prefix,
      });
    case 'influx-http':
      return influxHttp({ ...http, url: target.url, flavor: target.flavor });
    case 'prom-http':
      return openMetricsHttp({ ...http, url: target.url, method: target.method, format: target.format });
    case 'pushgateway': {
      const job = target.job ?? options.job;
      if (job === undefined) {
        throw new UsageError(`--to ${target.display}: a Pushgateway target needs /job/<name> in its path`);
      }
      return pushgateway({
        ...http,
        url: target.url,
        job,
        grouping: Object.fromEntries(target.grouping),
        method: target.method,
      });
    }
    case 'remote-write': {
      // Remote write is snappy-compressed already: the preset takes no gzip option.
      const { gzip: _gzip, ...rest } = http;
      return remoteWrite({ ...rest, url: target.url });
    }
  }
}
