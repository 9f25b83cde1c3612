import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter } from '../../src/metrics/counter.js';
import { Registry } from '../../src/registry.js';
import { prometheusTextEncoder } from '../../src/encoding/prometheus-text.js';
import type { Encoder } from '../../src/encoding/encoder.js';
import { HttpStatusError, NetworkError, PushError } from '../../src/errors.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { periodicPusher } from '../../src/push/periodic-pusher.js';
import type { PeriodicPusherOptions } from '../../src/push/periodic-pusher.js';
import { exitRegistrations } from '../../src/push/lifecycle.js';
import { PUSH_WARNING_TYPE } from '../../src/push/default-on-error.js';
import type { SendResult, Transport } from '../../src/transport/transport.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { memoryTransport, sendFailed, sendOk } from '../../src/testing/memory-transport.js';
import type { MemoryTransportOptions } from '../../src/testing/memory-transport.js';
import { familyValues, guardProcess, seriesValue } from './push-helpers.js';

guardProcess();

const TARGET = 'memory://test';
const body = (n: number): string => `# HELP jobs_total Jobs done\n# TYPE jobs_total counter\njobs_total ${n}\n`;

function setup(
  overrides: Partial<PeriodicPusherOptions> = {},
  transportOptions: MemoryTransportOptions = {},
): {
  clock: FakeClock;
  registry: Registry;
  counter: Counter;
  transport: ReturnType<typeof memoryTransport>;
  self: Registry;
  errors: PushError[];
  pusher: ReturnType<typeof periodicPusher>;
} {
  const clock = new FakeClock();
  const registry = new Registry({ clock });
  const counter = new Counter({ name: 'jobs', help: 'Jobs done', registry, clock });
  const transport = memoryTransport(transportOptions);
  const self = new Registry({ clock });
  const errors: PushError[] = [];
  const pusher = periodicPusher({
    registry,
    encoder: prometheusTextEncoder(),
    transport,
    clock,
    intervalMs: 1000,
    selfMetrics: self,
    onError: (error) => errors.push(error),
    ...overrides,
  });
  return { clock, registry, counter, transport, self, errors, pusher };
}

/** A responder that answers after `ms` of fake time, recording when each send started. */
function slowResponder(clock: FakeClock, ms: number, starts: number[]) {
  return (): Promise<SendResult> => {
    starts.push(clock.monotonic());
    return new Promise((resolve) => clock.setTimeout(() => resolve(sendOk), ms));
  };
}

/** Stops while fake time passes, for transports that answer after a fake delay. */
async function stopDuring(clock: FakeClock, pusher: { stop(): Promise<void> }, ms: number): Promise<void> {
  const stopping = pusher.stop();
  await clock.advance(ms);
  await stopping;
}

describe('periodicPusher: schedule', () => {
  it('pushes every intervalMs from start, the registry as encoded, nothing before the first tick', async () => {
    const { clock, counter, transport, pusher } = setup();
    pusher.start();
    counter.inc(2);
    await clock.advance(999);
    assert.equal(transport.payloads.length, 0);
    await clock.advance(1);
    assert.deepEqual(transport.texts(), [body(2)]);
    counter.inc();
    await clock.advance(1000);
    assert.deepEqual(transport.texts(), [body(2), body(3)]);
    await pusher.stop();
  });

  it('plans ticks from the start time, not from the end of the previous push (drift compensation)', async () => {
    const clock = new FakeClock();
    const starts: number[] = [];
    const { transport, pusher } = setup({ clock }, { results: slowResponder(clock, 300, starts) });
    pusher.start();
    await clock.advance(3000);
    assert.deepEqual(starts, [1000, 2000, 3000]);
    assert.equal(transport.payloads.length, 3);
    await stopDuring(clock, pusher, 600);
  });

  it('skips (and counts) the ticks that find a push still in flight: never two pushes at once', async () => {
    const clock = new FakeClock();
    const starts: number[] = [];
    const { pusher, self } = setup({ clock }, { results: slowResponder(clock, 2500, starts) });
    pusher.start();
    await clock.advance(4000);
    // 1000: push (until 3500); 2000 and 3000: skipped; 4000: push.
    assert.deepEqual(starts, [1000, 4000]);
    assert.equal(seriesValue(self, 'prometheus_push_client_dropped', { target: TARGET, reason: 'skipped_tick' }), 2);
    await stopDuring(clock, pusher, 5000);
  });

  it('uses an unref-able timer and registers for the final push at beforeExit while running', async () => {
    const { pusher } = setup({ handleSignals: true });
    const before = exitRegistrations();
    pusher.start();
    assert.equal(pusher.running, true);
    assert.deepEqual(exitRegistrations(), { participants: before.participants + 1, beforeExit: true, signals: true });
    await pusher.stop();
    assert.equal(pusher.running, false);
    assert.deepEqual(exitRegistrations(), before);
  });
});

