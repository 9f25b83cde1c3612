// prom-aggregation-gateway (zapier, formerly weaveworks): Prometheus text 0.0.4 POSTed to `url`,
// carrying DELTAS since the last accepted push, because the gateway adds up everything it
// receives (see aggregation-deltas.ts for the per-type rules and the gauge decision). The seed
// pushed cumulative values here too, which inflates the totals at every tick (PROTOCOLS §4 item 9).
//
// `url` is the gateway's push endpoint as it is, e.g. `http://pag:80/metrics`; zapier's gateway
// also takes extra labels in the path (`/metrics/<label>/<value>`). There is no `job`
// requirement, and the gateway has no notion of groups to delete.
import { PROMETHEUS_TEXT_CONTENT_TYPE, prometheusTextEncoder } from '../encoding/prometheus-text.js';
import { periodicPusher } from '../push/periodic-pusher.js';
import type { Pusher } from '../push/pusher.js';
import { AggregationDeltas } from './aggregation-deltas.js';
import type { AggregationGaugeMode } from './aggregation-deltas.js';
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

export interface AggregationGatewayOptions extends HttpPresetOptions {
  /** The gateway's push endpoint, e.g. `http://pag:80/metrics`. */
  readonly url: string | URL;
  /** `POST` (default) or `PUT`; the gateway treats both alike. */
  readonly method?: 'POST' | 'PUT';
  /**
   * `delta` (default): gauges, infos and enums are sent as changes too, so the gateway's sum is
   * the current value for one job and the sum over jobs otherwise. `omit`: they are not sent.
   */
  readonly gauges?: AggregationGaugeMode;
}

/** Creates a batch pusher (not started) of deltas to prom-aggregation-gateway. */
export function aggregationGateway(options: AggregationGatewayOptions): Pusher {
  const preset = 'aggregationGateway';
  checkOptionsObject(preset, options);
  const url = checkUrl(preset, options.url);
  const method = checkMethod(preset, options.method, ['POST', 'PUT'], 'POST');
  const gauges = checkOneOf<AggregationGaugeMode>(preset, 'gauges', options.gauges, ['delta', 'omit'], 'delta');
  const intervalMs = checkInterval(preset, options);
  const transport = presetHttpTransport(options, {
    url,
    method,
    contentType: PROMETHEUS_TEXT_CONTENT_TYPE,
    intervalMs,
  });
  const deltas = new AggregationDeltas(gauges);
  return periodicPusher({
    ...batchPusherOptions(options, transport, intervalMs),
    encoder: prometheusTextEncoder(),
    hooks: {
      prepare: (collected) => deltas.prepare(collected),
      committed: (collected, prepared) => deltas.commit(collected, prepared),
    },
  });
}
