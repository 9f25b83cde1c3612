// Prometheus text over HTTP, batch: the seed's `openmetrics_http_async`/`_thread`. Every
// `intervalMs` the whole registry is POSTed (or PUT) to `url` as it is, for any endpoint that
// imports Prometheus text: VictoriaMetrics `/api/v1/import/prometheus`, vmagent, a Pushgateway
// group URL you built yourself, a relay of your own.
//
// `format`:
//   'prometheus' (default)  text 0.0.4. What the seed really sent (its "OpenMetrics" had 0.0.4
//                           TYPE lines and no `# EOF`), and the only text a Pushgateway keeps
//                           typed: its parser turns an OpenMetrics counter into two untyped
//                           families (PROTOCOLS §1).
//   'openmetrics'           OpenMetrics 1.0 (`# EOF`, `application/openmetrics-text`), for
//                           receivers that parse it natively (VictoriaMetrics does).
// For a Pushgateway prefer the `pushgateway` preset (job/grouping path, `@base64`, clash checks,
// deleteOnStop); for prom-aggregation-gateway the `aggregationGateway` preset (deltas).
import { openMetricsEncoder } from '../encoding/openmetrics.js';
import { prometheusTextEncoder } from '../encoding/prometheus-text.js';
import { periodicPusher } from '../push/periodic-pusher.js';
import type { Pusher } from '../push/pusher.js';
import {
  batchPusherOptions,
  checkInterval,
  checkMethod,
  checkOneOf,
  checkOptionsObject,
  checkUrl,
  presetHttpTransport,
} from './preset-options.js';
import type { HttpPresetOptions } from './preset-options.js';

export type TextFormat = 'prometheus' | 'openmetrics';

export interface OpenMetricsHttpOptions extends HttpPresetOptions {
  /** The import endpoint, query string included (e.g. `?extra_label=job=nightly` for VictoriaMetrics). */
  readonly url: string | URL;
  /** `POST` (default) or `PUT`: the seed's `verb`. */
  readonly method?: 'POST' | 'PUT';
  /** `prometheus` (text 0.0.4, default) or `openmetrics` (OpenMetrics 1.0 text). */
  readonly format?: TextFormat;
}

/** Creates a batch pusher (not started) of Prometheus text or OpenMetrics over HTTP. */
export function openMetricsHttp(options: OpenMetricsHttpOptions): Pusher {
  const preset = 'openMetricsHttp';
  checkOptionsObject(preset, options);
  const url = checkUrl(preset, options.url);
  const method = checkMethod(preset, options.method, ['POST', 'PUT'], 'POST');
  const format = checkOneOf<TextFormat>(preset, 'format', options.format, ['prometheus', 'openmetrics'], 'prometheus');
  const intervalMs = checkInterval(preset, options);
  // Built here (not by a factory) to read its content type; text encoders drop nothing, so they
  // need none of the pusher's drop callbacks.
  const encoder = format === 'openmetrics' ? openMetricsEncoder() : prometheusTextEncoder();
  const transport = presetHttpTransport(options, { url, method, contentType: encoder.contentType, intervalMs });
  return periodicPusher({
    ...batchPusherOptions(options, transport, intervalMs),
    encoder,
  });
}
