// What the three Influx presets (influxUdp, influxUdpStream, influxHttp) share: the line format's
// options, checked with the same message, and the encoder they configure.
import { influxLineEncoder } from '../encoding/influx-line.js';
import type { InfluxFlavor, InfluxLineEncoder } from '../encoding/influx-line.js';
import type { EncoderCallbacks } from '../push/pusher-base.js';
import { checkOneOf } from './preset-options.js';

const INFLUX_FLAVORS: readonly InfluxFlavor[] = ['victoriametrics', 'influxdb'];

/** Options of the three Influx presets. */
export interface InfluxPresetOptions {
  /**
   * `victoriametrics` (default): exact Prometheus names through an empty measurement.
   * `influxdb`: strict line protocol for InfluxDB/Telegraf (names split at the last `_`, no NaN/Inf).
   */
  readonly flavor?: InfluxFlavor;
  /** A fixed measurement for every line (each field is then the full sample name). */
  readonly measurement?: string;
}

export function checkFlavor(preset: string, options: InfluxPresetOptions): InfluxFlavor {
  return checkOneOf(preset, 'flavor', options.flavor, INFLUX_FLAVORS, 'victoriametrics');
}

/**
 * The encoder factory of an Influx preset (the pusher passes its drop callbacks). Datagrams need
 * `maxPayloadBytes`; over HTTP it is left out, so the whole registry goes as one body.
 */
export function influxEncoder(
  options: InfluxPresetOptions,
  flavor: InfluxFlavor,
  maxPayloadBytes?: number,
): (callbacks: EncoderCallbacks) => InfluxLineEncoder {
  return (callbacks) =>
    influxLineEncoder({
      flavor,
      ...(maxPayloadBytes !== undefined && { maxPayloadBytes }),
      ...(options.measurement !== undefined && { measurement: options.measurement }),
      ...callbacks,
    });
}
