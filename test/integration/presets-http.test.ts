// The HTTP presets against real loopback servers: the URL each one hits (VictoriaMetrics cluster
// tenant paths passed through unchanged, Pushgateway groups behind a path prefix), methods,
// content types, headers, auth, gzip, and the default retry policy.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { Counter } from '../../src/metrics/counter.js';
import { Registry } from '../../src/registry.js';
import type { PushError } from '../../src/errors.js';
import { HttpStatusError } from '../../src/errors.js';
import { influxHttp } from '../../src/presets/influx-http.js';
import { openMetricsHttp } from '../../src/presets/openmetrics-http.js';
import { pushgateway } from '../../src/presets/pushgateway.js';
import { aggregationGateway } from '../../src/presets/aggregation-gateway.js';
import type { Pusher } from '../../src/push/pusher.js';
import { startRecordingServer } from './support/loopback.js';
import type { HttpServerHandle, Reply } from './support/loopback.js';
import { watchProcess } from './support/guards.js';

let watch: ReturnType<typeof watchProcess>;
before(() => {
  watch = watchProcess();
});
after(() => {
  watch.stop();
  assert.deepEqual(watch.escaped, []);
});

function fixture() {
  const registry = new Registry();
  const jobs = new Counter({ name: 'jobs', help: 'Jobs', registry });
  jobs.inc(3);
  const errors: PushError[] = [];
  return {
    registry,
    jobs,
    errors,
    common: { registry, selfMetrics: false as const, onError: (e: PushError) => errors.push(e) },
  };
}