describe('periodicPusher: timers and process listeners', () => {
  it('realigns to the planned grid after a late tick (a blocked loop) instead of bursting', async () => {
    // A clock whose timers fire only when the test says so, as late as it likes.
    let now = 0;
    const timers: { delay: number; unref: boolean | undefined; fire: () => void }[] = [];
    const clock = {
      now: () => 1_700_000_000_000 + now,
      monotonic: () => now,
      setTimeout: (fire: () => void, delay: number, options?: { unref?: boolean }) => {
        timers.push({ delay, unref: options?.unref, fire });
        return { cancel: () => undefined };
      },
    };
    const { transport, pusher } = setup({ clock });
    pusher.start();
    assert.deepEqual(
      timers.map((t) => [t.delay, t.unref]),
      [[1000, true]],
    );
    now = 3500; // the 1000 ms tick fires 2.5 s late
    timers[0]?.fire();
    await Promise.resolve();
    assert.equal(transport.payloads.length, 1, 'one push, not one per missed tick');
    assert.deepEqual(
      timers.map((t) => t.delay),
      [1000, 500],
      'the next tick is at 4000, on the grid',
    );
    await pusher.stop();
  });

  it('shares one beforeExit and one SIGTERM/SIGINT listener between all pushers', async () => {
    const counts = (): number[] =>
      ['beforeExit', 'SIGTERM', 'SIGINT'].map((event) => process.listenerCount(event as 'beforeExit'));
    const before = counts();
    const pushers = Array.from({ length: 20 }, () => setup({ handleSignals: true }).pusher.start());
    assert.deepEqual(
      counts(),
      before.map((n) => n + 1),
    );
    await Promise.all(pushers.map((p) => p.stop()));
    assert.deepEqual(counts(), before);
  });
});

describe('periodicPusher: the timer path never throws', () => {
  it('reports failed sends to onError and keeps pushing', async () => {
    const failure = sendFailed(new NetworkError('connect ECONNREFUSED', { target: TARGET }), true);
    const { clock, transport, errors, pusher, self } = setup({}, { results: () => failure });
    pusher.start();
    await clock.advance(3000);
    assert.equal(transport.payloads.length, 3);
    assert.deepEqual(
      errors.map((e) => e.code),
      ['ERR_NETWORK', 'ERR_NETWORK', 'ERR_NETWORK'],
    );
    assert.equal(seriesValue(self, 'prometheus_push_client_push_errors', { target: TARGET, code: 'ERR_NETWORK' }), 3);
    await pusher.stop();
  });

  it('turns an encoder that throws into an onError PushError carrying the cause', async () => {
    const bug = new TypeError('boom');
    const encoder: Encoder = {
      contentType: 'text/plain',
      encode: () => {
        throw bug;
      },
    };
    const { clock, transport, errors, pusher } = setup({ encoder });
    pusher.start();
    await clock.advance(1000);
    assert.equal(transport.payloads.length, 0);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof PushError);
    assert.equal(errors[0]?.code, 'ERR_INTERNAL');
    assert.equal(errors[0]?.cause, bug);
    assert.match(errors[0]?.message ?? '', /push to memory:\/\/test failed: the encoder threw TypeError: boom/);
    await pusher.stop();
  });

  it('survives an onError hook that throws (the failure becomes a process warning)', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error): void => void warnings.push(w);
    process.on('warning', onWarning);
    try {
      const failure = sendFailed(new HttpStatusError(500, 'oops', { target: TARGET }));
      const { clock, pusher } = setup(
        {
          onError: () => {
            throw new Error('hook bug');
          },
        },
        { results: () => failure },
      );
      pusher.start();
      await clock.advance(1000);
      await pusher.stop();
      assert.deepEqual(
        warnings.filter((w) => w.name === PUSH_WARNING_TYPE).map((w) => w.message),
        ['HTTP 500 from memory://test: oops'],
      );
    } finally {
      process.removeListener('warning', onWarning);
    }
  });
});

