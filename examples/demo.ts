// `npm run demo`: a short job pushes its metrics through every preset to a `listen` receiver
// started in this same process, and prints what arrived, so you can see each wire format
// without installing a server. `npm run demo -- --vm` also starts VictoriaMetrics (if installed:
// scripts/install-servers.sh), pushes to it and prints the values read back from it.
import {
  Counter,
  Enum,
  Gauge,
  Histogram,
  Info,
  Registry,
  Summary,
  aggregationGateway,
  influxHttp,
  influxUdp,
  influxUdpStream,
  openMetricsHttp,
  pushgateway,
  remoteWrite,
  statsdUdp,
  statsdUdpStream,
} from 'prometheus-push-client';
import type { Pusher } from 'prometheus-push-client';
import { startListener } from '../src/cli/listener.js';
import type { ReceivedSample } from '../src/cli/received-sample.js';
import { TABLE_HEADER, tableRow } from '../src/cli/sample-table.js';

// One registry per demo so each preset shows exactly what one job sends; `selfMetrics: false`
// keeps the pushers' own counters out of the picture.
function jobMetrics() {
  const registry = new Registry();
  const processed = new Counter({
    name: 'demo_rows_processed',
    help: 'Rows processed',
    labelNames: ['host', 'table'] as const,
    defaultLabels: { host: 'demo-host' },
    registry,
  });
  const inFlight = new Gauge({ name: 'demo_in_flight', help: 'Rows in flight', registry });
  const latency = new Histogram({
    name: 'demo_batch_seconds',
    help: 'Batch duration',
    buckets: [0.1, 1],
    registry,
  });
  const size = new Summary({ name: 'demo_batch_size', help: 'Batch size', percentiles: [0.5], registry });
  new Info({ name: 'demo_build', help: 'Build', registry }).info({ version: '1.2.3' });
  const phase = new Enum({ name: 'demo_phase', help: 'Phase', states: ['idle', 'running'], registry });
  const job = () => {
    processed.labels({ table: 'users' }).inc(3);
    inFlight.set(-2);
    latency.observe(0.25);
    size.observe(100);
    phase.state('running');
  };
  return { registry, job };
}

const waitForDatagrams = () => new Promise((resolve) => setTimeout(resolve, 50));

async function main(): Promise<void> {
  const received: ReceivedSample[] = [];
  const listener = await startListener({ udpPort: 0, httpPort: 0, onSample: (s) => received.push(s) });
  const http = `http://127.0.0.1:${listener.httpPort}`;
  const udp = { host: '127.0.0.1', port: listener.udpPort ?? 0 };
  console.log(`listen receiver on ${listener.addresses}\n`);

  const presets: [string, (registry: Registry) => Pusher][] = [
    ['influxUdp (VictoriaMetrics flavour)', (registry) => influxUdp({ ...udp, registry, selfMetrics: false })],
    ['influxHttp', (registry) => influxHttp({ url: `${http}/write`, registry, selfMetrics: false })],
    ['statsdUdp (batch: every sample a gauge)', (registry) => statsdUdp({ ...udp, registry, selfMetrics: false })],
    [
      'openMetricsHttp (Prometheus text 0.0.4)',
      (registry) => openMetricsHttp({ url: `${http}/api/v1/import/prometheus`, registry, selfMetrics: false }),
    ],
    [
      'openMetricsHttp (format: openmetrics)',
      (registry) =>
        openMetricsHttp({
          url: `${http}/api/v1/import/prometheus`,
          format: 'openmetrics',
          registry,
          selfMetrics: false,
        }),
    ],
    [
      'pushgateway',
      (registry) => pushgateway({ url: http, job: 'demo', grouping: { shard: 'a/b' }, registry, selfMetrics: false }),
    ],
    [
      'aggregationGateway (deltas since the last accepted push)',
      (registry) => aggregationGateway({ url: `${http}/api/v1/import/prometheus`, registry, selfMetrics: false }),
    ],
    ['remoteWrite', (registry) => remoteWrite({ url: `${http}/api/v1/write`, registry, selfMetrics: false })],
    ['influxUdpStream (changed series only)', (registry) => influxUdpStream({ ...udp, registry, selfMetrics: false })],
    ['statsdUdpStream (native events)', (registry) => statsdUdpStream({ ...udp, registry, selfMetrics: false })],
  ];

  for (const [title, makePusher] of presets) {
    const { registry, job } = jobMetrics();
    received.length = 0;
    await makePusher(registry).run(job); // final push when the job returns
    await waitForDatagrams(); // UDP has no answer to wait for
    console.log(`── ${title}: ${received.length} samples`);
    console.log(TABLE_HEADER);
    for (const sample of received) console.log(tableRow(sample));
    console.log('');
  }
  await listener.close();

  if (process.argv.includes('--vm')) await victoriaMetricsDemo();
}

async function victoriaMetricsDemo(): Promise<void> {
  const { locateServer, missingMessage } = await import('../test/e2e/harness/require-server.js');
  if (locateServer('victoria-metrics') === undefined) {
    console.log(missingMessage('victoria-metrics').replace('e2e skipped', 'demo --vm skipped'));
    return;
  }
  const { startVictoriaMetrics } = await import('../test/e2e/harness/victoria-metrics.js');
  const vm = await startVictoriaMetrics();
  try {
    const { registry, job } = jobMetrics();
    await influxHttp({ url: `${vm.url}/write`, registry, selfMetrics: false }).run(job);
    await vm.sync();
    console.log(`── VictoriaMetrics at ${vm.url}: /api/v1/export read back`);
    for (const series of await vm.export('{__name__=~"demo_.*"}')) {
      const { __name__: name, ...labels } = series.metric;
      const labelText = Object.entries(labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      console.log(`${name ?? ''}{${labelText}} ${series.values.join(' ')}`);
    }
  } finally {
    await vm.stop();
  }
}

await main();
