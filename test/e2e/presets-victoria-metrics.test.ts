// Every preset that targets VictoriaMetrics, with every metric type, into a real VictoriaMetrics
// 1.79 (single-node), read back exactly through /api/v1/export: influxUdp, influxHttp,
// openMetricsHttp (text 0.0.4 and OpenMetrics) and influxUdpStream; plus the cluster tenancy
// labels, which single-node keeps as ordinary labels.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PushError } from '../../src/errors.js';
import { influxHttp } from '../../src/presets/influx-http.js';
import { influxUdp } from '../../src/presets/influx-udp.js';
import { influxUdpStream } from '../../src/presets/influx-udp-stream.js';
import { openMetricsHttp } from '../../src/presets/openmetrics-http.js';
import type { Pusher } from '../../src/push/pusher.js';
import { sortSamples } from './harness/fixture.js';
import type { Sample } from './harness/fixture.js';
import { requireServer } from './harness/require-server.js';
import type { ExportedSeries } from './harness/victoria-metrics.js';
import { expectedPresetSamples, presetMetrics, record } from './presets-metrics.js';
import { useVictoriaMetrics } from './harness/victoria-metrics.js';

const skip = requireServer('victoria-metrics');

/** The last sample of each series (a streaming pusher may have written a series more than once). */
function latest(series: readonly ExportedSeries[]): Sample[] {
  return sortSamples(series.map((s) => ({ metric: s.metric, value: s.values.at(-1) ?? NaN })));
}

describe('presets into VictoriaMetrics 1.79', { skip }, () => {
  const server = useVictoriaMetrics();
  let errors: PushError[] = [];
  const common = () => ({ selfMetrics: false as const, onError: (e: PushError) => errors.push(e) });

  afterEach(async () => {
    assert.deepEqual(errors, []);
    errors = [];
    assert.deepEqual(await server().takeRejectedLines(), []);
  });

  /** Runs a batch pusher's job (record, then the final push of the session) and reads back. */
  async function batch(prefix: string, make: (m: ReturnType<typeof presetMetrics>) => Pusher, viaUdp: boolean) {
    const m = presetMetrics(prefix);
    const pusher = make(m);
    const result = await pusher.run(() => {
      record(m);
      return 'ok';
    });
    assert.equal(result, 'ok');
    await pusher.stop();
    const expected = expectedPresetSamples(prefix);
    const match = `{__name__=~"${prefix}_.*"}`;
    const got = viaUdp ? await server().exportWhenIngested(match, expected.length) : await exportNow(match);
    return { got: latest(got), expected };
  }

  async function exportNow(match: string): Promise<ExportedSeries[]> {
    await server().sync();
    return server().export(match);
  }

  it('influxUdp: every metric type, exact values', async () => {
    const { got, expected } = await batch(
      'pvm_iu',
      (m) => influxUdp({ host: '127.0.0.1', port: server().influxPort, registry: m.registry, ...common() }),
      true,
    );
    assert.deepEqual(got, expected);
  });

  it('influxHttp to /write: every metric type, exact values', async () => {
    const { got, expected } = await batch(
      'pvm_ih',
      (m) => influxHttp({ url: `${server().url}/write`, registry: m.registry, ...common() }),
      false,
    );
    assert.deepEqual(got, expected);
  });

  it('influxHttp gzip to /influx/write: every metric type, exact values', async () => {
    const { got, expected } = await batch(
      'pvm_ihz',
      (m) => influxHttp({ url: `${server().url}/influx/write`, gzip: true, registry: m.registry, ...common() }),
      false,
    );
    assert.deepEqual(got, expected);
  });

  for (const format of ['prometheus', 'openmetrics'] as const) {
    it(`openMetricsHttp (${format}) to /api/v1/import/prometheus: every metric type, exact values`, async () => {
      const prefix = `pvm_om_${format}`;
      const { got, expected } = await batch(
        prefix,
        (m) =>
          openMetricsHttp({
            url: `${server().url}/api/v1/import/prometheus`,
            format,
            registry: m.registry,
            ...common(),
          }),
        false,
      );
      assert.deepEqual(got, expected);
    });
  }

  it('influxUdpStream: the changes of one turn streamed, every metric type, exact values', async () => {
    const prefix = 'pvm_us';
    const m = presetMetrics(prefix);
    const pusher = influxUdpStream({ host: '127.0.0.1', port: server().influxPort, registry: m.registry, ...common() });
    // Only what changes is streamed: the records of one turn, coalesced per series.
    await pusher.run(() => record(m));
    await pusher.stop();
    const expected = expectedPresetSamples(prefix);
    const got = await server().exportWhenIngested(`{__name__=~"${prefix}_.*"}`, expected.length);
    assert.deepEqual(latest(got), expected);
  });

  it('VM cluster tenancy labels: vm_account_id/vm_project_id are sent as tags (single-node stores them as labels)', async () => {
    const prefix = 'pvm_tenant';
    const m = presetMetrics(prefix);
    m.registry.setDefaultLabels({ env: 'e2e', vm_account_id: 42, vm_project_id: 7 });
    const pusher = influxUdp({ host: '127.0.0.1', port: server().influxPort, registry: m.registry, ...common() });
    await pusher.run(() => m.requests.labels({ code: '200' }).inc(3));
    await pusher.stop();
    const got = await server().exportWhenIngested(`${prefix}_requests_total`, 1);
    assert.deepEqual(latest(got), [
      {
        metric: {
          __name__: `${prefix}_requests_total`,
          code: '200',
          env: 'e2e',
          vm_account_id: '42',
          vm_project_id: '7',
        },
        value: 3,
      },
    ]);
  });
});