describe('periodicPusher: pushNow', () => {
  it('pushes at once, before start too, and resolves when the payloads were accepted', async () => {
    const { counter, transport, pusher } = setup();
    counter.inc();
    await pusher.pushNow();
    assert.deepEqual(transport.texts(), [body(1)]);
    assert.equal(pusher.running, false);
    await pusher.stop();
  });

  it('rejects with the PushError of the failed payload, which does not go to onError', async () => {
    const failure = new HttpStatusError(400, 'bad line', { target: TARGET });
    const { pusher, errors } = setup({}, { results: [sendFailed(failure)] });
    await assert.rejects(pusher.pushNow(), (error) => error === failure);
    assert.deepEqual(errors, []);
    await pusher.stop();
  });

  it('waits for the push in flight instead of overlapping it', async () => {
    const clock = new FakeClock();
    const starts: number[] = [];
    const { pusher } = setup({ clock }, { results: slowResponder(clock, 500, starts) });
    pusher.start();
    await clock.advance(1000);
    const now = pusher.pushNow();
    await clock.advance(499);
    assert.deepEqual(starts, [1000]);
    await clock.advance(1);
    assert.deepEqual(starts, [1000, 1500]);
    await clock.advance(500);
    await now;
    await stopDuring(clock, pusher, 500);
  });
});

describe('periodicPusher: partial failures', () => {
  // Payloads of at most 40 bytes: one per family here.
  const twoFamilies = (): { registry: Registry; clock: FakeClock } => {
    const clock = new FakeClock();
    const registry = new Registry({ clock });
    new Counter({ name: 'a', registry, clock }).inc();
    new Counter({ name: 'b', registry, clock }).inc(2);
    return { registry, clock };
  };

  it('goes on after a payload the target refused for its content (not retryable)', async () => {
    const { registry, clock } = twoFamilies();
    const refused = new HttpStatusError(400, 'bad', { target: TARGET });
    const { transport, pusher, self } = setup(
      { registry, clock, encoder: prometheusTextEncoder({ maxPayloadBytes: 40 }) },
      { results: [sendFailed(refused)] },
    );
    await assert.rejects(pusher.pushNow(), (error) => error === refused);
    assert.deepEqual(transport.texts(), ['# TYPE a_total counter\na_total 1\n', '# TYPE b_total counter\nb_total 2\n']);
    assert.equal(seriesValue(self, 'prometheus_push_client_bytes_pushed', { target: TARGET }), 33);
    await pusher.stop();
  });

  it('stops the push after a failure that says the target is unreachable (retryable)', async () => {
    const { registry, clock } = twoFamilies();
    const down = new NetworkError('ECONNREFUSED', { target: TARGET });
    const { transport, pusher } = setup(
      { registry, clock, encoder: prometheusTextEncoder({ maxPayloadBytes: 40 }) },
      { results: [sendFailed(down, true)] },
    );
    await assert.rejects(pusher.pushNow(), (error) => error === down);
    assert.equal(transport.payloads.length, 1);
    await pusher.stop();
  });
});

