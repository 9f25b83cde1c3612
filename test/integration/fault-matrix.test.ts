// The fault matrix: every way a push target can fail, against real loopback sockets, through the
// presets a job would use. In every case:
//   - nothing escapes into the host process (no uncaught exception, no unhandled rejection);
//   - onError receives PushErrors with the exact codes;
//   - the job's own outcome is untouched (run(fn) resolves with fn's value);
//   - once the target is back, the next push carries the FULL cumulative values.
// Waits are on events (a request arrived, a datagram arrived); the only real time spent is the
// transports' own timeouts and backoff, kept short here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter } from '../../src/metrics/counter.js';
import { Gauge } from '../../src/metrics/gauge.js';
import { Registry } from '../../src/registry.js';
import { HttpStatusError, PushError } from '../../src/errors.js';
import { pushgateway } from '../../src/presets/pushgateway.js';
import type { PushgatewayOptions } from '../../src/presets/pushgateway.js';
import { influxUdp } from '../../src/presets/influx-udp.js';
import type { Pusher } from '../../src/push/pusher.js';
import type { UdpLookup } from '../../src/transport/udp.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { closedTcpPort, startUdpSink } from './support/loopback.js';
import { RecordingClock, assertNothingEscapes } from './support/guards.js';

type Mode =
  | { readonly kind: 'ok' }
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly body?: string;
      readonly headers?: Record<string, string>;
    }
  | { readonly kind: 'blackhole' }
  | { readonly kind: 'reset' };

interface Arrival {
  readonly method: string;
  readonly url: string;
  readonly body: string;
  readonly at: number;
}

/** A loopback HTTP server whose behaviour the test switches: answer, fail, never answer, reset. */
class FaultServer {
  mode: Mode = { kind: 'ok' };
  readonly arrivals: Arrival[] = [];
  private waiting: { n: number; resolve: () => void }[] = [];

  private constructor(
    readonly server: http.Server,
    readonly port: number,
  ) {}

