// The library's own encoders and transports pushing one hand-built Snapshot (every metric type,
// nasty label values) into a real VictoriaMetrics 1.79, read back exactly through /api/v1/export.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Encoder } from '../../src/encoding/encoder.js';
import { influxLineEncoder } from '../../src/encoding/influx-line.js';
import { openMetricsEncoder } from '../../src/encoding/openmetrics.js';
import { prometheusTextEncoder } from '../../src/encoding/prometheus-text.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { httpTransport } from '../../src/transport/http.js';
import type { Transport } from '../../src/transport/transport.js';
import { udpTransport } from '../../src/transport/udp.js';
import { expectedCreatedSamples, expectedSamples, fixtureSnapshot, sortSamples } from './harness/fixture.js';
import type { Sample } from './harness/fixture.js';
import { requireServer } from './harness/require-server.js';
import type { ExportedSeries } from './harness/victoria-metrics.js';
import { useVictoriaMetrics } from './harness/victoria-metrics.js';

const skip = requireServer('victoria-metrics');

/** Whole seconds in ms. */
const T = Math.floor(Date.now() / 1000) * 1000;

/** Encodes and sends every payload, asserting each send succeeded; closes the transport. */
async function push(encoder: Encoder, snapshot: Snapshot, transport: Transport): Promise<number> {
  const payloads = encoder.encode(snapshot);
  try {
    for (const payload of payloads) {
      const result = await transport.send(payload);
      assert.ok(result.ok, result.ok ? '' : result.error.message);
    }
  } finally {
    await transport.close();
  }
  return payloads.length;
}

/** One sample per series (each must hold exactly one), checking its timestamp. */
function samples(series: readonly ExportedSeries[], timestamp: (ts: number) => boolean): Sample[] {
  return sortSamples(
    series.map((s) => {
      assert.equal(s.values.length, 1, `${JSON.stringify(s.metric)} has ${s.values.length} samples`);
      const ts = s.timestamps[0] ?? NaN;
      assert.ok(timestamp(ts), `${JSON.stringify(s.metric)}: unexpected timestamp ${ts}`);
      return { metric: s.metric, value: s.values[0] ?? NaN };
    }),
  );
}

describe('VictoriaMetrics 1.79 through the library encoders and transports', { skip }, () => {
  const server = useVictoriaMetrics();

  afterEach(async () => {
    assert.deepEqual(await server().takeRejectedLines(), []);
  });

  it('influxLineEncoder (victoriametrics flavour, ms timestamps) + httpTransport to /write', async () => {
    const encoder = influxLineEncoder({ timestamp: true, precision: 'ms' });
    const transport = httpTransport({
      url: `${server().url}/write?precision=${encoder.precision}`,
      contentType: encoder.contentType,
    });
    await push(encoder, fixtureSnapshot('e2e_lib_ih', T), transport);
    await server().sync();
    const got = await server().export('{__name__=~"e2e_lib_ih_.*"}');
    assert.deepEqual(
      samples(got, (ts) => ts === T),
      expectedSamples('e2e_lib_ih'),
    );
  });

  it('influxLineEncoder (ns timestamps, 512-byte payloads) + udpTransport', async () => {
    const encoder = influxLineEncoder({ timestamp: true, maxPayloadBytes: 512 });
    const sent = await push(
      encoder,
      fixtureSnapshot('e2e_lib_iu', T),
      udpTransport({ host: '127.0.0.1', port: server().influxPort }),
    );
    assert.ok(sent > 1, `expected several datagrams, got ${sent}`);
    const expected = expectedSamples('e2e_lib_iu');
    const got = await server().exportWhenIngested('{__name__=~"e2e_lib_iu_.*"}', expected.length);
    assert.deepEqual(
      samples(got, (ts) => ts === T),
      expected,
    );
  });

  it('prometheusTextEncoder + httpTransport to /api/v1/import/prometheus (no timestamps)', async () => {
    const encoder = prometheusTextEncoder();
    const transport = httpTransport({
      url: `${server().url}/api/v1/import/prometheus`,
      contentType: encoder.contentType,
    });
    const before = Date.now();
    await push(encoder, fixtureSnapshot('e2e_lib_pt', T), transport);
    const after = Date.now();
    await server().sync();
    const got = await server().export('{__name__=~"e2e_lib_pt_.*"}');
    assert.deepEqual(
      samples(got, (ts) => ts >= before - 1000 && ts <= after),
      expectedSamples('e2e_lib_pt'),
    );
  });

  it('openMetricsEncoder (created: true) + httpTransport to /api/v1/import/prometheus', async () => {
    const encoder = openMetricsEncoder({ created: true });
    const transport = httpTransport({
      url: `${server().url}/api/v1/import/prometheus`,
      contentType: encoder.contentType,
    });
    const before = Date.now();
    await push(encoder, fixtureSnapshot('e2e_lib_om', T), transport);
    const after = Date.now();
    await server().sync();
    const got = await server().export('{__name__=~"e2e_lib_om_.*"}');
    assert.deepEqual(
      samples(got, (ts) => ts >= before - 1000 && ts <= after),
      sortSamples([...expectedSamples('e2e_lib_om'), ...expectedCreatedSamples('e2e_lib_om', T)]),
    );
  });

  it('non-finite gauge values: ±Inf stored by both paths, NaN accepted but never exported', async () => {
    const snapshot = (name: string): Snapshot => ({
      timestampMs: T,
      defaultLabelNames: [],
      defaultLabelValues: [],
      families: [
        {
          type: 'gauge',
          name,
          help: '',
          unit: '',
          labelNames: ['v'],
          series: [
            { labelValues: ['pos'], value: Infinity },
            { labelValues: ['neg'], value: -Infinity },
            { labelValues: ['nan'], value: NaN },
          ],
        },
      ],
    });
    const influx = influxLineEncoder({ timestamp: true, precision: 'ms' });
    await push(
      influx,
      snapshot('e2e_lib_nf_influx'),
      httpTransport({ url: `${server().url}/write?precision=ms`, contentType: influx.contentType }),
    );
    const text = prometheusTextEncoder();
    await push(
      text,
      snapshot('e2e_lib_nf_text'),
      httpTransport({ url: `${server().url}/api/v1/import/prometheus`, contentType: text.contentType }),
    );
    await server().sync();
    const got = await server().export('{__name__=~"e2e_lib_nf_.*"}');
    assert.deepEqual(
      samples(got, () => true),
      sortSamples([
        { metric: { __name__: 'e2e_lib_nf_influx', v: 'neg' }, value: -Infinity },
        { metric: { __name__: 'e2e_lib_nf_influx', v: 'pos' }, value: Infinity },
        { metric: { __name__: 'e2e_lib_nf_text', v: 'neg' }, value: -Infinity },
        { metric: { __name__: 'e2e_lib_nf_text', v: 'pos' }, value: Infinity },
      ]),
    );
  });
});