describe('periodicPusher: payload memory (Encoder.recycle)', () => {
  /** An encoder of payloads of at most 40 bytes (one per family) that records what comes back. */
  function recyclingEncoder(events: string[]): {
    encoder: Encoder;
    produced: Uint8Array[][];
    back: (readonly Uint8Array[])[];
  } {
    const inner = prometheusTextEncoder({ maxPayloadBytes: 40 });
    const produced: Uint8Array[][] = [];
    const back: (readonly Uint8Array[])[] = [];
    const encoder: Encoder = {
      contentType: inner.contentType,
      encode: (snapshot) => {
        const payloads = inner.encode(snapshot);
        produced.push(payloads);
        return payloads;
      },
      recycle: (payloads) => {
        events.push('recycle');
        back.push(payloads);
      },
    };
    return { encoder, produced, back };
  }

  /** A transport that keeps nothing and answers each send after 100 ms of fake time. */
  function releasing(clock: FakeClock, events: string[]): Transport {
    return {
      target: TARGET,
      releasesPayload: true,
      send: () => {
        events.push('send');
        return new Promise<SendResult>((resolve) =>
          clock.setTimeout(() => {
            events.push('settled');
            resolve(sendOk);
          }, 100),
        );
      },
      close: () => Promise.resolve(),
    };
  }

  function twoFamilies(clock: FakeClock): Registry {
    const registry = new Registry({ clock });
    new Counter({ name: 'a', registry, clock }).inc();
    new Counter({ name: 'b', registry, clock }).inc(2);
    return registry;
  }

  it('hands every payload of a push back once all its sends settled, with a transport that keeps nothing', async () => {
    const clock = new FakeClock();
    const events: string[] = [];
    const { encoder, produced, back } = recyclingEncoder(events);
    const { pusher } = setup({ clock, registry: twoFamilies(clock), encoder, transport: releasing(clock, events) });
    const push = pusher.pushNow();
    await clock.advance(100);
    assert.deepEqual(events, ['send', 'settled', 'send'], 'nothing handed back while a send is in flight');
    await clock.advance(100);
    await push;
    assert.deepEqual(events, ['send', 'settled', 'send', 'settled', 'recycle']);
    assert.equal(produced[0]!.length, 2);
    assert.equal(back[0], produced[0], 'the very payloads, all of them');
    await stopDuring(clock, pusher, 200);
  });

  it('hands nothing back to a transport that may keep the payloads (memoryTransport)', async () => {
    const clock = new FakeClock();
    const events: string[] = [];
    const { encoder } = recyclingEncoder(events);
    const { pusher, transport } = setup({ clock, registry: twoFamilies(clock), encoder });
    await pusher.pushNow();
    await pusher.stop();
    assert.equal(transport.payloads.length, 4);
    assert.deepEqual(events, []);
  });

  it('reports an encoder whose recycle() throws, and the push still succeeds', async () => {
    const clock = new FakeClock();
    const inner = prometheusTextEncoder();
    const encoder: Encoder = {
      contentType: inner.contentType,
      encode: (snapshot) => inner.encode(snapshot),
      recycle: () => {
        throw new Error('boom');
      },
    };
    const { pusher, errors } = setup({ clock, encoder, transport: releasing(clock, []) });
    const push = pusher.pushNow();
    await clock.advance(100);
    await push;
    assert.deepEqual(
      errors.map((e) => [e.code, e.message]),
      [['ERR_INTERNAL', 'push to memory://test failed: encoder.recycle() threw Error: boom']],
    );
    await stopDuring(clock, pusher, 100);
  });
});

