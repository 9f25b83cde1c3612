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
import {
  batchPusherOptions,
  checkInterval,
  checkOptionsObject,
  checkUrl,
  presetHttpTransport,
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
  const { 'User-Agent': userAgent, 'Content-Type': contentType, ...specHeaders } = encoder.headers;
  const transport = presetHttpTransport(options, {
    url,
    method: 'POST',
    contentType: contentType ?? 'application/x-protobuf',
    intervalMs,
    headers: specHeaders,
    ...(userAgent !== undefined && { userAgent }),
    // The spec's retry rule: every 5xx, and 429, nothing else.
    retryableStatuses: [429],
    retryOn5xx: true,
    selfCompressed: true,
  });
  return periodicPusher({ ...batchPusherOptions(options, transport, intervalMs), encoder });
}
