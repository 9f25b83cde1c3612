// StatsD over UDP, batch: the seed's `statsd_udp_async`/`_thread`. Every `intervalMs` each
// Prometheus sample of the registry goes out as a gauge carrying its cumulative value
// (`x_total:42|g`, `x_bucket:7|g|#le:0.5`): a lost datagram costs nothing (the next push repeats
// everything), and rate()/increase()/histogram_quantile() work on the result as if the types had
// never changed. For native StatsD events (counter deltas `|c`, timers `|ms`) use
// `statsdUdpStream`.
//
// Targets: statsd_exporter (any `tagStyle`), Etsy statsd (only `dogstatsd` tags survive its key
// sanitizer), the Datadog agent (reads 8 KiB datagrams by default), Telegraf's statsd input.
import { PAYLOAD_PRESETS } from '../encoding/framing.js';
import { statsdEncoder } from '../encoding/statsd.js';
import type { StatsdTagStyle } from '../encoding/statsd.js';
import { periodicPusher } from '../push/periodic-pusher.js';
import type { Pusher } from '../push/pusher.js';
import {
  checkInterval,
  checkOneOf,
  checkOptionsObject,
  checkPayloadBytes,
  checkPrefix,
  presetUdpTransport,
  pusherOptions,
  STATSD_TAG_STYLES,
} from './preset-options.js';
import type { BatchPresetOptions, UdpPresetOptions } from './preset-options.js';

export interface StatsdUdpOptions extends BatchPresetOptions, UdpPresetOptions {
  /** `dogstatsd` (default, `|#k:v`), `influx` (`name,k=v`), `librato` (`name#k=v`), `signalfx` (`name[k=v]`). */
  readonly tagStyle?: StatsdTagStyle;
  /** Prepended to every name as given; include the separator (`myapp.`). */
  readonly prefix?: string;
  /** Largest datagram in bytes (default 1432; 8932 on jumbo frames, 512 across the Internet). */
  readonly maxPayloadBytes?: number;
}

/** Creates a batch pusher (not started) of StatsD gauges over UDP. */
export function statsdUdp(options: StatsdUdpOptions): Pusher {
  const preset = 'statsdUdp';
  checkOptionsObject(preset, options);
  const tagStyle = checkOneOf(preset, 'tagStyle', options.tagStyle, STATSD_TAG_STYLES, 'dogstatsd');
  const prefix = checkPrefix(preset, options.prefix);
  const maxPayloadBytes = checkPayloadBytes(preset, options.maxPayloadBytes, PAYLOAD_PRESETS.lan);
  const intervalMs = checkInterval(preset, options);
  const transport = presetUdpTransport(preset, options);
  return periodicPusher({
    ...pusherOptions(options, transport),
    ...(options.registry !== undefined && { registry: options.registry }),
    intervalMs,
    encoder: (callbacks) => statsdEncoder({ tagStyle, prefix, maxPayloadBytes, ...callbacks }),
  });
}