describe('periodicPusher: stop', () => {
  it('pushes exactly once more, then closes the transport; later calls share that promise', async () => {
    const { clock, counter, transport, pusher } = setup();
    pusher.start();
    counter.inc(5);
    const first = pusher.stop();
    const second = pusher.stop();
    assert.equal(first, second);
    await first;
    assert.deepEqual(transport.texts(), [body(5)]);
    assert.equal(transport.closed, true);
    assert.equal(transport.closeCalls, 1);
    await clock.advance(10_000);
    assert.equal(transport.payloads.length, 1);
  });

  it('returns within stopTimeoutMs when the transport hangs, reporting ERR_TIMEOUT', async () => {
    const clock = new FakeClock();
    let sends = 0;
    const hanging: Transport = {
      target: 'http://stuck:9091/',
      send: () => {
        sends++;
        return new Promise<SendResult>(() => {});
      },
      close: () => new Promise<void>(() => {}),
    };
    const { pusher, errors } = setup({ clock, transport: hanging, stopTimeoutMs: 2000 });
    pusher.start();
    let done = false;
    const stopping = pusher.stop().then(() => {
      done = true;
    });
    await clock.advance(1999);
    assert.equal(done, false);
    await clock.advance(1);
    await stopping;
    assert.equal(sends, 1);
    assert.deepEqual(
      errors.map((e) => [e.code, e.message]),
      [['ERR_TIMEOUT', 'final push to http://stuck:9091/ did not finish within 2000 ms']],
    );
  });

  it('aborts the final send through its signal at the deadline', async () => {
    const clock = new FakeClock();
    const { pusher, errors, transport } = setup(
      { clock, stopTimeoutMs: 100 },
      { results: () => new Promise<SendResult>(() => {}) },
    );
    const stopping = pusher.stop();
    await clock.advance(100);
    await stopping;
    await clock.advance(0); // let the cancelled send settle
    assert.equal(transport.sendOptions[0]?.signal?.aborted, true);
    // Reported once, although the push itself failed with the same error.
    assert.deepEqual(
      errors.map((e) => e.code),
      ['ERR_TIMEOUT'],
    );
  });

  it('records updates after stop() but never pushes them', async () => {
    const { clock, counter, transport, pusher, registry } = setup();
    pusher.start();
    await pusher.stop();
    counter.inc();
    await clock.advance(5000);
    assert.deepEqual(transport.texts(), [body(0)]);
    assert.equal(seriesValue(registry, 'jobs'), 1);
    await assert.rejects(pusher.pushNow(), { code: 'ERR_CLOSED' });
    assert.throws(() => pusher.start(), { code: 'ERR_CLOSED' });
  });

  it('is what `await using` calls (Symbol.asyncDispose)', async () => {
    const { counter, transport, pusher } = setup();
    {
      await using p = pusher.start();
      assert.equal(p.running, true);
      counter.inc();
    }
    assert.deepEqual(transport.texts(), [body(1)]);
    assert.equal(transport.closed, true);
  });
});

