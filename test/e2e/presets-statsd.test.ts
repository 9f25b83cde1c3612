// statsdUdp (batch: every sample a gauge) and statsdUdpStream (native events), every metric type,
// into a real Etsy statsd 0.9, read back from its flush events. Etsy statsd turns dogstatsd tags
// into graphite tags in the key (`name;k=v`) and deletes characters outside [A-Za-z0-9_.;=-]
// (so `le=+Inf` arrives as `le=Inf`). statsd_exporter is not installable here (SERVERS §5): its
// parsing rules are covered by the encoder's golden files.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PushError } from '../../src/errors.js';
import { statsdUdp } from '../../src/presets/statsd-udp.js';
import { statsdUdpStream } from '../../src/presets/statsd-udp-stream.js';
import { requireServer } from './harness/require-server.js';
import { startStatsd } from './harness/statsd.js';
import { presetMetrics, record } from './presets-metrics.js';
import { useServer } from './harness/use-server.js';

const skip = requireServer('statsd');

describe('StatsD presets into Etsy statsd 0.9', { skip }, () => {
  const server = useServer('statsd', startStatsd);
  let errors: PushError[] = [];
  const common = () => ({ selfMetrics: false as const, onError: (e: PushError) => errors.push(e) });

  afterEach(() => {
    assert.equal(server().badLinesSeen(), 0);
    assert.deepEqual(errors, []);
    errors = [];
  });

  it('statsdUdp: every metric type as gauges with their cumulative values, exact', async () => {
    const p = 'psd_b';
    const m = presetMetrics(p);
    const pusher = statsdUdp({ host: '127.0.0.1', port: server().udpPort, registry: m.registry, ...common() });
    const window = server().window();
    pusher.start();
    record(m);
    await pusher.stop(); // one push: the final one
    // 16 samples plus the `0|g` that precedes the negative gauge.
    const totals = await window.received(17);
    assert.deepEqual(totals.counters, {});
    assert.deepEqual(totals.timers, {});
    assert.deepEqual(totals.gauges, {
      [`${p}_requests_total;code=200;env=e2e`]: 3,
      [`${p}_requests_total;code=500;env=e2e`]: 1.5,
      [`${p}_temperature_celsius;env=e2e`]: -2.25,
      [`${p}_latency_seconds_bucket;env=e2e;le=0.1`]: 1,
      [`${p}_latency_seconds_bucket;env=e2e;le=1.0`]: 2,
      [`${p}_latency_seconds_bucket;env=e2e;le=Inf`]: 3,
      [`${p}_latency_seconds_sum;env=e2e`]: 2.55,
      [`${p}_latency_seconds_count;env=e2e`]: 3,
      [`${p}_size_bytes;env=e2e;quantile=0.5`]: 2.5,
      [`${p}_size_bytes;env=e2e;quantile=0.9`]: 4,
      [`${p}_size_bytes_sum;env=e2e`]: 10,
      [`${p}_size_bytes_count;env=e2e`]: 4,
      [`${p}_build_info;env=e2e;version=1.2.3`]: 1,
      [`${p}_phase;env=e2e;${p}_phase=starting`]: 0,
      [`${p}_phase;env=e2e;${p}_phase=running`]: 1,
      [`${p}_phase;env=e2e;${p}_phase=done`]: 0,
    });
  });

  it('statsdUdpStream: counters as deltas, observations as timers, the rest as gauges, exact', async () => {
    const p = 'psd_s';
    const m = presetMetrics(p);
    const pusher = statsdUdpStream({ host: '127.0.0.1', port: server().udpPort, registry: m.registry, ...common() });
    const window = server().window();
    const result = await pusher.run(() => {
      record(m);
      // More increments in the same turn are summed into the same `|c` line.
      m.requests.labels({ code: '200' }).inc(2);
      return 'done';
    });
    assert.equal(result, 'done');
    await pusher.stop();
    // 2 counters, 0|g + the negative gauge, 1 info, 3 enum states, 3 + 4 observations.
    const totals = await window.received(15);
    assert.deepEqual(totals.counters, {
      [`${p}_requests_total;code=200;env=e2e`]: 5,
      [`${p}_requests_total;code=500;env=e2e`]: 1.5,
    });
    assert.deepEqual(totals.gauges, {
      [`${p}_temperature_celsius;env=e2e`]: -2.25,
      [`${p}_build_info;env=e2e;version=1.2.3`]: 1,
      [`${p}_phase;env=e2e;${p}_phase=starting`]: 0,
      [`${p}_phase;env=e2e;${p}_phase=running`]: 1,
      [`${p}_phase;env=e2e;${p}_phase=done`]: 0,
    });
    assert.deepEqual(totals.timers, {
      [`${p}_latency_seconds;env=e2e`]: [50, 500, 2000],
      [`${p}_size_bytes;env=e2e`]: [1000, 2000, 3000, 4000],
    });
  });
});