async function withServer(
  reply: ((request: { method: string; url: string }) => Reply) | undefined,
  run: (server: HttpServerHandle) => Promise<void>,
): Promise<void> {
  const server = await startRecordingServer(reply);
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

/** One push: stop() is the final push (then the transport closes). */
async function pushOnce(pusher: Pusher): Promise<void> {
  await pusher.stop();
}

const JOBS_TEXT = '# HELP jobs_total Jobs\n# TYPE jobs_total counter\njobs_total 3\n';

describe('HTTP presets on the wire', () => {
  it('influxHttp: a VictoriaMetrics cluster tenant URL is passed through unchanged, query included', async () => {
    await withServer(undefined, async (server) => {
      const { common } = fixture();
      await pushOnce(influxHttp({ url: `${server.origin}/insert/42:7/influx/write?extra_label=env=ci`, ...common }));
      const [request] = server.requests;
      assert.deepEqual(
        [request?.method, request?.url, request?.headers['content-type'], request?.body.toString()],
        ['POST', '/insert/42:7/influx/write?extra_label=env=ci', 'text/plain; charset=utf-8', ' jobs_total=3\n'],
      );
    });
  });

  it('influxHttp: PUT, headers, bearer auth and gzip', async () => {
    await withServer(undefined, async (server) => {
      const { common } = fixture();
      await pushOnce(
        influxHttp({
          url: `${server.origin}/api/v2/write?org=o&bucket=b`,
          method: 'PUT',
          flavor: 'influxdb',
          headers: { 'X-Scope-OrgID': 'team-a' },
          auth: { bearer: 'tok' },
          gzip: true,
          ...common,
        }),
      );
      const [request] = server.requests;
      assert.equal(request?.method, 'PUT');
      assert.equal(request?.headers['x-scope-orgid'], 'team-a');
      assert.equal(request?.headers.authorization, 'Bearer tok');
      assert.equal(request?.headers['content-encoding'], 'gzip');
      assert.equal(gunzipSync(request?.body ?? Buffer.alloc(0)).toString(), 'jobs total=3\n');
    });
  });

  it('openMetricsHttp: the content type follows the format', async () => {
    await withServer(undefined, async (server) => {
      for (const format of ['prometheus', 'openmetrics'] as const) {
        const { common } = fixture();
        await pushOnce(openMetricsHttp({ url: `${server.origin}/api/v1/import/prometheus`, format, ...common }));
      }
      assert.deepEqual(
        server.requests.map((r) => [r.method, r.url, r.headers['content-type']]),
        [
          ['POST', '/api/v1/import/prometheus', 'text/plain; version=0.0.4; charset=utf-8'],
          ['POST', '/api/v1/import/prometheus', 'application/openmetrics-text; version=1.0.0; charset=utf-8'],
        ],
      );
      assert.equal(server.requests[0]?.body.toString(), JOBS_TEXT);
      assert.equal(
        server.requests[1]?.body.toString(),
        '# TYPE jobs counter\n# HELP jobs Jobs\njobs_total 3.0\n# EOF\n',
      );
    });
  });

  it('pushgateway: group path behind a proxy prefix, basic auth from the URL, PUT then DELETE', async () => {
    await withServer(
      (r) => ({ status: r.method === 'DELETE' ? 202 : 200 }),
      async (server) => {
        const { common, errors } = fixture();
        const pusher = pushgateway({
          url: `http://ci:s3cret@${server.origin.slice('http://'.length)}/pgw/`,
          job: 'nightly',
          grouping: { path: '/var/tmp' },
          deleteOnStop: true,
          ...common,
        });
        assert.equal(pusher.target, `${server.origin}/pgw/`);
        pusher.start();
        await pusher.stop();
        const group = '/pgw/metrics/job/nightly/path@base64/L3Zhci90bXA';
        assert.deepEqual(
          server.requests.map((r) => [r.method, r.url, r.headers['content-type'], r.headers.authorization]),
          [
            [
              'PUT',
              group,
              'text/plain; version=0.0.4; charset=utf-8',
              `Basic ${Buffer.from('ci:s3cret').toString('base64')}`,
            ],
            ['DELETE', group, undefined, `Basic ${Buffer.from('ci:s3cret').toString('base64')}`],
          ],
        );
        assert.equal(server.requests[0]?.body.toString(), JOBS_TEXT);
        assert.equal(server.requests[1]?.body.length, 0);
        assert.deepEqual(errors, []);
      },
    );
  });

  it('aggregationGateway: POST to the url as given', async () => {
    await withServer(undefined, async (server) => {
      const { common } = fixture();
      await pushOnce(aggregationGateway({ url: `${server.origin}/metrics/env/ci`, ...common }));
      assert.deepEqual(
        server.requests.map((r) => [r.method, r.url, r.body.toString()]),
        [['POST', '/metrics/env/ci', JOBS_TEXT]],
      );
    });
  });
});

describe('HTTP presets: default retries', () => {
  it('retries a 503 within the same push (3 attempts by default) and reports nothing when one succeeds', async () => {
    let n = 0;
    await withServer(
      () => ({ status: ++n < 3 ? 503 : 204 }),
      async (server) => {
        const { common, errors } = fixture();
        await pushOnce(influxHttp({ url: `${server.origin}/write`, ...common }));
        assert.equal(server.requests.length, 3);
        assert.deepEqual(errors, []);
      },
    );
  });

  it('gives up after 3 attempts with the last failure; never retries a 400', async () => {
    await withServer(
      (r) => (r.url === '/bad' ? { status: 400, body: 'bad line' } : { status: 503, body: 'busy' }),
      async (server) => {
        const { common, errors } = fixture();
        await pushOnce(influxHttp({ url: `${server.origin}/busy`, ...common }));
        await pushOnce(influxHttp({ url: `${server.origin}/bad`, ...common }));
        assert.deepEqual(
          server.requests.map((r) => r.url),
          ['/busy', '/busy', '/busy', '/bad'],
        );
        assert.deepEqual(
          errors.map((e) => [e.code, e instanceof HttpStatusError ? [e.status, e.body] : undefined]),
          [
            ['ERR_HTTP_STATUS', [503, 'busy']],
            ['ERR_HTTP_STATUS', [400, 'bad line']],
          ],
        );
      },
    );
  });

  it('retry: false sends each payload once', async () => {
    await withServer(
      () => ({ status: 503 }),
      async (server) => {
        const { common, errors } = fixture();
        await pushOnce(openMetricsHttp({ url: `${server.origin}/import`, retry: false, ...common }));
        assert.equal(server.requests.length, 1);
        assert.deepEqual(
          errors.map((e) => e.code),
          ['ERR_HTTP_STATUS'],
        );
      },
    );
  });
});
