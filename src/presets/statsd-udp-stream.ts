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
import { statsdEncoder } from '../encoding/statsd.js';
import type { StatsdObservationType } from '../encoding/statsd.js';
import { streamingPusher } from '../push/streaming-pusher.js';
import type { Pusher } from '../push/pusher.js';
import { checkOneOf, checkOptionsObject, presetUdpTransport, pusherOptions, streamOptions } from './preset-options.js';
import type { StreamPresetOptions, UdpPresetOptions } from './preset-options.js';
import { checkStatsdFormat } from './statsd-options.js';
import type { StatsdPresetOptions } from './statsd-options.js';

const OBSERVATION_TYPES: readonly StatsdObservationType[] = ['ms', 'h', 'd'];

export interface StatsdUdpStreamOptions extends StreamPresetOptions, UdpPresetOptions, StatsdPresetOptions {
  /** StatsD type of a histogram observation: `ms` (default, value × 1000), `h` or `d` (value as is). */
  readonly histogramType?: StatsdObservationType;
  /** StatsD type of a summary observation: `ms` (default), `h` or `d`. */
  readonly summaryType?: StatsdObservationType;
}

/** Creates a streaming pusher (not started) of native StatsD events over UDP. */
export function statsdUdpStream(options: StatsdUdpStreamOptions): Pusher {
  const preset = 'statsdUdpStream';
  checkOptionsObject(preset, options);
  const format = checkStatsdFormat(preset, options);
  const histogramType = checkOneOf(preset, 'histogramType', options.histogramType, OBSERVATION_TYPES, 'ms');
  const summaryType = checkOneOf(preset, 'summaryType', options.summaryType, OBSERVATION_TYPES, 'ms');
  const transport = presetUdpTransport(preset, options);
  return streamingPusher({
    ...pusherOptions(options, transport),
    ...streamOptions(options),
    mode: 'statsd',
    encoder: (callbacks) => statsdEncoder({ ...format, histogramType, summaryType, ...callbacks }),
  });
}
