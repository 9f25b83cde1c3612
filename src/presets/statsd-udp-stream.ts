// StatsD over UDP, streaming: the seed's `statsd_udp_aiostream`/`statsd_udp_stream`. Every change
// is sent in native StatsD form, coalesced per event-loop turn into MTU-sized datagrams: counter
// increments as `|c` deltas (summed within a turn), gauge sets as `|g`, histogram and summary
// observations as timers (`|ms`, the value × 1000, which statsd_exporter turns back into seconds)
// or as `|h`/`|d` with `histogramType`/`summaryType`. `.time()` and `startTimer()` stream too
// (the seed's README warned they did not).
//
// Counter deltas are lost with their datagram (UDP), and increments made while the pusher is not
// running (before start, after stop, between run() sessions) are never sent: StatsD counts
// deltas. Use `statsdUdp` when every increment must arrive eventually.
import { PAYLOAD_PRESETS } from '../encoding/framing.js';
import { statsdEncoder } from '../encoding/statsd.js';
import type { StatsdObservationType, StatsdTagStyle } from '../encoding/statsd.js';
import { streamingPusher } from '../push/streaming-pusher.js';
import type { Pusher } from '../push/pusher.js';
import {
  checkOneOf,
  checkOptionsObject,
  checkPayloadBytes,
  checkPrefix,
  presetUdpTransport,
  pusherOptions,
  STATSD_TAG_STYLES,
  streamOptions,
} from './preset-options.js';
import type { StreamPresetOptions, UdpPresetOptions } from './preset-options.js';

const OBSERVATION_TYPES: readonly StatsdObservationType[] = ['ms', 'h', 'd'];

export interface StatsdUdpStreamOptions extends StreamPresetOptions, UdpPresetOptions {
  /** `dogstatsd` (default), `influx`, `librato` or `signalfx`: see statsdUdp. */
  readonly tagStyle?: StatsdTagStyle;
  /** Prepended to every name as given; include the separator (`myapp.`). */
  readonly prefix?: string;
  /** Largest datagram in bytes (default 1432). */
  readonly maxPayloadBytes?: number;
  /** StatsD type of a histogram observation: `ms` (default, value × 1000), `h` or `d` (value as is). */
  readonly histogramType?: StatsdObservationType;
  /** StatsD type of a summary observation: `ms` (default), `h` or `d`. */
  readonly summaryType?: StatsdObservationType;
}

/** Creates a streaming pusher (not started) of native StatsD events over UDP. */
export function statsdUdpStream(options: StatsdUdpStreamOptions): Pusher {
  const preset = 'statsdUdpStream';
  checkOptionsObject(preset, options);
  const tagStyle = checkOneOf(preset, 'tagStyle', options.tagStyle, STATSD_TAG_STYLES, 'dogstatsd');
  const prefix = checkPrefix(preset, options.prefix);
  const maxPayloadBytes = checkPayloadBytes(preset, options.maxPayloadBytes, PAYLOAD_PRESETS.lan);
  const histogramType = checkOneOf(preset, 'histogramType', options.histogramType, OBSERVATION_TYPES, 'ms');
  const summaryType = checkOneOf(preset, 'summaryType', options.summaryType, OBSERVATION_TYPES, 'ms');
  const transport = presetUdpTransport(preset, options);
  return streamingPusher({
    ...pusherOptions(options, transport),
    ...streamOptions(options),
    mode: 'statsd',
    encoder: (callbacks) =>
      statsdEncoder({ tagStyle, prefix, maxPayloadBytes, histogramType, summaryType, ...callbacks }),
  });
}
