// The Prometheus text encoder and the HTTP transport pushing one hand-built Snapshot (every metric
// type, nasty label values) into a real Pushgateway 1.5, read back through /api/v1/metrics.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prometheusTextEncoder } from '../../src/encoding/prometheus-text.js';
import { httpTransport } from '../../src/transport/http.js';
import { fixtureSnapshot, NASTY } from './harness/fixture.js';
import { usePushgateway } from './harness/pushgateway.js';
import type { PgwFamily, PgwMetric } from './harness/pushgateway.js';
import { requireServer } from './harness/require-server.js';

const skip = requireServer('prometheus-pushgateway');

const T = Math.floor(Date.now() / 1000) * 1000;

const labelKey = (m: PgwMetric) => JSON.stringify(Object.entries(m.labels).sort());

/** Families as pushed: without the Pushgateway's own two, time stamps dropped, metrics sorted by labels. */
function pushed(families: Readonly<Record<string, PgwFamily>>): Record<string, Omit<PgwFamily, 'time_stamp'>> {
  const out: Record<string, Omit<PgwFamily, 'time_stamp'>> = {};
  for (const [name, { time_stamp: _t, ...family }] of Object.entries(families)) {
    if (name === 'push_time_seconds' || name === 'push_failure_time_seconds') continue;
    out[name] = { ...family, metrics: [...family.metrics].sort((a, b) => (labelKey(a) < labelKey(b) ? -1 : 1)) };
  }
  return out;
}

describe('Pushgateway 1.5 through the library encoder and transport', { skip }, () => {
  const server = usePushgateway();

  beforeEach(async () => {
    await server().wipe();
  });

  it('prometheusTextEncoder + httpTransport PUT to /metrics/job/<job>: types, HELP, labels, values', async () => {
    const encoder = prometheusTextEncoder();
    const transport = httpTransport({ url: server().url, method: 'PUT', contentType: encoder.contentType });
    try {
      const payloads = encoder.encode(fixtureSnapshot('e2e_lib', T));
      assert.equal(payloads.length, 1);
      const result = await transport.send(payloads[0] ?? new Uint8Array(), { path: '/metrics/job/e2e_lib' });
      assert.ok(result.ok, result.ok ? '' : result.error.message);
    } finally {
      await transport.close();
    }
    const group = await server().group({ job: 'e2e_lib' });
    assert.equal(group?.lastPushSuccessful, true);
    const l = (labels: Record<string, string>) => ({ ...labels, env: 'e2e', instance: '', job: 'e2e_lib' });
    const phase = (state: string, value: string) => ({ labels: l({ e2e_lib_phase: state }), value });
    assert.deepEqual(pushed(group.families), {
      e2e_lib_requests_total: {
        type: 'COUNTER',
        help: 'Requests "served" with a \\ backslash.',
        metrics: [
          { labels: l({ code: '200', path: '/a b' }), value: '3' },
          { labels: l({ code: '500', path: NASTY }), value: '1.5' },
        ],
      },
      e2e_lib_temperature_celsius: {
        type: 'GAUGE',
        help: 'Temperature.',
        metrics: [{ labels: l({ room: 'kitchen' }), value: '-2.25' }],
      },
      e2e_lib_latency_seconds: {
        type: 'HISTOGRAM',
        help: 'Latency.',
        // The JSON API re-renders bucket bounds as Go floats: le="1.0" shows as "1".
        metrics: [
          {
            labels: l({ op: 'read' }),
            buckets: { '0.1': '1', '1': '3', '10': '4', '+Inf': '5' },
            count: '5',
            sum: '12.5',
          },
        ],
      },
      e2e_lib_size_bytes: {
        type: 'SUMMARY',
        help: 'Sizes.',
        metrics: [{ labels: l({}), quantiles: { '0.5': '10', '0.9': '20' }, count: '3', sum: '45' }],
      },
      e2e_lib_build_info: {
        type: 'GAUGE',
        help: 'Build.',
        metrics: [{ labels: l({ commit: 'abc', version: '1.2.3' }), value: '1' }],
      },
      e2e_lib_phase: {
        type: 'GAUGE',
        help: 'Phase.',
        metrics: [phase('done', '0'), phase('running', '1'), phase('starting', '0')],
      },
    });
  });
});
