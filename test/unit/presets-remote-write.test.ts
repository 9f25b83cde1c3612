// The remoteWrite preset against a loopback HTTP server: the spec headers and body, extra
// headers, auth, and the spec's retry rule (every 5xx and 429, never another 4xx).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PushError } from '../../src/errors.js';
import { Counter } from '../../src/metrics/counter.js';
import { remoteWrite } from '../../src/presets/remote-write.js';
import { Registry } from '../../src/registry.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { memoryTransport } from '../../src/testing/memory-transport.js';
import { VERSION } from '../../src/version.js';
import { guardProcess } from './push-helpers.js';
import { decodePayloads, flatten } from './remote-write-decode.js';

guardProcess();

interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

describe('remoteWrite preset', () => {
  let server: http.Server;
  let url = '';
  const received: Received[] = [];
  /** Statuses to answer, in order; 204 once they run out. */
  let statuses: number[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
        });
        res.statusCode = statuses.shift() ?? 204;
        res.end(res.statusCode === 204 ? undefined : 'nope');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function setup(): { registry: Registry; jobs: Counter<'q'> } {
    received.length = 0;
    statuses = [];
    const registry = new Registry({ clock: new FakeClock({ now: 1_700_000_000_000 }) });
    const jobs = new Counter({ name: 'jobs', help: 'h', labelNames: ['q'] as const, registry });
    return { registry, jobs };
  }

  it('POSTs snappy protobuf with the spec headers, extra headers and auth', async () => {
    const { registry, jobs } = setup();
    jobs.labels({ q: 'a' }).inc(3);
    const pusher = remoteWrite({
      url,
      registry,
      selfMetrics: false,
      headers: { 'X-Scope-OrgID': 'tenant-1' },
      auth: { bearer: 'secret' },
    });
    await pusher.pushNow();
    await pusher.stop();
    // pushNow, then the final push of stop().
    assert.equal(received.length, 2);
    const [first] = received;
    assert.ok(first);
    assert.equal(first.method, 'POST');
    assert.equal(first.url, '/api/v1/write');
    assert.equal(first.headers['content-type'], 'application/x-protobuf');
    assert.equal(first.headers['content-encoding'], 'snappy');
    assert.equal(first.headers['x-prometheus-remote-write-version'], '0.1.0');
    assert.equal(first.headers['user-agent'], `prometheus-push-client/${VERSION}`);
    assert.equal(first.headers['x-scope-orgid'], 'tenant-1');
    assert.equal(first.headers.authorization, 'Bearer secret');
    assert.deepEqual(flatten(decodePayloads([first.body])), [
      { labels: { __name__: 'jobs_total', q: 'a' }, value: 3, timestamp: 1_700_000_000_000 },
    ]);
  });

  it('retries every 5xx and 429, with backoff', async () => {
    const { registry, jobs } = setup();
    jobs.labels({ q: 'a' }).inc();
    statuses = [500, 501, 429];
    const pusher = remoteWrite({
      url,
      registry,
      selfMetrics: false,
      retry: { maxAttempts: 4, initialDelayMs: 1, maxDelayMs: 2 },
    });
    await pusher.pushNow();
    assert.equal(received.length, 4);
    assert.ok(
      received.every((r) => r.body.equals(received[0]!.body)),
      'the same request each time',
    );
    await pusher.stop();
  });

  it('does not retry any other 4xx', async () => {
    const { registry, jobs } = setup();
    jobs.labels({ q: 'a' }).inc();
    statuses = [400];
    const errors: PushError[] = [];
    const pusher = remoteWrite({
      url,
      registry,
      selfMetrics: false,
      onError: (e) => errors.push(e),
      retry: { maxAttempts: 4, initialDelayMs: 1 },
    });
    await assert.rejects(
      pusher.pushNow(),
      (e: PushError) => e.code === 'ERR_HTTP_STATUS' && /HTTP 400/.test(e.message),
    );
    assert.equal(received.length, 1);
    await pusher.stop();
  });

  it('sends one request per maxSeriesPerRequest series; validates its options', async () => {
    const { registry, jobs } = setup();
    for (const q of ['a', 'b', 'c']) jobs.labels({ q }).inc();
    const transport = memoryTransport();
    const pusher = remoteWrite({ url, registry, selfMetrics: false, transport, maxSeriesPerRequest: 2 });
    await pusher.pushNow();
    assert.equal(transport.payloads.length, 2);
    assert.deepEqual(
      flatten(decodePayloads(transport.payloads)).map((s) => s.labels['q']),
      ['a', 'b', 'c'],
    );
    await pusher.stop();
    for (const bad of [{ url: 'ftp://x' }, { url, intervalMs: 0 }, { url, maxSeriesPerRequest: 0 }]) {
      assert.throws(
        () => remoteWrite({ ...bad, selfMetrics: false }),
        (e: PushError) => e.code === 'ERR_INVALID_ARG',
      );
    }
  });
});
