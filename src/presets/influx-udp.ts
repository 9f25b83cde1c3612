// VictoriaMetrics (or InfluxDB, Telegraf) over UDP, batch: the seed's `influx_udp_async` and
// `influx_udp_thread`. Every `intervalMs` the whole registry goes out as Influx line protocol,
// packed into datagrams of at most `maxPayloadBytes` (a line is never split across two).
//
// UDP has no answer: "sent" means the kernel took the datagram. A target that is down shows up
// only as ICMP "port unreachable" on the next send (ERR_NETWORK), a line bigger than
// `maxPayloadBytes` is dropped and reported (ERR_PAYLOAD_TOO_LARGE), and so is a datagram the OS
// refuses (EMSGSIZE, over 65 507 bytes).
//
// VictoriaMetrics cluster over UDP: the tenant travels in the labels `vm_account_id` and
// `vm_project_id` (vminsert removes them before storage; VM single-node keeps them as ordinary
// labels), e.g. `registry.setDefaultLabels({ vm_account_id: 42, vm_project_id: 7 })`.
import { PAYLOAD_PRESETS } from '../encoding/framing.js';
import { periodicPusher } from '../push/periodic-pusher.js';
import type { Pusher } from '../push/pusher.js';
import { checkFlavor, influxEncoder } from './influx-options.js';
import type { InfluxPresetOptions } from './influx-options.js';
import {
  batchPusherOptions,
  checkInterval,
  checkOptionsObject,
  checkPayloadBytes,
  presetUdpTransport,
} from './preset-options.js';
import type { BatchPresetOptions, UdpPresetOptions } from './preset-options.js';

export interface InfluxUdpOptions extends BatchPresetOptions, UdpPresetOptions, InfluxPresetOptions {
  /** Largest datagram in bytes (default 1432: a 1500-byte Ethernet MTU minus IP and UDP headers). */
  readonly maxPayloadBytes?: number;
}

/** Creates a batch pusher (not started) of Influx line protocol over UDP. */
export function influxUdp(options: InfluxUdpOptions): Pusher {
  const preset = 'influxUdp';
  checkOptionsObject(preset, options);
  const flavor = checkFlavor(preset, options);
  const maxPayloadBytes = checkPayloadBytes(preset, options.maxPayloadBytes, PAYLOAD_PRESETS.lan);
  const intervalMs = checkInterval(preset, options);
  const transport = presetUdpTransport(preset, options);
  return periodicPusher({
    ...batchPusherOptions(options, transport, intervalMs),
    encoder: influxEncoder(options, flavor, maxPayloadBytes),
  });
}
