// Prometheus remote write 1.0, batch: every `intervalMs` the whole registry goes as snappy-
// compressed protobuf WriteRequests to `url`: Prometheus (`/api/v1/write` with
// --web.enable-remote-write-receiver), Mimir/Cortex (`/api/v1/push`), Thanos Receive,
// VictoriaMetrics (`/api/v1/write`), Grafana Cloud, vmagent…
//
// Retries follow the spec ("Retries & Backoff"): every 5xx and 429 is retried with backoff (and
// network errors and timeouts, where nothing was answered); any other 4xx is final. A 400 usually
// means the receiver refused a sample (Prometheus rejects the whole request: out-of-order or
// duplicate timestamps); the next push carries fresh samples. Each request holds at most
// `maxSeriesPerRequest` series and is sent on its own, so one refused request leaves the others.
//
// No `gzip` option: the body is already snappy-compressed and `Content-Encoding: snappy`.
import { remoteWriteEncoder } from '../encoding/remote-write.js';
import { periodicPusher } from '../push/periodic-pusher.js';
import type { Pusher } from '../push/pusher.js';
import { httpTransport } from '../transport/http.js';
import { withRetry } from '../transport/retry.js';
import type { Transport } from '../transport/transport.js';
import {
  DEFAULT_PRESET_RETRY_ATTEMPTS,
  checkInterval,
  checkOptionsObject,
  checkUrl,
  pusherOptions,
} from './preset-options.js';
import type { HttpPresetOptions } from './preset-options.js';

export interface RemoteWriteOptions extends Omit<HttpPresetOptions, 'gzip'> {
  /** The receiver's write endpoint, e.g. `http://prometheus:9090/api/v1/write`. */
  readonly url: string | URL;
  /** Most series in one request (default 5000); a larger snapshot goes in several requests. */
  readonly maxSeriesPerRequest?: number;
}

/**
 * Creates a batch pusher (not started) of Prometheus remote write 1.0. Extra `headers` (a
 * tenant's `X-Scope-OrgID`, say) are added to the spec's, and win over them.
 */
export function remoteWrite(options: RemoteWriteOptions): Pusher {
  const preset = 'remoteWrite';
  checkOptionsObject(preset, options);
  const url = checkUrl(preset, options.url);
  const intervalMs = checkInterval(preset, options);
  const encoder = remoteWriteEncoder(
    options.maxSeriesPerRequest === undefined ? {} : { maxSeriesPerRequest: options.maxSeriesPerRequest },
  );
  const transport = options.transport ?? remoteWriteTransport(options, url, encoder.headers, intervalMs);
  return periodicPusher({
    ...pusherOptions(options, transport),
    ...(options.registry !== undefined && { registry: options.registry }),
    intervalMs,
    encoder,
  });
}

/**
 * Like presetHttpTransport, plus the spec's retry rule (every 5xx, and 429, nothing else) and
 * headers, which that shared helper has no options for.
 */
function remoteWriteTransport(
  options: RemoteWriteOptions,
  url: URL,
  headers: Readonly<Record<string, string>>,
  intervalMs: number,
): Transport {
  const { 'User-Agent': userAgent, 'Content-Type': contentType, ...specHeaders } = headers;
  const transport = httpTransport({
    url,
    method: 'POST',
    contentType: contentType ?? 'application/x-protobuf',
    headers: { ...specHeaders, ...options.headers },
    retryableStatuses: [429],
    retryOn5xx: true,
    userAgent: options.userAgent ?? userAgent ?? 'prometheus-push-client',
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(options.auth !== undefined && { auth: options.auth }),
    ...(options.tls !== undefined && { tls: options.tls }),
    ...(options.agent !== undefined && { agent: options.agent }),
    ...(options.clock !== undefined && { clock: options.clock }),
  });
  if (options.retry === false) return transport;
  return withRetry(transport, {
    maxAttempts: DEFAULT_PRESET_RETRY_ATTEMPTS,
    deadlineMs: intervalMs,
    ...(options.clock !== undefined && { clock: options.clock }),
    ...options.retry,
  });
}
