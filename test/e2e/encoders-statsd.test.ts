// The StatsD encoder (dogstatsd tags) and the UDP transport sending into a real Etsy statsd 0.9,
// read back from its flush events. Etsy statsd turns `|#k:v` tags into graphite tags in the key
// (`name;k=v`) and then deletes every character outside [A-Za-z0-9_.;=-] (spaces become `_`,
// `/` becomes `-`), so the keys below are what a user of Etsy statsd will see.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statsdEncoder } from '../../src/encoding/statsd.js';
import type { MetricEvent, MetricSource } from '../../src/model/events.js';
import type { MetricFamily } from '../../src/model/snapshot.js';
import { udpTransport } from '../../src/transport/udp.js';
import { fixtureSnapshot } from './harness/fixture.js';
import { requireServer } from './harness/require-server.js';
import { startStatsd } from './harness/statsd.js';
import type { Statsd } from './harness/statsd.js';
import { useServer } from './harness/use-server.js';

const skip = requireServer('statsd');

/** Sends every payload over one UDP transport; returns the number of lines sent. */
async function send(statsd: Statsd, payloads: Uint8Array[]): Promise<number> {
  const transport = udpTransport({ host: '127.0.0.1', port: statsd.udpPort });
  let lines = 0;
  try {
    for (const payload of payloads) {
      lines += Buffer.from(payload)
        .toString('utf8')
        .split('\n')
        .filter((l) => l !== '').length;
      const result = await transport.send(payload);
      assert.ok(result.ok, result.ok ? '' : result.error.message);
    }
  } finally {
    await transport.close();
  }
  return lines;
}

function source(name: string, type: MetricSource['type'], labelNames: readonly string[]): MetricSource {
  return {
    name,
    type,
    labelNames,
    collectSeries(): MetricFamily {
      throw new Error('not used by inc/set/observe events');
    },
  };
}

describe('Etsy statsd 0.9 through the library encoder and transport', { skip }, () => {
  const server = useServer('statsd', startStatsd);

  afterEach(() => {
    assert.equal(server().badLinesSeen(), 0);
  });

  it('batch mode: every sample as a gauge, negative gauges as 0 then the value, tags in the key', async () => {
    const window = server().window();
    const lines = await send(server(), statsdEncoder().encode(fixtureSnapshot('e2e_lib', Date.now())));
    const totals = await window.received(lines);
    assert.deepEqual(totals.counters, {});
    assert.deepEqual(totals.gauges, {
      'e2e_lib_requests_total;path=-a_b;code=200;env=e2e': 3,
      // NASTY: the encoder turns `,` into `_`; statsd deletes `"`, `:`, `\` and non-ASCII.
      'e2e_lib_requests_total;path=a_b_c=d_q_cdir_n;code=500;env=e2e': 1.5,
      'e2e_lib_temperature_celsius;room=kitchen;env=e2e': -2.25,
      'e2e_lib_latency_seconds_bucket;op=read;env=e2e;le=0.1': 1,
      'e2e_lib_latency_seconds_bucket;op=read;env=e2e;le=1.0': 3,
      'e2e_lib_latency_seconds_bucket;op=read;env=e2e;le=10.0': 4,
      // Etsy deletes the `+` of `+Inf`.
      'e2e_lib_latency_seconds_bucket;op=read;env=e2e;le=Inf': 5,
      'e2e_lib_latency_seconds_sum;op=read;env=e2e': 12.5,
      'e2e_lib_latency_seconds_count;op=read;env=e2e': 5,
      'e2e_lib_size_bytes;env=e2e;quantile=0.5': 10,
      'e2e_lib_size_bytes;env=e2e;quantile=0.9': 20,
      'e2e_lib_size_bytes_sum;env=e2e': 45,
      'e2e_lib_size_bytes_count;env=e2e': 3,
      'e2e_lib_build_info;env=e2e;version=1.2.3;commit=abc': 1,
      'e2e_lib_phase;env=e2e;e2e_lib_phase=starting': 0,
      'e2e_lib_phase;env=e2e;e2e_lib_phase=running': 1,
      'e2e_lib_phase;env=e2e;e2e_lib_phase=done': 0,
    });
  });

  it('event mode: counter deltas |c, gauge sets |g, observations in ms |ms', async () => {
    const requests = source('e2e_ev_requests', 'counter', ['code']);
    const temp = source('e2e_ev_temp', 'gauge', []);
    const latency = source('e2e_ev_latency_seconds', 'histogram', []);
    const ok = ['200'];
    const none: string[] = [];
    const events: MetricEvent[] = [
      { source: requests, labelValues: ok, kind: 'inc', value: 1 },
      { source: requests, labelValues: ok, kind: 'inc', value: 2.5 },
      { source: temp, labelValues: none, kind: 'set', value: 4 },
      { source: temp, labelValues: none, kind: 'set', value: -5 },
      { source: latency, labelValues: none, kind: 'observe', value: 0.1 },
      { source: latency, labelValues: none, kind: 'observe', value: 1.1 },
    ];
    const window = server().window();
    const encoder = statsdEncoder();
    const lines = await send(
      server(),
      encoder.encodeEvents(events, { defaultLabelNames: ['env'], defaultLabelValues: ['e2e'] }),
    );
    const totals = await window.received(lines);
    assert.deepEqual(totals.counters, { 'e2e_ev_requests_total;code=200;env=e2e': 3.5 });
    assert.deepEqual(totals.gauges, { 'e2e_ev_temp;env=e2e': -5 });
    assert.deepEqual(totals.timers, { 'e2e_ev_latency_seconds;env=e2e': [100, 1100] });
  });
});
