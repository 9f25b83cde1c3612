// withRetry's policy, against a scripted Transport (a plain object implementing the interface,
// no mocking library) and FakeClock: exact delays with an injected random, no real time.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withRetry } from '../../src/transport/retry.js';
import type { RetryInfo } from '../../src/transport/retry.js';
import { abortedResult } from '../../src/transport/transport.js';
import type { SendFailure, SendOptions, SendResult, Transport } from '../../src/transport/transport.js';
import { HttpStatusError, NetworkError, PushError } from '../../src/errors.js';
import { RecordingClock } from '../integration/support/guards.js';

const TARGET = 'http://vm:8428/write';
const payload = new Uint8Array([1, 2, 3]);

const unavailable = (n = 0): SendFailure => ({
  ok: false,
  retryable: true,
  error: new HttpStatusError(503, `busy ${n}`, { target: TARGET }),
});
const badRequest: SendFailure = {
  ok: false,
  retryable: false,
  error: new HttpStatusError(400, 'bad', { target: TARGET }),
};
const tooMany = (retryAfterMs: number): SendFailure => ({
  ok: false,
  retryable: true,
  error: new HttpStatusError(429, '', { target: TARGET }),
  retryAfterMs,
});

interface Scripted extends Transport {
  readonly calls: number;
  readonly options: (SendOptions | undefined)[];
  readonly closed: boolean;
}