  static async start(port = 0): Promise<FaultServer> {
    const holder: { self?: FaultServer } = {};
    const server = http.createServer((req, res) => holder.self?.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    holder.self = new FaultServer(server, (server.address() as AddressInfo).port);
    return holder.self;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resolves once `n` requests have arrived in total. */
  arrived(n: number): Promise<void> {
    if (this.arrivals.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ n, resolve }));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private record(arrival: Arrival): void {
    this.arrivals.push(arrival);
    this.waiting = this.waiting.filter((w) => {
      if (this.arrivals.length < w.n) return true;
      w.resolve();
      return false;
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const mode = this.mode;
    if (mode.kind === 'reset') {
      // Cut the connection in the middle of the request: the client never gets a response.
      req.once('data', () => {
        this.record({ method: req.method ?? '', url: req.url ?? '', body: '', at: Date.now() });
        req.socket.destroy();
      });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.record({
        method: req.method ?? '',
        url: req.url ?? '',
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      });
      if (mode.kind === 'blackhole') return; // accepted, read, never answered
      if (mode.kind === 'status') {
        res.writeHead(mode.status, mode.headers).end(mode.body);
        return;
      }
      res.writeHead(200).end();
    });
  }
}

/** dns.lookup, until `heal()`: then every name resolves to 127.0.0.1 (a DNS record that appears). */
function healableDns() {
  let healed = false;
  const agentLookup = (
    hostname: string,
    options: LookupOneOptions | LookupAllOptions,
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    if (!healed) {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses) => callback(error, addresses));
      return;
    }
    if ((options as LookupAllOptions).all === true) callback(null, [{ address: '127.0.0.1', family: 4 }]);
    else callback(null, '127.0.0.1', 4);
  };
  const udpLookup: UdpLookup = async (hostname, family) => {
    if (healed) return [{ address: '127.0.0.1', family: 4 }];
    return new Promise((resolve, reject) =>
      dnsLookup(hostname, { all: true, family }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
    );
  };
  return { agentLookup, udpLookup, heal: () => (healed = true) };
}

const HEADER = '# HELP jobs_total Jobs done\n# TYPE jobs_total counter\n';

function jobMetrics() {
  const registry = new Registry();
  const jobs = new Counter({ name: 'jobs', help: 'Jobs done', registry });
  return { registry, jobs };
}

interface Outcome {
  readonly result: string;
  readonly errors: PushError[];
}

/** The job: counts 3, returns its own value; the pusher's session ends with a failing final push. */
async function runJob(pusher: Pusher, jobs: Counter, errors: PushError[]): Promise<Outcome> {
  const result = await pusher.run(async () => {
    jobs.inc(3);
    await Promise.resolve();
    return 'the job result';
  });
  return { result, errors: [...errors] };
}

describe('fault matrix: HTTP (pushgateway preset)', () => {
  assertNothingEscapes();

  interface HttpCase {
    readonly name: string;
    readonly fault: Mode;
    readonly options?: Partial<PushgatewayOptions>;
    /** Requests the failing final push makes (attempts). */
    readonly attempts: number;
    readonly check: (error: PushError, server: FaultServer) => void;
    /** Drives the pusher's injected clock while the failing push runs (cases that wait). */
    readonly drive?: (clock: RecordingClock, server: FaultServer, finished: Promise<unknown>) => Promise<void>;
  }

  const fast = { retry: { initialDelayMs: 5, jitter: 'none' as const } };
  const cases: HttpCase[] = [
    {
      name: '500: not retried, status and body reported',
      fault: { kind: 'status', status: 500, body: 'internal error' },
      attempts: 1,
      check: (e) => {
        assert.ok(e instanceof HttpStatusError);
        assert.deepEqual([e.code, e.status, e.body], ['ERR_HTTP_STATUS', 500, 'internal error']);
      },
    },
    {
      name: '503: retried, the last failure reported',
      fault: { kind: 'status', status: 503, body: 'overloaded' },
      attempts: 3,
      check: (e) => {
        assert.ok(e instanceof HttpStatusError);
        assert.deepEqual([e.code, e.status, e.body], ['ERR_HTTP_STATUS', 503, 'overloaded']);
      },
    },
    {
      name: '429 with Retry-After: the server’s delay is honoured',
      fault: { kind: 'status', status: 429, body: 'slow down', headers: { 'retry-after': '1' } },
      options: { retry: { maxAttempts: 2 } },
      attempts: 2,
      // The retry waits on the pusher's clock: not one fake millisecond early, then at once.
      drive: async (clock, server, finished) => {
        // The first timer armed after the 429 arrived is the retry wait (the request's own
        // timeout was armed before it was sent). If none comes, the push ends: fail, don't hang.
        await server.arrived(1);
        const before = clock.delays.length;
        await Promise.race([clock.timersSet(before + 1), finished]);
        assert.equal(clock.delays[before], 1000, `retry wait; timers: ${clock.delays.join(', ')}`);
        await clock.advance(999);
        assert.equal(server.arrivals.length, 1, 'not retried before the 1000 ms the server asked for');
        await clock.advance(1);
        await server.arrived(2);
      },
      check: (e) => {
        assert.ok(e instanceof HttpStatusError);
        assert.deepEqual([e.code, e.status, e.retryAfterSeconds], ['ERR_HTTP_STATUS', 429, 1]);
      },
    },
    {
      name: '400 with a body: not retried, the body reaches onError',
      fault: {
        kind: 'status',
        status: 400,
        body: 'text format parsing error in line 1: unexpected end of input stream',
      },
      attempts: 1,
      check: (e) => {
        assert.ok(e instanceof HttpStatusError);
        assert.equal(e.status, 400);
        assert.match(
          e.message,
          /HTTP 400 from http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/fault: text format parsing error/,
        );
      },
    },
    {
      name: 'blackholed (accepts, never answers): ERR_TIMEOUT after timeoutMs, retried',
      fault: { kind: 'blackhole' },
      options: { timeoutMs: 150 },
      attempts: 3,
      check: (e) => {
        assert.equal(e.code, 'ERR_TIMEOUT');
        assert.match(e.message, /timed out after 150 ms/);
      },
    },
    {
      name: 'connection reset mid-request: ERR_NETWORK, retried',
      fault: { kind: 'reset' },
      attempts: 3,
      check: (e) => {
        assert.equal(e.code, 'ERR_NETWORK');
        assert.match(e.message, /ECONNRESET|EPIPE|socket hang up/);
      },
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const server = await FaultServer.start();
      try {
        const { registry, jobs } = jobMetrics();
        const errors: PushError[] = [];
        const clock = c.drive === undefined ? undefined : new RecordingClock();
        const pusher = pushgateway({
          url: server.origin,
          job: 'fault',
          registry,
          selfMetrics: false,
          onError: (e) => errors.push(e),
          ...fast,
          ...c.options,
          ...(clock !== undefined && { clock }),
        });
        server.mode = c.fault;
        const running = runJob(pusher, jobs, errors);
        if (c.drive !== undefined && clock !== undefined) await c.drive(clock, server, running);
        const outcome = await running;
        assert.equal(outcome.result, 'the job result');
        assert.deepEqual(
          outcome.errors.map((e) => e.code),
          [
            c.fault.kind === 'status'
              ? 'ERR_HTTP_STATUS'
              : c.fault.kind === 'blackhole'
                ? 'ERR_TIMEOUT'
                : 'ERR_NETWORK',
          ],
        );
        assert.ok(outcome.errors[0] instanceof PushError);
        c.check(outcome.errors[0], server);
        assert.equal(server.arrivals.length, c.attempts, 'attempts of the failing final push');

        // The target is back: the next push carries everything, the failed push's 3 included.
        server.mode = { kind: 'ok' };
        jobs.inc(2);
        await pusher.pushNow();
        const last = server.arrivals.at(-1);
        assert.deepEqual(
          [last?.method, last?.url, last?.body],
          ['PUT', '/metrics/job/fault', `${HEADER}jobs_total 5\n`],
        );
        await pusher.stop();
        assert.equal(errors.length, 1, 'no further errors once the target is back');
      } finally {
        await server.close();
      }
    });
  }

  it('target down (closed port): ERR_NETWORK ECONNREFUSED; the next push after it starts carries everything', async () => {
    const port = await closedTcpPort();
    const { registry, jobs } = jobMetrics();
    const errors: PushError[] = [];
    const pusher = pushgateway({
      url: `http://127.0.0.1:${port}`,
      job: 'fault',
      registry,
      selfMetrics: false,
      onError: (e) => errors.push(e),
      ...fast,
    });
    const outcome = await runJob(pusher, jobs, errors);
    assert.equal(outcome.result, 'the job result');
    assert.deepEqual(
      outcome.errors.map((e) => e.code),
      ['ERR_NETWORK'],
    );
    assert.match(outcome.errors[0]?.message ?? '', /ECONNREFUSED/);
    const server = await FaultServer.start(port);
    try {
      jobs.inc(2);
      await pusher.pushNow();
      assert.deepEqual(
        server.arrivals.map((a) => a.body),
        [`${HEADER}jobs_total 5\n`],
      );
      await pusher.stop();
    } finally {
      await server.close();
    }
  });

  it('DNS name that does not resolve (nonexistent.invalid): ERR_NETWORK ENOTFOUND, then the record appears', async () => {
    const server = await FaultServer.start();
    const dns = healableDns();
    const agent = new http.Agent({ keepAlive: true, lookup: dns.agentLookup });
    try {
      const { registry, jobs } = jobMetrics();
      const errors: PushError[] = [];
      const pusher = pushgateway({
        url: `http://nonexistent.invalid:${server.port}`,
        job: 'fault',
        registry,
        agent,
        selfMetrics: false,
        onError: (e) => errors.push(e),
        ...fast,
      });
      const outcome = await runJob(pusher, jobs, errors);
      assert.equal(outcome.result, 'the job result');
      assert.deepEqual(
        outcome.errors.map((e) => e.code),
        ['ERR_NETWORK'],
      );
      assert.match(outcome.errors[0]?.message ?? '', /ENOTFOUND|EAI_AGAIN/);
      assert.match(outcome.errors[0]?.message ?? '', /nonexistent\.invalid/);
      assert.equal(server.arrivals.length, 0);
      dns.heal();
      jobs.inc(2);
      await pusher.pushNow();
      assert.deepEqual(
        server.arrivals.map((a) => a.body),
        [`${HEADER}jobs_total 5\n`],
      );
      await pusher.stop();
    } finally {
      agent.destroy();
      await server.close();
    }
  });

  it('server restarted mid-job on the same port: the push during the restart fails, the next carries everything', async () => {
    let server = await FaultServer.start();
    const port = server.port;
    const { registry, jobs } = jobMetrics();
    const errors: PushError[] = [];
    const pusher = pushgateway({
      url: server.origin,
      job: 'fault',
      registry,
      selfMetrics: false,
      onError: (e) => errors.push(e),
      ...fast,
    });
    try {
      const result = await pusher.run(async () => {
        jobs.inc(1);
        await pusher.pushNow(); // a keep-alive connection now exists
        await server.close(); // the server goes away mid-job…
        jobs.inc(2);
        return 'the job result';
      }); // …so the final push of the session fails
      assert.equal(result, 'the job result');
      assert.deepEqual(
        errors.map((e) => e.code),
        ['ERR_NETWORK'],
      );
      server = await FaultServer.start(port); // …and comes back on the same port
      jobs.inc(2);
      await pusher.pushNow();
      assert.deepEqual(
        server.arrivals.map((a) => a.body),
        [`${HEADER}jobs_total 5\n`],
      );
      await pusher.stop();
    } finally {
      await server.close();
    }
  });
});

