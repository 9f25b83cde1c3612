// udpTransport against real node:dgram sockets on 127.0.0.1 / 127.0.0.2 / ::1. DNS is real
// (localhost, nonexistent.invalid) except where a test needs to count or hold lookups: there a
// resolver function is injected. Back-off time runs on FakeClock; no test sleeps.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { udpTransport } from '../../src/transport/udp.js';
import type { ResolvedAddress, UdpLookup } from '../../src/transport/udp.js';
import type { SendFailure, SendResult } from '../../src/transport/transport.js';
import { PayloadTooLargeError, PushError } from '../../src/errors.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { closedUdpPort, ipv6Available, startUdpSink } from './support/loopback.js';
import { assertNothingEscapes, holdEventLoop } from './support/guards.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function failure(result: SendResult): SendFailure {
  assert.equal(result.ok, false, 'expected a failed send');
  return result;
}

/** A resolver the test controls: counts calls and answers each from a script, when told to. */
function scriptedLookup(answers: (readonly ResolvedAddress[] | Error)[]): {
  lookup: UdpLookup;
  calls: () => number;
  /** Lets lookups answer; until called, they wait (to hold sends behind DNS). */
  release: () => void;
} {
  let calls = 0;
  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  let held = true;
  void released.then(() => (held = false));
  return {
    calls: () => calls,
    release: () => release(),
    lookup: async () => {
      const answer = answers[Math.min(calls, answers.length - 1)];
      calls++;
      if (held) await released;
      if (answer === undefined) throw new Error('script exhausted');
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

const notFound = (): Error => Object.assign(new Error('getaddrinfo ENOTFOUND metrics.test'), { code: 'ENOTFOUND' });

/** Resolves with the next error the transport reports through its onError hook. */
function errorHook(): { onError: (error: PushError) => void; next: () => Promise<PushError> } {
  const seen: PushError[] = [];
  let wake = (): void => undefined;
  return {
    onError: (error) => {
      seen.push(error);
      wake();
    },
    next: () =>
      new Promise<PushError>((resolve, reject) => {
        const hold = holdEventLoop(() => reject(new Error('no socket error reported within 10 s')));
        wake = () => {
          const error = seen.shift();
          if (error === undefined) return;
          hold.release();
          wake = () => undefined;
          resolve(error);
        };
        wake();
      }),
  };
}

describe('udpTransport (loopback)', () => {
  assertNothingEscapes();

  it('delivers the exact datagram bytes to an IPv4 address', async (t) => {
    const sink = await startUdpSink();
    const transport = udpTransport({ host: '127.0.0.1', port: sink.port });
    t.after(() => Promise.all([transport.close(), sink.close()]));

    const payloads = ['requests_total,host=a:1|c\n', 'é:2|g\n', 'x'.repeat(1432)].map(bytes);
    for (const payload of payloads) assert.deepEqual(await transport.send(payload), { ok: true });
    await sink.received(3);
    assert.deepEqual(
      sink.messages,
      payloads.map((p) => Buffer.from(p)),
    );
    assert.equal(transport.target, `udp://127.0.0.1:${sink.port}`);
  });

  it('reads a payload no more once its send settled (releasesPayload): overwriting it then changes nothing sent', async (t) => {
    const sink = await startUdpSink();
    const transport = udpTransport({ host: '127.0.0.1', port: sink.port });
    t.after(() => Promise.all([transport.close(), sink.close()]));
    assert.equal(transport.releasesPayload, true);

    const payload = bytes('jobs:1|g\n'.repeat(100));
    const sent = Buffer.from(payload);
    assert.deepEqual(await transport.send(payload), { ok: true });
    payload.fill(0x7a); // the next push writing into the recycled memory
    await sink.received(1);
    assert.deepEqual(sink.messages, [sent]);
  });

  it('resolves a host name once (real resolver: localhost) and keeps sending on the connected socket', async (t) => {
    const sink = await startUdpSink();
    const transport = udpTransport({ host: 'localhost', port: sink.port, family: 4 });
    t.after(() => Promise.all([transport.close(), sink.close()]));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => transport.send(bytes(`m:${i}|c`))));
    assert.ok(results.every((r) => r.ok));
    await sink.received(20);
    assert.deepEqual(new Set(sink.messages.map(String)), new Set(Array.from({ length: 20 }, (_, i) => `m:${i}|c`)));
  });

  it('does one lookup for many concurrent sends, then no more DNS while healthy', async (t) => {
    const sink = await startUdpSink();
    const dns = scriptedLookup([[{ address: '127.0.0.1', family: 4 }]]);
    const clock = new FakeClock();
    const transport = udpTransport({ host: 'statsd.test', port: sink.port, lookup: dns.lookup, clock });
    t.after(() => Promise.all([transport.close(), sink.close()]));

    const first = Array.from({ length: 50 }, (_, i) => transport.send(bytes(`a:${i}|c`)));
    dns.release();
    assert.ok((await Promise.all(first)).every((r) => r.ok));
    await clock.advance(3_600_000);
    assert.deepEqual(await transport.send(bytes('late:1|c')), { ok: true });
    await sink.received(51);
    assert.equal(dns.calls(), 1);
  });

  it('uses an IPv6 socket for an IPv6 address (literal, and resolved)', async (t) => {
    if (!(await ipv6Available())) {
      t.skip('no IPv6 loopback on this machine');
      return;
    }
    const sink = await startUdpSink('::1');
    const literal = udpTransport({ host: '::1', port: sink.port });
    const dns = scriptedLookup([[{ address: '::1', family: 6 }]]);
    dns.release();
    const named = udpTransport({ host: 'v6.test', port: sink.port, lookup: dns.lookup });
    t.after(() => Promise.all([literal.close(), named.close(), sink.close()]));

    assert.deepEqual(await literal.send(bytes('v6:1|c')), { ok: true });
    await sink.received(1);
    assert.deepEqual(await named.send(bytes('v6:2|c')), { ok: true });
    await sink.received(2);
    assert.deepEqual(sink.messages.map(String), ['v6:1|c', 'v6:2|c']);
    assert.equal(literal.target, `udp://[::1]:${sink.port}`);
  });

  it('reports an oversized datagram (EMSGSIZE) as a non-retryable ERR_PAYLOAD_TOO_LARGE result', async (t) => {
    const sink = await startUdpSink();
    const transport = udpTransport({ host: '127.0.0.1', port: sink.port });
    t.after(() => Promise.all([transport.close(), sink.close()]));

    const result = failure(await transport.send(new Uint8Array(65_508).fill(0x61)));
    assert.equal(result.retryable, false);
    assert.ok(result.error instanceof PayloadTooLargeError);
    assert.equal(result.error.code, 'ERR_PAYLOAD_TOO_LARGE');
    assert.equal(result.error.bytes, 65_508);
    assert.equal(result.error.limit, 65_507);
    assert.match(
      result.error.message,
      new RegExp(`^UDP datagram of 65508 bytes to udp://127\\.0\\.0\\.1:${sink.port} refused \\(EMSGSIZE\\)`),
    );
    // The largest legal datagram still goes through on the same socket.
    assert.deepEqual(await transport.send(new Uint8Array(65_507).fill(0x62)), { ok: true });
    await sink.received(1);
    assert.equal(sink.messages[0]?.length, 65_507);
  });

  it('reports ECONNREFUSED (ICMP port unreachable) as a result and through onError, never as an exception', async (t) => {
    const port = await closedUdpPort();
    const hook = errorHook();
    const transport = udpTransport({ host: '127.0.0.1', port, onError: hook.onError });
    t.after(() => transport.close());

    // The kernel accepts the datagram; the refusal comes back asynchronously.
    assert.deepEqual(await transport.send(bytes('a:1|c')), { ok: true });
    const async = await hook.next();
    assert.equal(async.code, 'ERR_NETWORK');
    const next = failure(await transport.send(bytes('a:2|c')));
    assert.equal(next.retryable, true);
    assert.equal(next.error, async, 'the pending socket error is the next send’s result');
    assert.equal(next.error.target, `udp://127.0.0.1:${port}`);
    assert.match(
      next.error.message,
      new RegExp(`^UDP socket for udp://127\\.0\\.0\\.1:${port} failed: .*ECONNREFUSED`),
    );
  });

  it('reports a host that does not resolve as a retryable ERR_NETWORK result', async () => {
    const transport = udpTransport({ host: 'nonexistent.invalid', port: 8125 });
    const result = failure(await transport.send(bytes('a:1|c')));
    await transport.close();
    assert.equal(result.retryable, true);
    assert.equal(result.error.code, 'ERR_NETWORK');
    assert.equal(result.error.target, 'udp://nonexistent.invalid:8125');
    assert.match(
      result.error.message,
      /^UDP DNS lookup for udp:\/\/nonexistent\.invalid:8125 failed: .*(ENOTFOUND|EAI_AGAIN)/,
    );
  });

  it('backs off DNS after a failed lookup: one lookup in flight, failures cached, then 1 s, 2 s… until success', async (t) => {
    const sink = await startUdpSink();
    const dns = scriptedLookup([notFound(), notFound(), [{ address: '127.0.0.1', family: 4 }]]);
    const clock = new FakeClock();
    const transport = udpTransport({
      host: 'metrics.test',
      port: sink.port,
      lookup: dns.lookup,
      clock,
      dnsRetryMs: 1000,
    });
    t.after(() => Promise.all([transport.close(), sink.close()]));

    const burst = Array.from({ length: 20 }, () => transport.send(bytes('x:1|c')));
    dns.release();
    const failures = (await Promise.all(burst)).map(failure);
    assert.equal(dns.calls(), 1, 'no stampede');
    assert.ok(failures.every((f) => f.error.code === 'ERR_NETWORK' && f.retryable));
    assert.match(failures[0]?.error.message ?? '', /ENOTFOUND/);

    await clock.advance(999);
    failure(await transport.send(bytes('x:2|c')));
    assert.equal(dns.calls(), 1, 'cached failure inside the back-off window');
    await clock.advance(1);
    failure(await transport.send(bytes('x:3|c')));
    assert.equal(dns.calls(), 2);
    await clock.advance(1999);
    failure(await transport.send(bytes('x:4|c')));
    assert.equal(dns.calls(), 2, 'the back-off doubled to 2 s');
    await clock.advance(1);
    assert.deepEqual(await transport.send(bytes('x:5|c')), { ok: true });
    assert.equal(dns.calls(), 3);
    await sink.received(1);
    assert.deepEqual(sink.messages.map(String), ['x:5|c']);
  });

  it('re-resolves after a network error and moves to the new address; a failed re-resolution keeps the old one', async (t) => {
    const sink = await startUdpSink('127.0.0.2');
    const dns = scriptedLookup([
      [{ address: '127.0.0.1', family: 4 }], // nothing listens on 127.0.0.1:<port>
      notFound(), // the resolver hiccups: keep the old socket
      [{ address: '127.0.0.2', family: 4 }], // the service moved
    ]);
    dns.release();
    const clock = new FakeClock();
    const hook = errorHook();
    const transport = udpTransport({
      host: 'moving.test',
      port: sink.port,
      lookup: dns.lookup,
      clock,
      onError: hook.onError,
    });
    t.after(() => Promise.all([transport.close(), sink.close()]));

    assert.deepEqual(await transport.send(bytes('one')), { ok: true });
    await hook.next(); // ECONNREFUSED from 127.0.0.1
    failure(await transport.send(bytes('two'))); // reported; not sent
    assert.equal(dns.calls(), 1, 'no lookup before dnsRetryMs has passed');

    await clock.advance(1000);
    assert.deepEqual(await transport.send(bytes('three')), { ok: true }, 'sent on the old socket');
    assert.equal(dns.calls(), 2);
    await hook.next(); // refused again

    failure(await transport.send(bytes('four'))); // reported; not sent
    assert.equal(dns.calls(), 2, 'after a failed lookup the next one waits dnsRetryMs again');
    await clock.advance(1000);
    assert.deepEqual(await transport.send(bytes('five')), { ok: true });
    assert.equal(dns.calls(), 3);
    await sink.received(1);
    assert.deepEqual(sink.messages.map(String), ['five']);
  });

  it('close() flushes sends still waiting for DNS, then refuses new ones', async (t) => {
    const sink = await startUdpSink();
    const dns = scriptedLookup([[{ address: '127.0.0.1', family: 4 }]]);
    const transport = udpTransport({ host: 'slow-dns.test', port: sink.port, lookup: dns.lookup });
    t.after(() => sink.close());

    const pending = Array.from({ length: 5 }, (_, i) => transport.send(bytes(`queued:${i}|c`)));
    let closed = false;
    const closing = transport.close().then(() => (closed = true));
    const refused = failure(await transport.send(bytes('late:1|c')));
    assert.equal(refused.error.code, 'ERR_CLOSED');
    assert.equal(refused.retryable, false);
    assert.equal(closed, false);

    dns.release();
    await closing;
    assert.ok((await Promise.all(pending)).every((r) => r.ok));
    await sink.received(5);
    assert.deepEqual(
      sink.messages.map(String),
      Array.from({ length: 5 }, (_, i) => `queued:${i}|c`),
    );
    await transport.close(); // idempotent
  });

  it('an AbortSignal cancels a send waiting for DNS; nothing of it is sent', async (t) => {
    const sink = await startUdpSink();
    const dns = scriptedLookup([[{ address: '127.0.0.1', family: 4 }]]);
    const transport = udpTransport({ host: 'held.test', port: sink.port, lookup: dns.lookup });
    t.after(() => Promise.all([transport.close(), sink.close()]));

    const controller = new AbortController();
    const cancelled = transport.send(bytes('cancelled'), { signal: controller.signal });
    controller.abort();
    const result = failure(await cancelled);
    assert.equal(result.error.code, 'ERR_TIMEOUT');
    assert.equal(result.retryable, true);
    dns.release();
    assert.deepEqual(await transport.send(bytes('marker')), { ok: true });
    await sink.received(1);
    assert.deepEqual(sink.messages.map(String), ['marker']);
  });

  it('throws InvalidArgumentError at creation for a missing host or a bad port', () => {
    for (const options of [
      { host: '', port: 8125 },
      { host: 'h', port: 0 },
      { host: 'h', port: 70_000 },
      { host: 'h', port: 1.5 },
    ]) {
      assert.throws(
        () => udpTransport(options),
        (error: unknown) => error instanceof PushError && error.code === 'ERR_INVALID_ARG',
      );
    }
  });
});
