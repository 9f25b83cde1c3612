// VictoriaMetrics or InfluxDB over HTTP, batch: the seed's `influx_http_async`/`_thread`. Every
// `intervalMs` the whole registry is POSTed (or PUT) as one Influx line-protocol body.
//
// Where to point `url`:
//   VictoriaMetrics single-node   http://vm:8428/write  (or /influx/write, /api/v2/write)
//   VictoriaMetrics cluster       http://vminsert:8480/insert/<accountID>:<projectID>/influx/write
//                                 (the tenant is in the path, passed through unchanged)
//   InfluxDB 1.x                  http://influx:8086/write?db=<db>         with flavor 'influxdb'
//   InfluxDB 2.x                  http://influx:8086/api/v2/write?org=<o>&bucket=<b>, flavor
//                                 'influxdb', auth: { bearer: '<token>' }
// VictoriaMetrics answers 204 even when it drops invalid lines; InfluxDB answers 400 with the
// reason, which reaches `onError` as ERR_HTTP_STATUS with the body.
import { INFLUX_LINE_CONTENT_TYPE } from '../encoding/influx-line.js';
import { periodicPusher } from '../push/periodic-pusher.js';
import type { Pusher } from '../push/pusher.js';
import { checkFlavor, influxEncoder } from './influx-options.js';
import type { InfluxPresetOptions } from './influx-options.js';
import {
  batchPusherOptions,
  checkInterval,
  checkMethod,
  checkOptionsObject,
  checkUrl,
  presetHttpTransport,
} from './preset-options.js';
import type { HttpPresetOptions } from './preset-options.js';

export interface InfluxHttpOptions extends HttpPresetOptions, InfluxPresetOptions {
  /** The write endpoint, query string included (`?db=` for InfluxDB 1.x). */
  readonly url: string | URL;
  /** `POST` (default) or `PUT`: the seed's `verb`. */
  readonly method?: 'POST' | 'PUT';
}

/** Creates a batch pusher (not started) of Influx line protocol over HTTP. */
export function influxHttp(options: InfluxHttpOptions): Pusher {
  const preset = 'influxHttp';
  checkOptionsObject(preset, options);
  const url = checkUrl(preset, options.url);
  const method = checkMethod(preset, options.method, ['POST', 'PUT'], 'POST');
  const flavor = checkFlavor(preset, options);
  const intervalMs = checkInterval(preset, options);
  const transport = presetHttpTransport(options, { url, method, contentType: INFLUX_LINE_CONTENT_TYPE, intervalMs });
  return periodicPusher({
    ...batchPusherOptions(options, transport, intervalMs),
    encoder: influxEncoder(options, flavor),
  });
}
