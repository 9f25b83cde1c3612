// withRetry over a real httpTransport and real loopback servers. Backoff, Retry-After and the
// deadline all run on one FakeClock shared by both layers (as a pusher would share its clock);
// only the loopback I/O itself is real.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { httpTransport } from '../../src/transport/http.js';
import { withRetry } from '../../src/transport/retry.js';
import type { SendFailure, SendResult } from '../../src/transport/transport.js';
import { HttpStatusError } from '../../src/errors.js';
import { closedTcpPort, startRawServer, startRecordingServer } from './support/loopback.js';
import type { Reply } from './support/loopback.js';
import { RecordingClock, assertNothingEscapes } from './support/guards.js';

const payload = new TextEncoder().encode('jobs_total{job="etl"} 3\n');
const REQUEST_TIMEOUT = 10_000; // the http transport's own timer, also on the clock

function failure(result: SendResult): SendFailure {
  assert.equal(result.ok, false, 'expected a failed send');
  return result;
}

/** The waits withRetry asked for, without the per-request timeout timers of the http transport. */
const waits = (clock: RecordingClock): number[] => clock.delays.filter((ms) => ms !== REQUEST_TIMEOUT);

async function setup(replies: Reply[], options: { deadlineMs?: number } = {}) {
  let i = 0;
  const server = await startRecordingServer(() => replies[Math.min(i++, replies.length - 1)] ?? { status: 204 });
  const clock = new RecordingClock({ now: Date.UTC(2024, 4, 1, 8, 0, 0) });
  const http = httpTransport({ url: `${server.origin}/api/v1/import/prometheus`, clock, timeoutMs: REQUEST_TIMEOUT });
  const transport = withRetry(http, { clock, random: () => 0.5, ...options });
  return { server, clock, transport, close: () => Promise.all([transport.close(), server.close()]) };
}

describe('withRetry + httpTransport (loopback)', () => {
  assertNothingEscapes();

  it('retries a 503 after the exact jittered backoff and succeeds', async (t) => {
    const { server, clock, transport, close } = await setup([{ status: 503, body: 'busy' }, { status: 204 }]);
    t.after(close);

    const result = transport.send(payload);
    await clock.timersSet(2); // request timeout, then the backoff wait
    assert.deepEqual(waits(clock), [150]);
    await clock.advance(149);
    assert.equal(server.requests.length, 1);
    await clock.advance(1);
    await server.requestCount(2);
    assert.deepEqual(await result, { ok: true, status: 204 });
    assert.deepEqual(server.requests[1]?.body, Buffer.from(payload), 'the same bytes are sent again');
  });

  it('honours 429 Retry-After in seconds', async (t) => {
    const { server, clock, transport, close } = await setup([
      { status: 429, headers: { 'Retry-After': '2' } },
      { status: 200 },
    ]);
    t.after(close);

    const result = transport.send(payload);
    await clock.timersSet(2);
    assert.deepEqual(waits(clock), [2000]);
    await clock.advance(1999);
    assert.equal(server.requests.length, 1);
    await clock.advance(1);
    await server.requestCount(2);
    assert.deepEqual(await result, { ok: true, status: 200 });
  });

  it('honours 429 Retry-After as an HTTP date, read against the clock’s wall time', async (t) => {
    const at = new Date(Date.UTC(2024, 4, 1, 8, 0, 3)).toUTCString(); // clock.now() + 3 s
    const { server, clock, transport, close } = await setup([
      { status: 429, headers: { 'Retry-After': at } },
      { status: 200 },
    ]);
    t.after(close);

    const result = transport.send(payload);
    await clock.timersSet(2);
    assert.deepEqual(waits(clock), [3000]);
    await clock.advance(2999);
    assert.equal(server.requests.length, 1);
    await clock.advance(1);
    await server.requestCount(2);
    assert.deepEqual(await result, { ok: true, status: 200 });
  });

  it('never retries a 400', async (t) => {
    const { server, clock, transport, close } = await setup([
      { status: 400, body: 'text format parsing error' },
      { status: 200 },
    ]);
    t.after(close);

    const result = failure(await transport.send(payload));
    assert.ok(result.error instanceof HttpStatusError);
    assert.equal(result.error.status, 400);
    assert.equal(result.error.body, 'text format parsing error');
    assert.equal(server.requests.length, 1);
    assert.deepEqual(waits(clock), []);
  });

  it('gives up at once, with the 503 and its Retry-After, when the wait would pass the deadline', async (t) => {
    const { server, clock, transport, close } = await setup([{ status: 503, headers: { 'Retry-After': '10' } }], {
      deadlineMs: 5000,
    });
    t.after(close);

    const result = failure(await transport.send(payload));
    assert.equal((result.error as HttpStatusError).status, 503);
    assert.equal(result.retryAfterMs, 10_000);
    assert.equal(server.requests.length, 1);
    assert.deepEqual(waits(clock), [5000], 'only the deadline timer; no wait was started');
  });

  it('cuts a hung request at the deadline: ERR_TIMEOUT, and the socket is released', async (t) => {
    let serverSocket: Socket | undefined;
    const server = await startRawServer((req, _res, arrived) => {
      serverSocket = req.socket;
      req.resume();
      req.on('end', () => arrived());
    });
    const clock = new RecordingClock();
    const transport = withRetry(httpTransport({ url: `${server.origin}/w`, clock, timeoutMs: REQUEST_TIMEOUT }), {
      clock,
      deadlineMs: 3000,
    });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const result = transport.send(payload);
    await server.requestCount(1);
    const socketClosed = new Promise((resolve) => serverSocket?.once('close', resolve));
    await clock.advance(3000);
    const cut = failure(await result);
    assert.equal(cut.error.code, 'ERR_TIMEOUT');
    assert.equal(cut.retryable, true);
    assert.match(cut.error.message, /within the 3000 ms deadline \(attempt 1 of 3 cut\)/);
    await socketClosed;
  });

  it('retries a refused connection until the server is listening', async (t) => {
    const port = await closedTcpPort();
    const clock = new RecordingClock();
    const transport = withRetry(httpTransport({ url: `http://127.0.0.1:${port}/w`, clock }), {
      clock,
      random: () => 0.5,
    });
    t.after(() => transport.close());

    const result = transport.send(payload);
    await clock.timersSet(2);
    assert.deepEqual(waits(clock), [150]);
    // The server comes up on that very port during the backoff.
    const revived = await startRecordingServer(() => ({ status: 204 }), '127.0.0.1', port);
    t.after(() => revived.close());
    await clock.advance(150);
    assert.deepEqual(await result, { ok: true, status: 204 });
    assert.equal(revived.requests.length, 1);
  });
});
