// The Influx line encoder's `influxdb` flavour and the library's transports pushing one
// hand-built Snapshot into a real InfluxDB 1.6 over HTTP and UDP, read back with /query.
//
// The flavour splits each Prometheus sample name at its last `_` into measurement and field, so
// reading every measurement back and joining `<measurement>_<field>` must give exactly the samples
// of the fixture (tags = labels).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { influxLineEncoder } from '../../src/encoding/influx-line.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { httpTransport } from '../../src/transport/http.js';
import type { Transport } from '../../src/transport/transport.js';
import { udpTransport } from '../../src/transport/udp.js';
import { expectedSamples, fixtureSnapshot, sortSamples } from './harness/fixture.js';
import type { Sample } from './harness/fixture.js';
import { startInfluxDB } from './harness/influxdb.js';
import type { InfluxSeries } from './harness/influxdb.js';
import { requireServer } from './harness/require-server.js';
import { useServer } from './harness/use-server.js';

const skip = requireServer('influxdb');

/** Whole seconds in ms. */
const T = Math.floor(Date.now() / 1000) * 1000;

async function send(payloads: Uint8Array[], transport: Transport): Promise<void> {
  try {
    for (const payload of payloads) {
      const result = await transport.send(payload);
      assert.ok(result.ok, result.ok ? '' : result.error.message);
    }
  } finally {
    await transport.close();
  }
}

/** `SELECT * … GROUP BY *` series back to Prometheus samples; every row must be at `T`. */
function toSamples(series: readonly InfluxSeries[]): Sample[] {
  const out: Sample[] = [];
  for (const s of series) {
    // GROUP BY * lists every tag key of the measurement; '' means "not set on this series".
    const tags = Object.fromEntries(Object.entries(s.tags ?? {}).filter(([, v]) => v !== ''));
    for (const row of s.values) {
      assert.equal(row[0], T, `${s.name}: unexpected time ${String(row[0])}`);
      s.columns.forEach((field, i) => {
        const value = row[i];
        if (i === 0 || value === null || value === undefined) return;
        assert.equal(typeof value, 'number', `${s.name}.${field} is ${typeof value}`);
        out.push({ metric: { __name__: `${s.name}_${field}`, ...tags }, value: value as number });
      });
    }
  }
  return sortSamples(out);
}

describe('InfluxDB 1.6 through the library encoder (influxdb flavour) and transports', { skip }, () => {
  const server = useServer('InfluxDB', startInfluxDB);

  it('HTTP /write with ms timestamps: every sample back under <measurement>_<field>', async () => {
    const encoder = influxLineEncoder({ flavor: 'influxdb', timestamp: true, precision: 'ms' });
    const db = server().database;
    await send(
      encoder.encode(fixtureSnapshot('e2e_lib_h', T)),
      httpTransport({ url: `${server().url}/write?db=${db}&precision=${encoder.precision}` }),
    );
    const got = await server().query(db, 'SELECT * FROM /^e2e_lib_h(_|$)/ GROUP BY *');
    assert.deepEqual(toSamples(got), expectedSamples('e2e_lib_h'));
  });

  it('UDP (ns timestamps, 512-byte datagrams) into the udp database', async () => {
    const encoder = influxLineEncoder({ flavor: 'influxdb', timestamp: true, maxPayloadBytes: 512 });
    const payloads = encoder.encode(fixtureSnapshot('e2e_lib_u', T));
    assert.ok(payloads.length > 1, `expected several datagrams, got ${payloads.length}`);
    await send(payloads, udpTransport({ host: '127.0.0.1', port: server().udpPort }));
    const expected = expectedSamples('e2e_lib_u');
    const got = await server().queryWhenIngested(
      server().udpDatabase,
      'SELECT * FROM /^e2e_lib_u(_|$)/ GROUP BY *',
      (series) => toSamples(series).length >= expected.length,
    );
    assert.deepEqual(toSamples(got), expected);
  });

  it('non-finite values are skipped and reported (InfluxDB rejects NaN and Inf)', async () => {
    const skipped: number[] = [];
    const encoder = influxLineEncoder({
      flavor: 'influxdb',
      timestamp: true,
      precision: 'ms',
      onSkip: (n) => skipped.push(n),
    });
    const snapshot: Snapshot = {
      timestampMs: T,
      defaultLabelNames: [],
      defaultLabelValues: [],
      families: [
        {
          type: 'gauge',
          name: 'e2e_lib_nf_value',
          help: '',
          unit: '',
          labelNames: ['v'],
          series: [
            { labelValues: ['pos'], value: Infinity },
            { labelValues: ['nan'], value: NaN },
            { labelValues: ['ok'], value: 2 },
          ],
        },
      ],
    };
    const db = server().database;
    await send(encoder.encode(snapshot), httpTransport({ url: `${server().url}/write?db=${db}&precision=ms` }));
    assert.deepEqual(skipped, [2]);
    assert.deepEqual(toSamples(await server().query(db, 'SELECT * FROM "e2e_lib_nf" GROUP BY *')), [
      { metric: { __name__: 'e2e_lib_nf_value', v: 'ok' }, value: 2 },
    ]);
  });
});