describe('periodicPusher: run and wrap', () => {
  it('run(): final push when fn returns, resolving with its value', async () => {
    const { counter, transport, pusher } = setup();
    const value = await pusher.run(async () => {
      await Promise.resolve();
      counter.inc();
      return 42;
    });
    assert.equal(value, 42);
    assert.deepEqual(transport.texts(), [body(1)]);
    assert.equal(pusher.running, false);
    assert.equal(transport.closed, false);
  });

  it('run(): final push when fn throws synchronously; the very same error is rethrown', async () => {
    const { counter, transport, pusher } = setup();
    const boom = new Error('boom');
    await assert.rejects(
      pusher.run(() => {
        counter.inc(3);
        throw boom;
      }),
      (error) => error === boom,
    );
    assert.deepEqual(transport.texts(), [body(3)]);
  });

  it('run(): final push when fn rejects; the rejection reason passes through unchanged', async () => {
    const { counter, transport, pusher } = setup();
    const reason = { notAnError: true };
    await assert.rejects(
      pusher.run(async () => {
        counter.inc(2);
        await Promise.resolve();
        // Any value can be a rejection reason; run() must pass it on untouched.
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw reason;
      }),
      (error) => error === reason,
    );
    assert.deepEqual(transport.texts(), [body(2)]);
  });

  it('run(): a failing final push does not change the outcome (it goes to onError)', async () => {
    const failure = new NetworkError('down', { target: TARGET });
    const { pusher, errors } = setup({}, { results: [sendFailed(failure, true)] });
    assert.equal(await pusher.run(() => 'ok'), 'ok');
    assert.deepEqual(errors, [failure]);
  });

  it('run(): periodic pushes happen while fn runs', async () => {
    const { clock, transport, pusher } = setup();
    await pusher.run(async () => {
      await clock.advance(2000);
    });
    assert.equal(transport.payloads.length, 3);
  });

  it('wrap(): recursive calls push once, at the outermost exit', async () => {
    const { counter, transport, pusher } = setup();
    const countdown = pusher.wrap(async (n: number): Promise<number> => {
      counter.inc();
      assert.equal(pusher.running, true);
      return n === 0 ? 0 : 1 + (await countdown(n - 1));
    });
    assert.equal(countdown.name, '');
    assert.equal(await countdown(4), 4);
    assert.deepEqual(transport.texts(), [body(5)]);
  });

  it('wrap(): nested wrapped functions and concurrent calls share one session', async () => {
    const { counter, transport, pusher } = setup();
    const inner = pusher.wrap(function inner(x: number) {
      counter.inc(x);
      return x * 2;
    });
    const outer = pusher.wrap(async function outer(this: { k: number }, x: number) {
      return (await inner(x)) + this.k;
    });
    assert.equal(inner.name, 'inner');
    const both = await Promise.all([outer.call({ k: 1 }, 1), outer.call({ k: 10 }, 2)]);
    assert.deepEqual(both, [3, 14]);
    assert.deepEqual(transport.texts(), [body(3)]);
  });

  it('wrap(): each outermost call is a session; the pusher can be wrapped again and again', async () => {
    const { counter, transport, pusher } = setup();
    const job = pusher.wrap(() => counter.inc());
    await job();
    await job();
    assert.deepEqual(transport.texts(), [body(1), body(2)]);
    assert.equal(pusher.running, false);
  });

  it('run() inside an explicit start(): pushes at the exit but keeps the pusher running', async () => {
    const { clock, counter, transport, pusher } = setup();
    pusher.start();
    await pusher.run(() => counter.inc());
    assert.deepEqual(transport.texts(), [body(1)]);
    assert.equal(pusher.running, true);
    await clock.advance(1000);
    assert.equal(transport.payloads.length, 2);
    await pusher.stop();
  });

  it('run() after stop(): fn still runs, nothing is pushed, onError gets ERR_CLOSED', async () => {
    const { transport, pusher, errors } = setup();
    await pusher.stop();
    assert.equal(await pusher.run(() => 7), 7);
    assert.equal(transport.payloads.length, 1);
    assert.deepEqual(
      errors.map((e) => e.code),
      ['ERR_CLOSED'],
    );
  });

  it('stop() during run(): run waits for that final push and no second push happens', async () => {
    const { counter, transport, pusher } = setup();
    await pusher.run(async () => {
      counter.inc();
      await pusher.stop();
      counter.inc();
    });
    assert.deepEqual(transport.texts(), [body(1)]);
  });
});

