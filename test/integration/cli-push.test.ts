// `prometheus-push-client push`: values from arguments and from stdin, to every target kind,
// asserting the exact bytes that reach loopback servers in this process.
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { decodeWriteRequest } from '../../src/cli/decode/remote-write.js';
import { snappyDecompress } from '../../src/cli/decode/snappy.js';
import { runCli } from './support/cli.js';
import { startRecordingServer, startUdpSink } from './support/loopback.js';
import type { HttpServerHandle, ReceivedRequest } from './support/loopback.js';

describe('cli push', { concurrency: 4, timeout: 120_000 }, () => {
  let server: HttpServerHandle;
  const origin = (): string => `127.0.0.1:${server.port}`;
  before(async () => {
    server = await startRecordingServer((request) =>
      request.url.startsWith('/fail400') ? { status: 400, body: 'bad\nbody' } : { status: 204 },
    );
  });
  after(async () => {
    await server.close();
  });

  /** Runs `push` to a tagged URL and returns the one request that reached the server for it. */
  async function pushHttp(target: (tag: string) => string, args: readonly string[], stdin?: string) {
    const tag = `t${Math.random().toString(36).slice(2)}`;
    const result = await runCli(['push', '--to', target(tag), ...args], stdin === undefined ? {} : { stdin });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const requests = server.requests.filter((r) => r.url.includes(tag));
    assert.equal(requests.length, 1, `requests for ${tag}`);
    return requests[0]!;
  }

  /** Runs `push` to a UDP sink of its own and returns the first datagram. */
  async function pushUdp(target: (port: number) => string, args: readonly string[], stdin?: string): Promise<string> {
    const own = await startUdpSink();
    try {
      const result = await runCli(['push', '--to', target(own.port), ...args], stdin === undefined ? {} : { stdin });
      assert.equal(result.code, 0, result.stderr);
      await own.received(1);
      return own.messages[0]!.toString();
    } finally {
      await own.close();
    }
  }

  it('influx+udp: one datagram of Influx lines, VictoriaMetrics names', async () => {
    const text = await pushUdp(
      (port) => `influx+udp://127.0.0.1:${port}`,
      ['--label', 'env=ci', 'x{a="1"} 2', 'y 0.5'],
    );
    assert.equal(text, ',a=1,env=ci x=2\n,env=ci y=0.5\n');
  });

  it('influx+udp#flavor=influxdb: measurement and field split at the last _', async () => {
    const text = await pushUdp((port) => `influx+udp://127.0.0.1:${port}#flavor=influxdb`, ['disk_free{a="1"} 2']);
    assert.equal(text, 'disk,a=1 free=2\n');
  });

  it('statsd: gauges with DogStatsD tags, a negative value as 0 then the delta', async () => {
    const text = await pushUdp(
      (port) => `statsd://127.0.0.1:${port}`,
      ['--label', 'env=ci', 'temp{room="a b"} -3', 'ok 1'],
    );
    assert.equal(text, 'temp:0|g|#room:a b,env:ci\ntemp:-3|g|#room:a b,env:ci\nok:1|g|#env:ci\n');
  });

  it('statsd from stdin, with #tags=influx and #prefix', async () => {
    const text = await pushUdp(
      (port) => `statsd://127.0.0.1:${port}#tags=influx&prefix=app.`,
      [],
      '# TYPE jobs_total counter\njobs_total{q="mail"} 7\n',
    );
    assert.equal(text, 'app.jobs_total,q=mail:7|g\n');
  });

  it('influx+http: POST to the path and query given, basic auth from userinfo', async () => {
    const request = await pushHttp((tag) => `influx+http://user:p%40ss@${origin()}/write?db=${tag}`, ['x{a="1"} 2']);
    assert.equal(request.method, 'POST');
    assert.match(request.url, /^\/write\?db=t/);
    assert.equal(request.body.toString(), ',a=1 x=2\n');
    assert.equal(request.headers.authorization, `Basic ${Buffer.from('user:p@ss').toString('base64')}`);
  });

  it('influx+http without a path posts to /write', async () => {
    const tag = `t${Math.random().toString(36).slice(2)}`;
    const result = await runCli(['push', '--to', `influx+http://${origin()}`, `${tag} 1`]);
    assert.equal(result.code, 0, result.stderr);
    const request = server.requests.find((r) => r.body.toString() === ` ${tag}=1\n`);
    assert.equal(request?.url, '/write');
  });

  it('pushgateway: POST to the group path (base64 where needed), Prometheus text with TYPE', async () => {
    const request = await pushHttp(
      (tag) => `pushgateway+http://${origin()}/job/${tag}/path/a%2Fb/empty@base64/=`,
      ['--label', 'env=ci', 'backup_bytes{db="main"} 1.5e9'],
    );
    assert.equal(request.method, 'POST');
    assert.match(request.url, /^\/metrics\/job\/t[a-z0-9]+\/path@base64\/YS9i\/empty@base64\/=$/);
    assert.equal(request.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(request.body.toString(), '# TYPE backup_bytes gauge\nbackup_bytes{db="main",env="ci"} 1500000000\n');
  });

  it('pushgateway #method=PUT, a /metrics prefix in the target, and counters from stdin with HELP', async () => {
    const request = await pushHttp(
      (tag) => `pushgateway+http://${origin()}/metrics/job/${tag}#method=PUT`,
      [],
      '# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total{q="a"} 5\njobs_total{q="b"} 6\n# TYPE temp gauge\ntemp 21.5\n',
    );
    assert.equal(request.method, 'PUT');
    assert.match(request.url, /^\/metrics\/job\/t[a-z0-9]+$/);
    assert.equal(
      request.body.toString(),
      '# HELP jobs_total Jobs done.\n# TYPE jobs_total counter\njobs_total{q="a"} 5\njobs_total{q="b"} 6\n' +
        '# TYPE temp gauge\ntemp 21.5\n',
    );
  });

  it('prom+http: text import at the default path, label escapes kept exactly', async () => {
    const tag = `t${Math.random().toString(36).slice(2)}`;
    const result = await runCli([
      'push',
      '--to',
      `prom+http://${origin()}`,
      `msg{tag="${tag}",text="back\\\\slash \\"quoted\\"\\nnext"} 1`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const request = server.requests.find((r) => r.body.toString().includes(tag));
    assert.equal(request?.url, '/api/v1/import/prometheus');
    assert.equal(request.method, 'POST');
    assert.equal(
      request.body.toString(),
      `# TYPE msg gauge\nmsg{tag="${tag}",text="back\\\\slash \\"quoted\\"\\nnext"} 1\n`,
    );
  });

  it('prom+http#format=openmetrics&gzip: OpenMetrics content type and # EOF, gzipped', async () => {
    const request = await pushHttp(
      (tag) => `prom+http://${origin()}/import/${tag}#format=openmetrics&gzip`,
      ['# TYPE done_total counter', 'done_total 3'],
    );
    assert.equal(request.headers['content-type'], 'application/openmetrics-text; version=1.0.0; charset=utf-8');
    assert.equal(request.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(request.body).toString(), '# TYPE done counter\ndone_total 3.0\n# EOF\n');
  });

  it('remote-write: snappy protobuf with the spec headers and bearer auth', async () => {
    const request: ReceivedRequest = await pushHttp(
      (tag) => `remote-write+http://:tok3n@${origin()}/rw/${tag}`,
      ['--label', 'env=ci', 'x{a="1"} 2'],
    );
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['content-encoding'], 'snappy');
    assert.equal(request.headers['content-type'], 'application/x-protobuf');
    assert.equal(request.headers['x-prometheus-remote-write-version'], '0.1.0');
    assert.equal(request.headers.authorization, 'Bearer tok3n');
    const samples = decodeWriteRequest(snappyDecompress(request.body));
    assert.equal(samples.length, 1);
    assert.equal(samples[0]!.name, 'x');
    assert.deepEqual(samples[0]!.labels, [
      ['a', '1'],
      ['env', 'ci'],
    ]);
    assert.equal(samples[0]!.value, 2);
  });

  it('pushes to several targets at once', async (t) => {
    const sink = await startUdpSink();
    t.after(() => sink.close());
    const tag = `t${Math.random().toString(36).slice(2)}`;
    const result = await runCli([
      'push',
      '--to',
      `statsd://127.0.0.1:${sink.port}`,
      '--to',
      `pushgateway+http://${origin()}/job/${tag}`,
      `multi 4`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    await sink.received(1);
    assert.equal(sink.messages[0]!.toString(), 'multi:4|g\n');
    assert.equal(server.requests.find((r) => r.url.includes(tag))?.body.toString(), '# TYPE multi gauge\nmulti 4\n');
  });

  it('exits 1 with one stderr line per failed target', async () => {
    const result = await runCli(['push', '--to', `prom+http://${origin()}/fail400`, 'x 1']);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^prometheus-push-client: push to prom\+http:\/\/127\.0\.0\.1:\d+\/fail400 failed: .*400.*\n$/,
    );
  });

  for (const [title, args, stdin, message] of [
    ['a sample with a bad label value', ['x{a="1} 2'], undefined, /argument 1: unterminated value of label a/],
    ['a bad value', ['x{a="1"} abc'], undefined, /argument 1: invalid value "abc" for x/],
    ['a bad escape', ['x{a="\\t"} 1'], undefined, /invalid escape/],
    ['a bad line on stdin', [], 'ok 1\nbad line here\n', /stdin line 2: /],
    ['no samples on stdin', [], '', /no samples to push/],
    ['an unknown target option', ['x 1'], undefined, /unknown option #bogus \(this target takes tags, prefix\)/],
  ] as const) {
    it(`exits 2 with one line for ${title}`, async () => {
      const to = `statsd://127.0.0.1:1${title === 'an unknown target option' ? '#bogus=1' : ''}`;
      const result = await runCli(['push', '--to', to, ...args], stdin === undefined ? {} : { stdin });
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, /^prometheus-push-client: [^\n]+\n$/);
      assert.match(result.stderr, message);
    });
  }

  it('exits 2 for a gauge and a counter with the same sample name', async () => {
    const result = await runCli(['push', '--to', 'statsd://127.0.0.1:1', 'c_total 1', '# TYPE c counter', 'c_total 2']);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^prometheus-push-client: push: argument 3: c_total is a counter here but a gauge before\n$/,
    );
  });

  it('exits 2 for a Pushgateway target without a job, without printing its credentials', async () => {
    const result = await runCli(['push', '--to', 'pushgateway+https://bob:hunter2@pgw.example:9091', 'x 1']);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      'prometheus-push-client: --to pushgateway+https://pgw.example:9091: a Pushgateway target needs /job/<name> in its path\n',
    );
  });

  it('prints its usage with --help', async () => {
    const result = await runCli(['push', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: prometheus-push-client push \[options\] SAMPLE\.\.\.\n/);
  });
});
