// httpTransport against real node:http servers on 127.0.0.1 / ::1, port 0. No real time is
// used: the timeout is driven by FakeClock (the transport's timer runs on the injected clock).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { httpTransport } from '../../src/transport/http.js';
import type { SendFailure, SendResult } from '../../src/transport/transport.js';
import { HttpStatusError, PushError } from '../../src/errors.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { closedTcpPort, ipv6Available, startRawServer, startRecordingServer } from './support/loopback.js';
import { assertNothingEscapes } from './support/guards.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function failure(result: SendResult): SendFailure {
  assert.equal(result.ok, false, 'expected a failed send');
  return result;
}

describe('httpTransport (loopback)', () => {
  assertNothingEscapes();

  it('POSTs the exact bytes with Content-Type, Content-Length and User-Agent, and reports the status', async (t) => {
    const server = await startRecordingServer(() => ({ status: 204 }));
    const transport = httpTransport({ url: `${server.origin}/api/v2/write?db=x` });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const payload = bytes('m,host=a v=1 1700000000000000000\né\n');
    assert.deepEqual(await transport.send(payload), { ok: true, status: 204 });

    const [request] = server.requests;
    assert.equal(request?.method, 'POST');
    assert.equal(request?.url, '/api/v2/write?db=x');
    assert.deepEqual(request?.body, Buffer.from(payload));
    assert.equal(request?.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(request?.headers['content-length'], String(payload.byteLength));
    assert.equal(request?.headers['user-agent'], 'prometheus-push-client');
    assert.equal(request?.headers['content-encoding'], undefined);
    assert.equal(transport.target, `${server.origin}/api/v2/write?db=x`);
  });

  it('reuses one keep-alive connection for sequential sends, error answers included', async (t) => {
    let n = 0;
    const server = await startRecordingServer(() =>
      ++n === 3 ? { status: 400, body: 'x'.repeat(5000) } : { status: 200, body: 'ok' },
    );
    const transport = httpTransport({ url: `${server.origin}/write` });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const results: SendResult[] = [];
    for (let i = 0; i < 6; i++) results.push(await transport.send(bytes(`m v=${i}\n`)));

    assert.deepEqual(
      results.map((r) => r.ok),
      [true, true, false, true, true, true],
    );
    assert.equal(server.connections(), 1);
    assert.deepEqual(
      server.requests.map((r) => r.connection),
      [1, 1, 1, 1, 1, 1],
    );
  });

  it('sends custom headers, and per-request method, path and headers overrides', async (t) => {
    const server = await startRecordingServer(() => ({ status: 200 }));
    const transport = httpTransport({
      url: `${server.origin}/base/`,
      method: 'put',
      contentType: 'text/plain; version=0.0.4',
      userAgent: 'my-job/1.2',
      headers: { 'X-Scope-OrgID': 'tenant-1', 'X-Overridden': 'transport' },
    });
    t.after(() => Promise.all([transport.close(), server.close()]));

    assert.equal((await transport.send(bytes('a 1\n'))).ok, true);
    assert.equal(
      (
        await transport.send(bytes('b 2\n'), {
          method: 'POST',
          path: 'metrics/job/j',
          headers: { 'x-overridden': 'request' },
        })
      ).ok,
      true,
    );
    assert.equal((await transport.send(bytes('c 3\n'), { path: '/metrics/job/k/a@base64/YS9i' })).ok, true);
    // Paths are resolved once and cached: each still goes where it says.
    assert.equal((await transport.send(bytes('d 4\n'), { path: 'metrics/job/j' })).ok, true);
    assert.equal((await transport.send(bytes('e 5\n'))).ok, true);
    assert.deepEqual(
      server.requests.slice(3).map((r) => r.url),
      ['/base/metrics/job/j', '/base/'],
    );

    const [first, second, third] = server.requests;
    assert.equal(first?.method, 'PUT');
    assert.equal(first?.url, '/base/');
    assert.equal(first?.headers['x-scope-orgid'], 'tenant-1');
    assert.equal(first?.headers['x-overridden'], 'transport');
    assert.equal(first?.headers['content-type'], 'text/plain; version=0.0.4');
    assert.equal(first?.headers['user-agent'], 'my-job/1.2');
    assert.equal(second?.method, 'POST');
    assert.equal(second?.url, '/base/metrics/job/j');
    assert.equal(second?.headers['x-overridden'], 'request');
    assert.equal(second?.headers['x-scope-orgid'], 'tenant-1');
    assert.equal(third?.method, 'PUT');
    assert.equal(third?.url, '/metrics/job/k/a@base64/YS9i');
  });

  it('sends DELETE with no body at all (no Content-Type, Content-Length or chunked encoding)', async (t) => {
    const server = await startRecordingServer(() => ({ status: 202 }));
    const transport = httpTransport({ url: `${server.origin}/metrics/job/j`, method: 'PUT' });
    t.after(() => Promise.all([transport.close(), server.close()]));

    assert.deepEqual(await transport.send(new Uint8Array(0), { method: 'DELETE' }), { ok: true, status: 202 });
    // An empty PUT still has a body: zero bytes, which Pushgateway reads as "delete the metrics".
    assert.deepEqual(await transport.send(new Uint8Array(0)), { ok: true, status: 202 });

    const [del, put] = server.requests;
    assert.equal(del?.method, 'DELETE');
    assert.equal(del?.url, '/metrics/job/j');
    assert.equal(del?.body.length, 0);
    assert.equal(del?.headers['content-type'], undefined);
    assert.equal(del?.headers['content-length'], undefined);
    assert.equal(del?.headers['transfer-encoding'], undefined);
    assert.equal(put?.method, 'PUT');
    assert.equal(put?.headers['content-length'], '0');
  });

  it('refuses a per-request path that leaves the origin, and invalid per-request headers or methods', async (t) => {
    const server = await startRecordingServer(() => ({ status: 200 }));
    const transport = httpTransport({ url: `http://user:pw@127.0.0.1:${server.port}/write` });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const offsite = failure(await transport.send(bytes('a 1\n'), { path: '//evil.example/steal' }));
    assert.equal(offsite.error.code, 'ERR_INVALID_ARG');
    assert.equal(offsite.retryable, false);
    // The same path again (the paths that stay are cached): refused again.
    assert.equal(
      failure(await transport.send(bytes('a 1\n'), { path: '//evil.example/steal' })).error.code,
      'ERR_INVALID_ARG',
    );
    const badHeader = failure(await transport.send(bytes('a 1\n'), { headers: { 'X-Bad': 'line\r\nInjected: 1' } }));
    assert.equal(badHeader.error.code, 'ERR_INVALID_ARG');
    assert.doesNotMatch(badHeader.error.message, /Injected/);
    const badMethod = failure(await transport.send(bytes('a 1\n'), { method: 'NOT A TOKEN' }));
    assert.equal(badMethod.error.code, 'ERR_INVALID_ARG');
    assert.equal(badMethod.retryable, false);
    assert.equal(server.requests.length, 0);
  });

  it('gzips at level 1 with Content-Encoding: gzip; the server gunzips the exact bytes', async (t) => {
    const server = await startRecordingServer(() => ({ status: 204 }));
    const transport = httpTransport({ url: `${server.origin}/api/v1/import/prometheus`, gzip: true });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const text = Array.from({ length: 5000 }, (_, i) => `requests_total{job="j",i="${i}"} ${i}\n`).join('');
    assert.deepEqual(await transport.send(bytes(text)), { ok: true, status: 204 });

    const [request] = server.requests;
    assert.equal(request?.headers['content-encoding'], 'gzip');
    assert.equal(request?.headers['content-length'], String(request?.body.length));
    assert.ok((request?.body.length ?? Infinity) < text.length / 4, 'compressed');
    assert.deepEqual(gunzipSync(request?.body ?? Buffer.alloc(0)), Buffer.from(text));
    // Gzip header byte 8 (XFL) is 4 when zlib compressed with the fastest level.
    assert.equal(request?.body[8], 4);
  });

  it('turns URL userinfo into basic auth and never shows the password in target, errors or messages', async (t) => {
    const server = await startRecordingServer(() => ({ status: 401, body: 'unauthorized' }));
    const transport = httpTransport({
      url: `http://alice:s3cr%40t-pw@127.0.0.1:${server.port}/write?token=tok-123&db=x`,
    });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const result = failure(await transport.send(bytes('a 1\n')));
    const [request] = server.requests;
    const basic = Buffer.from('alice:s3cr@t-pw').toString('base64');
    assert.equal(request?.headers.authorization, `Basic ${basic}`);
    assert.equal(request?.url, '/write?token=tok-123&db=x', 'the real query is sent');

    assert.ok(result.error instanceof HttpStatusError);
    assert.equal(result.error.status, 401);
    assert.equal(result.retryable, false);
    const expectedTarget = `http://127.0.0.1:${server.port}/write?token=xxxxx&db=x`;
    assert.equal(transport.target, expectedTarget);
    assert.equal(result.error.target, expectedTarget);
    assert.equal(result.error.message, `HTTP 401 from ${expectedTarget}: unauthorized`);
    const everything = [
      transport.target,
      result.error.message,
      String(result.error.stack),
      JSON.stringify(result.error),
    ].join('\n');
    for (const secret of ['s3cr', 'alice', basic, 'tok-123'])
      assert.ok(!everything.includes(secret), `leaked ${secret}`);
  });

  it('keeps the password out of network error messages too', async () => {
    const port = await closedTcpPort();
    const transport = httpTransport({ url: `http://bob:hunter2@127.0.0.1:${port}/write` });
    const result = failure(await transport.send(bytes('a 1\n')));
    await transport.close();
    assert.equal(result.error.code, 'ERR_NETWORK');
    assert.ok(!`${result.error.message}${String(result.error.target)}`.includes('hunter2'));
    assert.ok(!result.error.message.includes('bob'));
  });

  it('sends bearer auth, and an explicit auth option wins over URL userinfo', async (t) => {
    const server = await startRecordingServer(() => ({ status: 204 }));
    const bearer = httpTransport({ url: `${server.origin}/a`, auth: { bearer: 'tok.abc' } });
    const explicit = httpTransport({
      url: `http://url-user:url-pw@127.0.0.1:${server.port}/b`,
      auth: { username: 'opt', password: 'pw' },
    });
    t.after(() => Promise.all([bearer.close(), explicit.close(), server.close()]));

    assert.equal((await bearer.send(bytes('a 1\n'))).ok, true);
    assert.equal((await explicit.send(bytes('a 1\n'))).ok, true);
    assert.equal(server.requests[0]?.headers.authorization, 'Bearer tok.abc');
    assert.equal(server.requests[1]?.headers.authorization, `Basic ${Buffer.from('opt:pw').toString('base64')}`);
  });

  it('reports a 4xx with at most 1 KiB of the body, cut on a UTF-8 character boundary, not retryable', async (t) => {
    const bodies = [
      'bad line 3: unexpected end of input\n',
      'a'.repeat(1023) + 'é' + 'z'.repeat(300), // é would straddle byte 1024
      'a'.repeat(1022) + '€' + 'z'.repeat(10), // € (3 bytes) would straddle byte 1024
      'b'.repeat(1024) + 'tail',
      'x'.repeat(200_000),
    ];
    let i = 0;
    const server = await startRecordingServer(() => ({ status: 400, body: bodies[i++] ?? '' }));
    const transport = httpTransport({ url: `${server.origin}/metrics/job/j` });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const errors: HttpStatusError[] = [];
    for (let k = 0; k < bodies.length; k++) {
      const result = failure(await transport.send(bytes('a 1\n')));
      assert.equal(result.retryable, false);
      assert.equal(result.retryAfterMs, undefined);
      assert.ok(result.error instanceof HttpStatusError);
      errors.push(result.error);
    }
    assert.deepEqual(
      errors.map((e) => e.body),
      ['bad line 3: unexpected end of input\n', 'a'.repeat(1023), 'a'.repeat(1022), 'b'.repeat(1024), 'x'.repeat(1024)],
    );
    assert.equal(errors[0]?.code, 'ERR_HTTP_STATUS');
    assert.equal(errors[0]?.status, 400);
    assert.equal(
      errors[0]?.message,
      `HTTP 400 from ${server.origin}/metrics/job/j: bad line 3: unexpected end of input\n`,
    );
    assert.equal(server.connections(), 1, 'bodies were drained, the connection reused');
  });

  it('marks 502/503/504 retryable and 500 not, unless retryOn5xx or a custom status set says so', async (t) => {
    const statuses = [500, 502, 503, 504, 501];
    let i = 0;
    const server = await startRecordingServer(() => ({ status: statuses[i++ % statuses.length] ?? 500, body: 'oops' }));
    const plain = httpTransport({ url: `${server.origin}/w` });
    const remoteWrite = httpTransport({ url: `${server.origin}/w`, retryOn5xx: true });
    const custom = httpTransport({ url: `${server.origin}/w`, retryableStatuses: [500] });
    t.after(() => Promise.all([plain.close(), remoteWrite.close(), custom.close(), server.close()]));

    const run = async (transport: typeof plain): Promise<[number, boolean][]> => {
      const out: [number, boolean][] = [];
      for (let k = 0; k < statuses.length; k++) {
        const result = failure(await transport.send(bytes('a 1\n')));
        out.push([(result.error as HttpStatusError).status, result.retryable]);
      }
      return out;
    };
    assert.deepEqual(await run(plain), [
      [500, false],
      [502, true],
      [503, true],
      [504, true],
      [501, false],
    ]);
    assert.deepEqual(await run(remoteWrite), [
      [500, true],
      [502, true],
      [503, true],
      [504, true],
      [501, true],
    ]);
    assert.deepEqual(await run(custom), [
      [500, true],
      [502, false],
      [503, false],
      [504, false],
      [501, false],
    ]);
  });

  it('parses Retry-After in seconds and as an HTTP date (against the injected clock)', async (t) => {
    const clock = new FakeClock({ now: Date.UTC(2024, 0, 1, 12, 0, 0) });
    const replies = [
      { status: 429, headers: { 'Retry-After': '7' } },
      { status: 503, headers: { 'Retry-After': new Date(clock.now() + 3000).toUTCString() } },
      { status: 429, headers: { 'Retry-After': new Date(clock.now() - 60_000).toUTCString() } },
      { status: 429, headers: { 'Retry-After': 'soon' } },
    ];
    let i = 0;
    const server = await startRecordingServer(() => replies[i++] ?? { status: 500 });
    const transport = httpTransport({ url: `${server.origin}/w`, clock });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const results: SendFailure[] = [];
    for (let k = 0; k < replies.length; k++) results.push(failure(await transport.send(bytes('a 1\n'))));
    assert.deepEqual(
      results.map((r) => [r.retryable, r.retryAfterMs, (r.error as HttpStatusError).retryAfterSeconds]),
      [
        [true, 7000, 7],
        [true, 3000, 3],
        [true, 0, 0],
        [true, undefined, undefined],
      ],
    );
  });

  it('reports connection refused as a retryable ERR_NETWORK result naming the target and the cause', async () => {
    const port = await closedTcpPort();
    const transport = httpTransport({ url: `http://127.0.0.1:${port}/write` });
    const result = failure(await transport.send(bytes('a 1\n')));
    await transport.close();
    assert.equal(result.error.code, 'ERR_NETWORK');
    assert.equal(result.error.name, 'NetworkError');
    assert.equal(result.retryable, true);
    assert.equal(result.error.target, `http://127.0.0.1:${port}/write`);
    assert.match(result.error.message, new RegExp(`^POST http://127\\.0\\.0\\.1:${port}/write failed: .*ECONNREFUSED`));
  });

  it('reports a host that does not resolve as a retryable ERR_NETWORK result', async () => {
    const transport = httpTransport({ url: 'http://nonexistent.invalid:8428/write' });
    const result = failure(await transport.send(bytes('a 1\n')));
    await transport.close();
    assert.equal(result.error.code, 'ERR_NETWORK');
    assert.equal(result.retryable, true);
    assert.match(
      result.error.message,
      /^POST http:\/\/nonexistent\.invalid:8428\/write failed: .*(ENOTFOUND|EAI_AGAIN)/,
    );
  });

  it('times out on the injected clock when the server accepts and never answers, and drops the socket', async (t) => {
    let serverSocket: Socket | undefined;
    const server = await startRawServer((req, _res, arrived) => {
      serverSocket = req.socket;
      req.resume();
      req.on('end', () => arrived());
    });
    const clock = new FakeClock();
    const transport = httpTransport({ url: `${server.origin}/slow`, timeoutMs: 5000, clock });
    t.after(() => Promise.all([transport.close(), server.close()]));

    let settled = false;
    const pending = transport.send(bytes('a 1\n')).finally(() => (settled = true));
    await server.requestCount(1);
    const socketClosed = new Promise((resolve) => serverSocket?.once('close', resolve));
    await clock.advance(4999);
    assert.equal(settled, false, 'not before timeoutMs');
    await clock.advance(1);
    const result = failure(await pending);
    assert.equal(result.error.code, 'ERR_TIMEOUT');
    assert.equal(result.retryable, true);
    assert.equal(result.error.message, `POST ${server.origin}/slow timed out after 5000 ms`);
    await socketClosed; // the hung request's socket was destroyed, not leaked
  });

  it('reports a connection reset in the middle of the request body as a retryable ERR_NETWORK result', async (t) => {
    const server = await startRawServer((req, _res, arrived) => {
      req.once('data', () => {
        arrived();
        req.socket.destroy();
      });
    });
    const transport = httpTransport({ url: `${server.origin}/w` });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const result = failure(await transport.send(new Uint8Array(8 * 1024 * 1024).fill(0x61)));
    assert.equal(server.requests.length, 1);
    assert.equal(result.error.code, 'ERR_NETWORK');
    assert.equal(result.retryable, true);
    assert.match(result.error.message, new RegExp(`^POST ${server.origin}/w failed: .*(ECONNRESET|EPIPE)`));
  });

  it(
    'settles an answer that came before the whole body was read only with the request cut (releasesPayload)',
    { timeout: 20_000 },
    async (t) => {
      // A plain TCP server answers 413 after the headers and stops reading: 32 MiB cannot fit in
      // the kernel's buffers, so the body is still being written from the caller's memory when the
      // answer arrives. The transport promises to read the payload no more once the send settles.
      let serverSocket: Socket | undefined;
      const server = net.createServer((socket) => {
        serverSocket = socket;
        let head = '';
        const onData = (chunk: Buffer): void => {
          head += chunk.toString('latin1');
          if (!head.includes('\r\n\r\n')) return;
          socket.off('data', onData);
          socket.pause();
          socket.write('HTTP/1.1 413 Payload Too Large\r\ncontent-length: 4\r\n\r\nbig!');
        };
        socket.on('data', onData);
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as net.AddressInfo;
      const transport = httpTransport({ url: `http://127.0.0.1:${port}/w` });
      t.after(async () => {
        await transport.close();
        await new Promise((resolve) => server.close(resolve));
      });
      assert.equal(transport.releasesPayload, true);

      const result = failure(await transport.send(new Uint8Array(32 * 1024 * 1024).fill(0x61)));
      assert.equal(result.error.code, 'ERR_HTTP_STATUS');
      assert.equal(result.retryable, false);
      assert.equal((result.error as HttpStatusError).body, 'big!');
      // Cut at once: reading again, the server finds its connection closed after what the kernel
      // had buffered (uncut, the rest of the body would follow and the connection stay open).
      const socket = serverSocket!;
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.on('data', () => undefined);
      socket.resume();
      await closed;
      assert.ok(socket.bytesRead < 32 * 1024 * 1024, `${socket.bytesRead} bytes reached the server`);
    },
  );

  it('retries once on a fresh connection when a reused keep-alive socket turns out closed', async (t) => {
    const server = await startRawServer((req, res, arrived) => {
      req.resume();
      req.on('end', () => {
        arrived();
        // The second request on connection 1 meets a server that "already closed" it.
        const onFirstConnection = server.requests.filter((r) => r.connection === 1).length;
        if (server.requests.at(-1)?.connection === 1 && onFirstConnection === 2) req.socket.destroy();
        else res.writeHead(204).end();
      });
    });
    const transport = httpTransport({ url: `${server.origin}/w` });
    t.after(() => Promise.all([transport.close(), server.close()]));

    assert.deepEqual(await transport.send(bytes('a 1\n')), { ok: true, status: 204 });
    assert.deepEqual(await transport.send(bytes('a 2\n')), { ok: true, status: 204 });
    assert.equal(server.connections(), 2);
    assert.deepEqual(
      server.requests.map((r) => r.connection),
      [1, 1, 2],
    );
  });

  it('cancels through an AbortSignal: ERR_TIMEOUT, or the PushError given as the reason', async (t) => {
    const server = await startRawServer((req, _res, arrived) => {
      req.resume();
      req.on('end', () => arrived());
    });
    const transport = httpTransport({ url: `${server.origin}/w` });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const first = new AbortController();
    const pending = transport.send(bytes('a 1\n'), { signal: first.signal });
    await server.requestCount(1);
    first.abort();
    const aborted = failure(await pending);
    assert.equal(aborted.error.code, 'ERR_TIMEOUT');
    assert.equal(aborted.error.message, `send to ${server.origin}/w aborted`);

    const reason = new PushError('ERR_TIMEOUT', 'stop deadline reached');
    const second = new AbortController();
    second.abort(reason);
    const early = failure(await transport.send(bytes('a 2\n'), { signal: second.signal }));
    assert.equal(early.error, reason);
    assert.equal(server.requests.length, 1, 'an already-aborted send sends nothing');
  });

  it('close() lets the in-flight request finish, then refuses sends and closes the connection', async (t) => {
    let answer: (() => void) | undefined;
    let serverSocket: Socket | undefined;
    const server = await startRawServer((req, res, arrived) => {
      serverSocket = req.socket;
      req.resume();
      req.on('end', () => {
        arrived();
        answer = () => res.writeHead(200).end('done');
      });
    });
    const transport = httpTransport({ url: `${server.origin}/w` });
    t.after(() => server.close());

    const inFlight = transport.send(bytes('a 1\n'));
    await server.requestCount(1);
    let closed = false;
    const closing = transport.close().then(() => (closed = true));
    const afterClose = failure(await transport.send(bytes('a 2\n')));
    assert.equal(afterClose.error.code, 'ERR_CLOSED');
    assert.equal(afterClose.retryable, false);
    assert.equal(closed, false, 'close waits for the request in flight');

    const socketClosed = new Promise((resolve) => serverSocket?.once('close', resolve));
    answer?.();
    assert.deepEqual(await inFlight, { ok: true, status: 200 });
    await closing;
    await socketClosed; // the agent was destroyed: no idle keep-alive socket left behind
    await transport.close(); // idempotent
  });

  it('works over IPv6 loopback', async (t) => {
    if (!(await ipv6Available())) {
      t.skip('no IPv6 loopback on this machine');
      return;
    }
    const server = await startRecordingServer(() => ({ status: 204 }), '::1');
    const transport = httpTransport({ url: `http://[::1]:${server.port}/write` });
    t.after(() => Promise.all([transport.close(), server.close()]));
    assert.deepEqual(await transport.send(bytes('v6 1\n')), { ok: true, status: 204 });
    assert.deepEqual(server.requests[0]?.body, Buffer.from('v6 1\n'));
    assert.equal(transport.target, `http://[::1]:${server.port}/write`);
  });

  it('throws InvalidArgumentError at creation for a bad URL, header or timeout, without echoing secrets', () => {
    const invalid = (make: () => unknown): PushError => {
      try {
        make();
      } catch (error) {
        assert.ok(error instanceof PushError);
        assert.equal(error.code, 'ERR_INVALID_ARG');
        return error;
      }
      assert.fail('expected a throw');
    };
    invalid(() => httpTransport({ url: 'not a url' }));
    assert.ok(!invalid(() => httpTransport({ url: 'ftp://u:pw-secret@host/x' })).message.includes('pw-secret'));
    assert.ok(
      !invalid(() =>
        httpTransport({ url: 'http://h/x', headers: { Authorization: 'Bearer t0ken\n' } }),
      ).message.includes('t0ken'),
    );
    invalid(() => httpTransport({ url: 'http://h/x', timeoutMs: 0 }));
    invalid(() => httpTransport({ url: 'http://h/x', gzip: true, headers: { 'Content-Encoding': 'snappy' } }));
  });
});