describe('fault matrix: UDP (influxUdp preset)', () => {
  assertNothingEscapes();

  it('EMSGSIZE: a datagram over 65 507 bytes is refused by the OS (ERR_PAYLOAD_TOO_LARGE), nothing escapes', async () => {
    const sink = await startUdpSink();
    try {
      const { registry, jobs } = jobMetrics();
      const huge = new Gauge({ name: 'huge', labelNames: ['blob'] as const, registry });
      huge.labels({ blob: 'x'.repeat(70_000) }).set(1);
      const errors: PushError[] = [];
      const pusher = influxUdp({
        host: '127.0.0.1',
        port: sink.port,
        maxPayloadBytes: 100_000,
        registry,
        selfMetrics: false,
        onError: (e) => errors.push(e),
      });
      const outcome = await runJob(pusher, jobs, errors);
      assert.equal(outcome.result, 'the job result');
      assert.deepEqual(
        outcome.errors.map((e) => e.code),
        ['ERR_PAYLOAD_TOO_LARGE'],
      );
      assert.match(outcome.errors[0]?.message ?? '', /EMSGSIZE/);
      // The oversized series goes away (the job's fix); the next push carries the full counter.
      huge.remove({ blob: 'x'.repeat(70_000) });
      jobs.inc(2);
      await pusher.pushNow();
      await sink.received(1);
      assert.deepEqual(
        sink.messages.map((m) => m.toString()),
        [' jobs_total=5\n'],
      );
      await pusher.stop();
      await sink.received(2);
      assert.equal(errors.length, 1);
    } finally {
      await sink.close();
    }
  });

  it('DNS name that does not resolve: ERR_NETWORK ENOTFOUND, then the record appears', async () => {
    const sink = await startUdpSink();
    const dns = healableDns();
    const clock = new FakeClock();
    try {
      const { registry, jobs } = jobMetrics();
      const errors: PushError[] = [];
      const pusher = influxUdp({
        host: 'nonexistent.invalid',
        port: sink.port,
        lookup: dns.udpLookup,
        clock,
        registry,
        selfMetrics: false,
        onError: (e) => errors.push(e),
      });
      const outcome = await runJob(pusher, jobs, errors);
      assert.equal(outcome.result, 'the job result');
      assert.deepEqual(
        outcome.errors.map((e) => e.code),
        ['ERR_NETWORK'],
      );
      assert.match(
        outcome.errors[0]?.message ?? '',
        /DNS lookup for udp:\/\/nonexistent\.invalid:\d+ failed: .*(ENOTFOUND|EAI_AGAIN)/,
      );
      dns.heal();
      // The transport waits dnsRetryMs (1 s) before asking DNS again: fake time, no sleep.
      await clock.advance(1000);
      jobs.inc(2);
      await pusher.pushNow();
      await sink.received(1);
      assert.deepEqual(
        sink.messages.map((m) => m.toString()),
        [' jobs_total=5\n'],
      );
      const stopping = pusher.stop();
      await clock.advance(0);
      await stopping;
    } finally {
      await sink.close();
    }
  });
});