describe('periodicPusher: hooks for presets', () => {
  it('prepare() replaces what is encoded; committed() sees both snapshots after a full success', async () => {
    const calls: string[] = [];
    let collectedSeen: Snapshot | undefined;
    const { counter, transport, pusher } = setup({
      hooks: {
        prepare: (snapshot) => {
          collectedSeen = snapshot;
          return { ...snapshot, families: [] };
        },
        committed: (collected, prepared) => {
          calls.push(`committed ${collected === collectedSeen} ${prepared.families.length}`);
        },
      },
    });
    counter.inc();
    await pusher.pushNow();
    assert.deepEqual(transport.texts(), []);
    assert.deepEqual(calls, ['committed true 0']);
    await pusher.stop();
  });

  it('committed() is not called when a payload failed', async () => {
    const calls: string[] = [];
    const { pusher } = setup(
      { hooks: { committed: () => void calls.push('committed') } },
      { results: [sendFailed(new HttpStatusError(400, '', { target: TARGET }))] },
    );
    await assert.rejects(pusher.pushNow());
    await pusher.pushNow();
    assert.deepEqual(calls, ['committed']);
    await pusher.stop();
  });

  it('afterFinalPush() runs after the final push with the open transport; its failure is reported', async () => {
    const deleted = new HttpStatusError(500, 'cannot delete', { target: TARGET });
    const { transport, pusher, errors, self } = setup({
      sendOptions: { method: 'PUT' },
      hooks: {
        afterFinalPush: async ({ transport: t, signal, pushed }) => {
          assert.equal(pushed, true);
          const result = await t.send(new Uint8Array(0), { method: 'DELETE', signal });
          assert.equal(result.ok, true);
          return sendFailed(deleted);
        },
      },
    });
    pusher.start();
    await pusher.stop();
    assert.deepEqual(
      transport.sendOptions.map((o) => o?.method),
      ['PUT', 'DELETE'],
    );
    assert.deepEqual(errors, [deleted]);
    assert.equal(
      seriesValue(self, 'prometheus_push_client_push_errors', { target: TARGET, code: 'ERR_HTTP_STATUS' }),
      1,
    );
  });

  it('a hook that throws fails that push, reported, never thrown', async () => {
    const { pusher, errors, transport } = setup({
      hooks: {
        prepare: () => {
          throw new Error('preset bug');
        },
      },
    });
    pusher.start();
    await pusher.stop();
    assert.equal(transport.payloads.length, 0);
    assert.match(errors[0]?.message ?? '', /hooks\.prepare\(\) threw Error: preset bug/);
  });
});

describe('periodicPusher: self-metrics', () => {
  it('counts pushes, bytes, errors by code and durations, labelled with the target', async () => {
    const clock = new FakeClock();
    const starts: number[] = [];
    const slow = slowResponder(clock, 20, starts);
    let n = 0;
    const { pusher, self } = setup(
      { clock },
      {
        results: () => {
          n++;
          if (n === 2) return sendFailed(new HttpStatusError(503, '', { target: TARGET }), true);
          return slow();
        },
      },
    );
    pusher.start();
    await clock.advance(3100);
    const stopping = pusher.stop();
    await clock.advance(20);
    await stopping;
    assert.deepEqual(familyValues(self, 'prometheus_push_client_pushes'), [`{target=${TARGET}} 4`]);
    // Three accepted payloads of `jobs_total 0`.
    assert.deepEqual(familyValues(self, 'prometheus_push_client_bytes_pushed'), [
      `{target=${TARGET}} ${3 * body(0).length}`,
    ]);
    assert.deepEqual(familyValues(self, 'prometheus_push_client_push_errors'), [
      `{target=${TARGET},code=ERR_HTTP_STATUS} 1`,
    ]);
    assert.deepEqual(familyValues(self, 'prometheus_push_client_dropped'), [
      `{target=${TARGET},reason=skipped_tick} 0`,
      `{target=${TARGET},reason=oversize} 0`,
      `{target=${TARGET},reason=non_finite} 0`,
    ]);
    const duration = self.collect().families.find((f) => f.name === 'prometheus_push_client_push_duration_seconds');
    assert.ok(duration?.type === 'histogram');
    assert.equal(duration.series[0]?.count, 4);
    assert.equal(duration.series[0]?.sum, 0.06);
  });

  it('counts oversize lines dropped by an encoder built with the pusher callbacks', async () => {
    const { counter, pusher, self, errors } = setup({
      encoder: ({ onOversize }) => prometheusTextEncoder({ maxPayloadBytes: 20, onOversize }),
    });
    counter.inc();
    await pusher.pushNow();
    assert.equal(seriesValue(self, 'prometheus_push_client_dropped', { target: TARGET, reason: 'oversize' }), 1);
    assert.deepEqual(
      errors.map((e) => e.code),
      ['ERR_PAYLOAD_TOO_LARGE'],
    );
    await pusher.stop();
  });

  it('records nothing with selfMetrics: false', async () => {
    const { pusher } = setup({ selfMetrics: false });
    await pusher.pushNow();
    await pusher.stop();
  });
});

