// influxUdp and influxHttp with flavor 'influxdb', every metric type, into a real InfluxDB 1.6,
// read back with /query. The flavour splits each Prometheus sample name at its last `_` into
// measurement and field, so joining `<measurement>_<field>` must give the exact samples back.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PushError } from '../../src/errors.js';
import { influxHttp } from '../../src/presets/influx-http.js';
import { influxUdp } from '../../src/presets/influx-udp.js';
import { sortSamples } from './harness/fixture.js';
import type { Sample } from './harness/fixture.js';
import { startInfluxDB } from './harness/influxdb.js';
import type { InfluxSeries } from './harness/influxdb.js';
import { requireServer } from './harness/require-server.js';
import { expectedPresetSamples, presetMetrics, record } from './presets-metrics.js';
import { useServer } from './harness/use-server.js';

const skip = requireServer('influxdb');

/** `SELECT * … GROUP BY *` back to Prometheus samples (one row per series: one push). */
function toSamples(series: readonly InfluxSeries[]): Sample[] {
  const out: Sample[] = [];
  for (const s of series) {
    const tags = Object.fromEntries(Object.entries(s.tags ?? {}).filter(([, v]) => v !== ''));
    assert.equal(s.values.length, 1, `${s.name} ${JSON.stringify(tags)}: ${s.values.length} rows`);
    for (const row of s.values) {
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

/** Field values (non-null cells but the time) in a /query result. */
function fieldValues(series: readonly InfluxSeries[]): number {
  let n = 0;
  for (const s of series) for (const row of s.values) n += row.slice(1).filter((v) => v !== null).length;
  return n;
}

describe('influx presets (flavor influxdb) into InfluxDB 1.6', { skip }, () => {
  const server = useServer('InfluxDB', startInfluxDB);
  let errors: PushError[] = [];
  const common = () => ({ selfMetrics: false as const, onError: (e: PushError) => errors.push(e) });

  afterEach(() => {
    assert.deepEqual(errors, []);
    errors = [];
  });

  it('influxHttp to /write?db=: every metric type, exact values', async () => {
    const prefix = 'pix_h';
    const m = presetMetrics(prefix);
    const pusher = influxHttp({
      url: `${server().url}/write?db=${server().database}`,
      flavor: 'influxdb',
      registry: m.registry,
      ...common(),
    });
    // start → stop: exactly one push (the final one), so one row per series.
    pusher.start();
    record(m);
    await pusher.stop();
    const got = await server().query(server().database, `SELECT * FROM /^${prefix}(_|$)/ GROUP BY *`);
    assert.deepEqual(toSamples(got), expectedPresetSamples(prefix));
  });

  it('influxUdp into the udp database: every metric type, exact values', async () => {
    const prefix = 'pix_u';
    const m = presetMetrics(prefix);
    const pusher = influxUdp({
      host: '127.0.0.1',
      port: server().udpPort,
      flavor: 'influxdb',
      registry: m.registry,
      ...common(),
    });
    pusher.start();
    record(m);
    await pusher.stop();
    const expected = expectedPresetSamples(prefix);
    const got = await server().queryWhenIngested(
      server().udpDatabase,
      `SELECT * FROM /^${prefix}(_|$)/ GROUP BY *`,
      (series) => fieldValues(series) >= expected.length,
    );
    assert.deepEqual(toSamples(got), expected);
  });

  it('influxHttp reports InfluxDB’s 400 with its body (a field type conflict)', async () => {
    const prefix = 'pix_conflict';
    const db = server().database;
    // An integer field first: the library's float field then conflicts.
    assert.equal((await server().write(db, `${prefix}_requests total=1i`)).status, 204);
    const m = presetMetrics(prefix);
    const seen: PushError[] = [];
    const pusher = influxHttp({
      url: `${server().url}/write?db=${db}`,
      flavor: 'influxdb',
      registry: m.registry,
      selfMetrics: false,
      onError: (e) => seen.push(e),
    });
    pusher.start();
    m.requests.labels({ code: '200' }).inc();
    await pusher.stop();
    assert.deepEqual(
      seen.map((e) => e.code),
      ['ERR_HTTP_STATUS'],
    );
    assert.match(seen[0]?.message ?? '', /HTTP 400 from .*\/write\?db=e2e: .*field type conflict/);
  });
});
