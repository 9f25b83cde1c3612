// Every file in examples/ is type-checked by `npm test` (tsconfig includes examples/) and run
// here as a user would run it, against a real loopback server standing in for its target.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { createSocket } from 'node:dgram';

interface ExampleRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

async function runExample(file: string, env: Record<string, string>): Promise<ExampleRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** A loopback HTTP server recording each request's method, path and body. */
async function httpRecorder() {
  const requests: { method: string; url: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.writeHead(200).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { requests, url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** A loopback UDP server recording each datagram's text. */
async function udpRecorder() {
  const datagrams: string[] = [];
  const socket = createSocket('udp4');
  socket.on('message', (msg) => datagrams.push(msg.toString()));
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return { datagrams, port: socket.address().port, close: () => socket.close() };
}

/**
 * Replaces what depends on measured durations (sums, finite buckets, a timer's value) so the
 * rest, counts and +Inf buckets included, can be compared exactly.
 */
const maskDurations = (text: string) =>
  text
    .replace(/(_sum(?:\{[^}]*\})? )[0-9.e+-]+/g, '$1<t>')
    .replace(/(_bucket\{le="[0-9.e+-]+"\} )\d+/g, '$1<n>')
    .replace(/(_duration_seconds:)[0-9.e+-]+(\|ms)/g, '$1<t>$2');

describe('examples/', () => {
  it('pushgateway-job.ts PUTs its group once, at the end, with the default host label', async () => {
    const target = await httpRecorder();
    const run = await runExample('examples/pushgateway-job.ts', { PUSHGATEWAY_URL: target.url });
    target.close();
    assert.equal(run.code, 0, run.stderr);
    assert.equal(target.requests.length, 1, 'one final push');
    const [push] = target.requests;
    assert.equal(push?.method, 'PUT');
    assert.equal(push?.url, '/metrics/job/nightly-import/shard/3');
    const host = hostname();
    assert.equal(
      maskDurations(push?.body ?? ''),
      '# HELP acme_rows_processed_total Rows the job processed\n' +
        '# TYPE acme_rows_processed_total counter\n' +
        `acme_rows_processed_total{host="${host}",table="users"} 120\n` +
        `acme_rows_processed_total{host="${host}",table="orders"} 45\n` +
        '# HELP acme_last_success_timestamp_seconds When the job last succeeded\n' +
        '# TYPE acme_last_success_timestamp_seconds gauge\n' +
        'acme_last_success_timestamp_seconds 1700000000\n' +
        '# HELP acme_batch_duration_seconds Time per batch\n' +
        '# TYPE acme_batch_duration_seconds histogram\n' +
        'acme_batch_duration_seconds_bucket{le="0.005"} <n>\n' +
        'acme_batch_duration_seconds_bucket{le="0.01"} <n>\n' +
        'acme_batch_duration_seconds_bucket{le="0.025"} <n>\n' +
        'acme_batch_duration_seconds_bucket{le="0.05"} <n>\n' +
        'acme_batch_duration_seconds_bucket{le="0.075"} <n>\n' +
        'acme_batch_duration_seconds_bucket{le="0.1"} <n>\n' +
        'acme_batch_duration_seconds_bucket{le="0.25"} <n>\n' +
        'acme_batch_duration_seconds_bucket{le="0.5"} <n>\n' +
        'acme_batch_duration_seconds_bucket{le="0.75"} <n>\n' +
        'acme_batch_duration_seconds_bucket{le="1.0"} <n>\n' +
        'acme_batch_duration_seconds_bucket{le="2.5"} <n>\n' +
        'acme_batch_duration_seconds_bucket{le="5.0"} <n>\n' +
        'acme_batch_duration_seconds_bucket{le="7.5"} <n>\n' +
        'acme_batch_duration_seconds_bucket{le="10.0"} <n>\n' +
        'acme_batch_duration_seconds_bucket{le="+Inf"} 2\n' +
        'acme_batch_duration_seconds_sum <t>\n' +
        'acme_batch_duration_seconds_count 2\n',
    );
  });

  it('influx-udp-seed-labels.ts sends the seed label rules as line protocol', async () => {
    const target = await udpRecorder();
    const run = await runExample('examples/influx-udp-seed-labels.ts', {
      VM_HOST: '127.0.0.1',
      VM_INFLUX_PORT: String(target.port),
    });
    target.close();
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'processed 3 events\n');
    assert.deepEqual(target.datagrams, [
      ',vm_account_id=0,host=web-1,event_type=login c1_total=2\n' +
        ',vm_account_id=0,host=web-1,event_type=logout c1_total=1\n' +
        ',vm_account_id=0,host=non-default,event_type=login c1_total=2\n',
    ]);
  });

  it('statsd-streaming.ts streams native StatsD events, counter increments summed per turn', async () => {
    const target = await udpRecorder();
    const run = await runExample('examples/statsd-streaming.ts', {
      STATSD_HOST: '127.0.0.1',
      STATSD_PORT: String(target.port),
    });
    target.close();
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(target.datagrams.map(maskDurations), [
      'worker.worker_jobs_total:3|c|#queue:emails\nworker.worker_job_duration_seconds:<t>|ms\n',
    ]);
  });

  it('testing-your-metrics.ts passes its own assertions', async () => {
    const run = await runExample('examples/testing-your-metrics.ts', {});
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, 'pushed exactly what we expected\n');
  });

  it('demo.ts (npm run demo) shows what every preset sends, received by an in-process listener', async () => {
    const run = await runExample('examples/demo.ts', {});
    assert.equal(run.code, 0, run.stderr);
    const sections = [...run.stdout.matchAll(/^── (.+): (\d+) samples$/gm)].map((m) => `${m[1]}: ${m[2]}`);
    assert.deepEqual(sections, [
      'influxUdp (VictoriaMetrics flavour): 13',
      'influxHttp: 13',
      'statsdUdp (batch: every sample a gauge): 14',
      'openMetricsHttp (Prometheus text 0.0.4): 13',
      'openMetricsHttp (format: openmetrics): 13',
      'pushgateway: 13',
      'aggregationGateway (deltas since the last accepted push): 12',
      'remoteWrite: 13',
      'influxUdpStream (changed series only): 12',
      'statsdUdpStream (native events): 7',
    ]);
    assert.match(
      run.stdout,
      /^pushgateway +demo_rows_processed_total +\{host="demo-host",table="users",job="demo",shard="a\/b"\} +3 +counter$/m,
    );
  });
});