describe('periodicPusher: default onError', () => {
  it('emits one process warning per error code and target, at most once a minute', async () => {
    const warnings: (Error & { code?: string; detail?: string })[] = [];
    const onWarning = (w: Error): void => {
      if (w.name === PUSH_WARNING_TYPE) warnings.push(w);
    };
    process.on('warning', onWarning);
    try {
      const clock = new FakeClock();
      let n = 0;
      const transport = memoryTransport({
        results: () => {
          n++;
          return n === 3
            ? sendFailed(new HttpStatusError(503, 'busy', { target: TARGET }), true)
            : sendFailed(new NetworkError(`ECONNREFUSED #${n}`, { target: TARGET }), true);
        },
      });
      const registry = new Registry({ clock });
      new Counter({ name: 'jobs', registry, clock });
      const pusher = periodicPusher({
        registry,
        encoder: prometheusTextEncoder(),
        transport,
        clock,
        intervalMs: 10_000,
        selfMetrics: false,
      }).start();
      await clock.advance(60_000); // six failures: five ERR_NETWORK, one ERR_HTTP_STATUS
      assert.deepEqual(
        warnings.map((w) => [w.code, w.message]),
        [
          ['ERR_NETWORK', 'ECONNREFUSED #1'],
          ['ERR_HTTP_STATUS', 'HTTP 503 from memory://test: busy'],
        ],
      );
      await clock.advance(10_000); // 70 s: a minute after the first ERR_NETWORK warning
      assert.deepEqual(
        warnings.map((w) => w.message),
        ['ECONNREFUSED #1', 'HTTP 503 from memory://test: busy', 'ECONNREFUSED #7'],
      );
      assert.equal(
        warnings[2]?.detail,
        '4 more ERR_NETWORK failure(s) of this target were not reported in the last 60 s.',
      );
      await pusher.stop();
    } finally {
      process.removeListener('warning', onWarning);
    }
  });
});

describe('periodicPusher: options', () => {
  it('rejects bad options at creation', () => {
    const transport = memoryTransport();
    const encoder = prometheusTextEncoder();
    assert.throws(() => periodicPusher({ encoder, transport, intervalMs: 0 }), { code: 'ERR_INVALID_ARG' });
    assert.throws(() => periodicPusher({ encoder, transport, stopTimeoutMs: -1 }), { code: 'ERR_INVALID_ARG' });
    assert.throws(() => periodicPusher({ encoder: {} as Encoder, transport }), { code: 'ERR_INVALID_ARG' });
    assert.throws(() => periodicPusher({ encoder, transport: {} as Transport }), { code: 'ERR_INVALID_ARG' });
  });

  it('defaults to pushRegistry and exposes the redacted target of its transport', () => {
    const pusher = periodicPusher({
      encoder: prometheusTextEncoder(),
      transport: memoryTransport({ target: 'http://vm:8428/write' }),
      selfMetrics: false,
    });
    assert.equal(pusher.target, 'http://vm:8428/write');
  });
});
