// Influx line protocol over UDP, streaming: the seed's `influx_udp_aiostream`/`influx_udp_stream`.
// Each changed series is sent with its CURRENT (cumulative) values, coalesced per event-loop turn
// into MTU-sized datagrams: one line per sample of the changed series, never the whole family (the
// seed re-sent the whole family on every change). A lost datagram is repaired by the next change
// of the same series.
import { PAYLOAD_PRESETS } from '../encoding/framing.js';
import { influxLineEncoder } from '../encoding/influx-line.js';
import type { InfluxFlavor } from '../encoding/influx-line.js';
import { streamingPusher } from '../push/streaming-pusher.js';
import type { Pusher } from '../push/pusher.js';
import {
  checkOneOf,
  checkOptionsObject,
  checkPayloadBytes,
  INFLUX_FLAVORS,
  presetUdpTransport,
  pusherOptions,
  streamOptions,
} from './preset-options.js';
import type { StreamPresetOptions, UdpPresetOptions } from './preset-options.js';

export interface InfluxUdpStreamOptions extends StreamPresetOptions, UdpPresetOptions {
  /** `victoriametrics` (default) or `influxdb`: see influxUdp. */
  readonly flavor?: InfluxFlavor;
  /** A fixed measurement for every line (each field is then the full sample name). */
  readonly measurement?: string;
  /** Largest datagram in bytes (default 1432). */
  readonly maxPayloadBytes?: number;
}

/** Creates a streaming pusher (not started) of Influx line protocol over UDP. */
export function influxUdpStream(options: InfluxUdpStreamOptions): Pusher {
  const preset = 'influxUdpStream';
  checkOptionsObject(preset, options);
  const flavor = checkOneOf(preset, 'flavor', options.flavor, INFLUX_FLAVORS, 'victoriametrics');
  const maxPayloadBytes = checkPayloadBytes(preset, options.maxPayloadBytes, PAYLOAD_PRESETS.lan);
  const transport = presetUdpTransport(preset, options);
  return streamingPusher({
    ...pusherOptions(options, transport),
    ...streamOptions(options),
    mode: 'influx',
    encoder: (callbacks) =>
      influxLineEncoder({
        flavor,
        maxPayloadBytes,
        ...(options.measurement !== undefined && { measurement: options.measurement }),
        ...callbacks,
      }),
  });
}