/** Answers each send from the script (the last entry repeats); 'hang' waits for the abort signal. */
function scripted(script: (SendResult | 'hang')[]): Scripted {
  let calls = 0;
  let closed = false;
  const options: (SendOptions | undefined)[] = [];
  return {
    target: TARGET,
    get calls() {
      return calls;
    },
    get closed() {
      return closed;
    },
    options,
    send(_payload, sendOptions) {
      const step = script[Math.min(calls, script.length - 1)];
      calls++;
      options.push(sendOptions);
      if (step !== 'hang') return Promise.resolve(step ?? { ok: true });
      const signal = sendOptions?.signal;
      return new Promise((resolve) => signal?.addEventListener('abort', () => resolve(abortedResult(TARGET, signal))));
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}

/** Advances to just before and then exactly onto each expected wait, checking attempts in between. */
async function expectWaits(clock: RecordingClock, inner: Scripted, waits: number[]): Promise<void> {
  for (const [i, ms] of waits.entries()) {
    await clock.timersSet(i + 1);
    assert.equal(clock.delays[i], ms, `wait ${i + 1}`);
    await clock.advance(ms - 1);
    assert.equal(inner.calls, i + 1, `no attempt ${i + 2} before ${ms} ms`);
    await clock.advance(1);
    assert.equal(inner.calls, i + 2, `attempt ${i + 2} after ${ms} ms`);
  }
}

describe('withRetry', () => {
  it('retries retryable failures with doubling, equal-jitter backoff (exact delays with a fixed random)', async () => {
    const clock = new RecordingClock();
    const inner = scripted([unavailable(1), unavailable(2), unavailable(3), { ok: true, status: 204 }]);
    const transport = withRetry(inner, { maxAttempts: 4, clock, random: () => 0.5 });
    const result = transport.send(payload);
    // base 200, 400, 800; equal jitter: base/2 + 0.5·base/2 = 0.75·base
    await expectWaits(clock, inner, [150, 300, 600]);
    assert.deepEqual(await result, { ok: true, status: 204 });
    assert.equal(transport.target, TARGET);
  });

  it('supports full and no jitter, and caps the base at maxDelayMs', async () => {
    const full = new RecordingClock();
    const fullInner = scripted([unavailable(), unavailable(), unavailable(), { ok: true }]);
    const fullResult = withRetry(fullInner, { maxAttempts: 4, clock: full, jitter: 'full', random: () => 0.25 }).send(
      payload,
    );
    await expectWaits(full, fullInner, [50, 100, 200]);
    assert.equal((await fullResult).ok, true);

    const none = new RecordingClock();
    const noneInner = scripted([unavailable(), unavailable(), unavailable(), unavailable(), { ok: true }]);
    const options = { maxAttempts: 5, clock: none, jitter: 'none', initialDelayMs: 1000, maxDelayMs: 2500 } as const;
    const noneResult = withRetry(noneInner, options).send(payload);
    await expectWaits(none, noneInner, [1000, 2000, 2500, 2500]);
    assert.equal((await noneResult).ok, true);
  });

  it('never retries a non-retryable failure (a 400)', async () => {
    const clock = new RecordingClock();
    const inner = scripted([badRequest, { ok: true }]);
    assert.equal(await withRetry(inner, { clock }).send(payload), badRequest);
    assert.equal(inner.calls, 1);
    assert.equal(clock.pendingTimers, 0);
  });

  it('stops after maxAttempts and returns the last failure', async () => {
    const clock = new RecordingClock();
    const last = unavailable(3);
    const inner = scripted([unavailable(1), unavailable(2), last]);
    const result = withRetry(inner, { clock, random: () => 0 }).send(payload);
    await expectWaits(clock, inner, [100, 200]);
    assert.equal(await result, last);
    assert.equal(inner.calls, 3);
  });

  it('waits exactly Retry-After (not capped by maxDelayMs), and gives up at once beyond maxRetryAfterMs', async () => {
    const clock = new RecordingClock();
    const inner = scripted([tooMany(7000), { ok: true, status: 200 }]);
    const result = withRetry(inner, { clock, maxDelayMs: 5000, random: () => 0.5 }).send(payload);
    await expectWaits(clock, inner, [7000]);
    assert.deepEqual(await result, { ok: true, status: 200 });

    const longClock = new RecordingClock();
    const long = tooMany(120_000);
    const longInner = scripted([long, { ok: true }]);
    assert.equal(await withRetry(longInner, { clock: longClock }).send(payload), long);
    assert.equal(longInner.calls, 1);
  });

  it('deadline: a wait that would end past it is not started; the last failure is returned unchanged', async () => {
    const clock = new RecordingClock();
    const second = unavailable(2);
    const inner = scripted([unavailable(1), second, { ok: true }]);
    const options = { clock, jitter: 'none', initialDelayMs: 600, deadlineMs: 1000, maxAttempts: 5 } as const;
    const result = withRetry(inner, options).send(payload);
    await clock.timersSet(2); // the deadline timer, then the first wait
    assert.deepEqual(clock.delays, [1000, 600]);
    await clock.advance(600);
    // The next wait (1200 ms) would end at 1800 > 1000.
    assert.equal(await result, second);
    assert.equal(inner.calls, 2);
    assert.equal(clock.pendingTimers, 0, 'the deadline timer is cancelled');
  });

  it('deadline: an attempt still in flight is aborted and the result is a retryable ERR_TIMEOUT', async () => {
    const clock = new RecordingClock();
    const inner = scripted([unavailable(1), 'hang']);
    const result = withRetry(inner, { clock, jitter: 'none', deadlineMs: 1000 }).send(payload);
    await clock.advance(200);
    assert.equal(inner.calls, 2);
    await clock.advance(800);
    const failure = (await result) as SendFailure;
    assert.equal(failure.ok, false);
    assert.equal(failure.retryable, true);
    assert.equal(failure.error.code, 'ERR_TIMEOUT');
    assert.equal(
      failure.error.message,
      `send to ${TARGET} did not succeed within the 1000 ms deadline (attempt 2 of 3 cut)`,
    );
  });

  it('the caller’s signal cuts a wait (last failure returned) and is passed to each attempt', async () => {
    const clock = new RecordingClock();
    const first = unavailable(1);
    const inner = scripted([first, { ok: true }]);
    const controller = new AbortController();
    const result = withRetry(inner, { clock }).send(payload, { signal: controller.signal, method: 'PUT' });
    await clock.timersSet(1);
    controller.abort();
    assert.equal(await result, first);
    assert.equal(inner.calls, 1);
    assert.equal(clock.pendingTimers, 0);
    assert.equal(inner.options[0]?.method, 'PUT');
    assert.equal(inner.options[0]?.signal?.aborted, true, 'the attempt signal follows the caller');
  });

  it('close() cuts waits, closes the wrapped transport, and refuses later sends', async () => {
    const clock = new RecordingClock();
    const first = unavailable(1);
    const inner = scripted([first, { ok: true }]);
    const transport = withRetry(inner, { clock });
    const result = transport.send(payload);
    await clock.timersSet(1);
    await transport.close();
    assert.equal(await result, first);
    assert.equal(inner.closed, true);
    const after = (await transport.send(payload)) as SendFailure;
    assert.equal(after.error.code, 'ERR_CLOSED');
    assert.equal(inner.calls, 1);
  });

  it('reports each retry to onRetry, and a throwing hook changes nothing', async () => {
    const clock = new RecordingClock();
    const failureOne: SendFailure = {
      ok: false,
      retryable: true,
      error: new NetworkError('reset', { target: TARGET }),
    };
    const inner = scripted([failureOne, { ok: true }]);
    const seen: RetryInfo[] = [];
    const result = withRetry(inner, {
      clock,
      random: () => 0.5,
      onRetry: (info) => {
        seen.push(info);
        throw new Error('hook bug');
      },
    }).send(payload);
    await expectWaits(clock, inner, [150]);
    assert.deepEqual(await result, { ok: true });
    assert.deepEqual(seen, [{ attempt: 1, delayMs: 150, failure: failureOne }]);
  });

  it('keeps nothing when the wrapped transport keeps nothing (releasesPayload), and promises nothing otherwise', () => {
    const base: Transport = { target: 't', send: () => Promise.resolve({ ok: true }), close: () => Promise.resolve() };
    assert.equal(withRetry({ ...base, releasesPayload: true }).releasesPayload, true);
    assert.equal(withRetry(base).releasesPayload, undefined);
    assert.equal(withRetry({ ...base, releasesPayload: false }).releasesPayload, undefined);
  });

  it('rejects nonsensical options at creation', () => {
    const inner = scripted([{ ok: true }]);
    for (const options of [{ maxAttempts: 0 }, { maxAttempts: 1.5 }, { initialDelayMs: -1 }, { deadlineMs: 0 }]) {
      assert.throws(
        () => withRetry(inner, options),
        (error: unknown) => error instanceof PushError && error.code === 'ERR_INVALID_ARG',
      );
    }
  });
});
