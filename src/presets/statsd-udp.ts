// StatsD over UDP, batch: the seed's `statsd_udp_async`/`_thread`. Every `intervalMs` each
// Prometheus sample of the registry goes out as a gauge carrying its cumulative value
// (`x_total:42|g`, `x_bucket:7|g|#le:0.5`): a lost datagram costs nothing (the next push repeats
// everything), and rate()/increase()/histogram_quantile() work on the result as if the types had
// never changed. For native StatsD events (counter deltas `|c`, timers `|ms`) use
// `statsdUdpStream`.
//
// Targets: statsd_exporter (any `tagStyle`), Etsy statsd (only `dogstatsd` tags survive its key
// sanitizer), the Datadog agent (reads 8 KiB datagrams by default), Telegraf's statsd input.
import { statsdEncoder } from '../encoding/statsd.js';
import { periodicPusher } from '../push/periodic-pusher.js';
import type { Pusher } from '../push/pusher.js';
import { batchPusherOptions, checkInterval, checkOptionsObject, presetUdpTransport } from './preset-options.js';
import type { BatchPresetOptions, UdpPresetOptions } from './preset-options.js';
import { checkStatsdFormat } from './statsd-options.js';
import type { StatsdPresetOptions } from './statsd-options.js';

export interface StatsdUdpOptions extends BatchPresetOptions, UdpPresetOptions, StatsdPresetOptions {}

/** Creates a batch pusher (not started) of StatsD gauges over UDP. */
export function statsdUdp(options: StatsdUdpOptions): Pusher {
  const preset = 'statsdUdp';
  checkOptionsObject(preset, options);
  const format = checkStatsdFormat(preset, options);
  const intervalMs = checkInterval(preset, options);
  const transport = presetUdpTransport(preset, options);
  return periodicPusher({
    ...batchPusherOptions(options, transport, intervalMs),
    encoder: (callbacks) => statsdEncoder({ ...format, ...callbacks }),
  });
}
