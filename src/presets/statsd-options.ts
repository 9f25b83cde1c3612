// What the two StatsD presets (statsdUdp, statsdUdpStream) share: the line format's options,
// checked in the same order with the same messages, so both presets refuse a bad value alike.
import { PAYLOAD_PRESETS } from '../encoding/framing.js';
import type { StatsdTagStyle } from '../encoding/statsd.js';
import { checkOneOf, checkPayloadBytes, checkPrefix } from './preset-options.js';

const STATSD_TAG_STYLES: readonly StatsdTagStyle[] = ['dogstatsd', 'influx', 'librato', 'signalfx'];

/** Options of both StatsD presets. */
export interface StatsdPresetOptions {
  /** `dogstatsd` (default, `|#k:v`), `influx` (`name,k=v`), `librato` (`name#k=v`), `signalfx` (`name[k=v]`). */
  readonly tagStyle?: StatsdTagStyle;
  /** Prepended to every name as given; include the separator (`myapp.`). */
  readonly prefix?: string;
  /** Largest datagram in bytes (default 1432; 8932 on jumbo frames, 512 across the Internet). */
  readonly maxPayloadBytes?: number;
}

/** The checked StatsD options, defaults filled in: the part of `statsdEncoder`'s options they set. */
export interface StatsdFormat {
  readonly tagStyle: StatsdTagStyle;
  readonly prefix: string;
  readonly maxPayloadBytes: number;
}

/** Checks `tagStyle`, `prefix` and `maxPayloadBytes`, in that order. */
export function checkStatsdFormat(preset: string, options: StatsdPresetOptions): StatsdFormat {
  return {
    tagStyle: checkOneOf(preset, 'tagStyle', options.tagStyle, STATSD_TAG_STYLES, 'dogstatsd'),
    prefix: checkPrefix(preset, options.prefix),
    maxPayloadBytes: checkPayloadBytes(preset, options.maxPayloadBytes, PAYLOAD_PRESETS.lan),
  };
}
