// Influx line protocol over UDP, streaming: the seed's `influx_udp_aiostream`/`influx_udp_stream`.
// Each changed series is sent with its CURRENT (cumulative) values, coalesced per event-loop turn
// into MTU-sized datagrams: one line per sample of the changed series, never the whole family (the
// seed re-sent the whole family on every change). A lost datagram is repaired by the next change
// of the same series.
import { PAYLOAD_PRESETS } from '../encoding/framing.js';
import { streamingPusher } from '../push/streaming-pusher.js';
import type { Pusher } from '../push/pusher.js';
import { checkFlavor, influxEncoder } from './influx-options.js';
import type { InfluxPresetOptions } from './influx-options.js';
import {
  checkOptionsObject,
  checkPayloadBytes,
  presetUdpTransport,
  pusherOptions,
  streamOptions,
} from './preset-options.js';
import type { StreamPresetOptions, UdpPresetOptions } from './preset-options.js';

export interface InfluxUdpStreamOptions extends StreamPresetOptions, UdpPresetOptions, InfluxPresetOptions {
  /** Largest datagram in bytes (default 1432). */
  readonly maxPayloadBytes?: number;
}

/** Creates a streaming pusher (not started) of Influx line protocol over UDP. */
export function influxUdpStream(options: InfluxUdpStreamOptions): Pusher {
  const preset = 'influxUdpStream';
  checkOptionsObject(preset, options);
  const flavor = checkFlavor(preset, options);
  const maxPayloadBytes = checkPayloadBytes(preset, options.maxPayloadBytes, PAYLOAD_PRESETS.lan);
  const transport = presetUdpTransport(preset, options);
  return streamingPusher({
    ...pusherOptions(options, transport),
    ...streamOptions(options),
    mode: 'influx',
    encoder: influxEncoder(options, flavor, maxPayloadBytes),
  });
}
