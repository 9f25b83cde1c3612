import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpStatusError } from '../../src/errors.js';
import { memoryTransport, sendFailed, sendOk } from '../../src/testing/index.js';
import type { SendResult } from '../../src/transport/transport.js';
import { guardProcess } from './push-helpers.js';

guardProcess();

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('memoryTransport', () => {
  it('records copies of the payloads and their options; every send succeeds by default', async () => {
    const transport = memoryTransport();
    const buffer = bytes('a 1\n');
    assert.deepEqual(await transport.send(buffer, { method: 'PUT' }), sendOk);
    buffer.fill(0);
    assert.deepEqual(await transport.send(bytes('b 2\n')), sendOk);
    assert.deepEqual(transport.texts(), ['a 1\n', 'b 2\n']);
    assert.deepEqual(transport.sendOptions, [{ method: 'PUT' }, undefined]);
    assert.equal(transport.target, 'memory://test');
    transport.clear();
    assert.deepEqual(transport.texts(), []);
  });

  it('answers the n-th send with results[n], then succeeds', async () => {
    const failure = sendFailed(new HttpStatusError(400, 'no', { target: 'memory://x' }));
    const transport = memoryTransport({ target: 'memory://x', results: [sendOk, failure] });
    assert.deepEqual(
      [await transport.send(bytes('1')), await transport.send(bytes('2')), await transport.send(bytes('3'))],
      [sendOk, failure, sendOk],
    );
  });

  it('asks a responder function with the payload and the send index', async () => {
    const seen: string[] = [];
    const transport = memoryTransport({
      results: (payload, index) => {
        seen.push(`${index}:${Buffer.from(payload).toString()}`);
        return sendOk;
      },
    });
    await transport.send(bytes('x'));
    await transport.send(bytes('y'));
    assert.deepEqual(seen, ['0:x', '1:y']);
  });

  it('ends a pending send with ERR_TIMEOUT when its signal aborts', async () => {
    const transport = memoryTransport({ results: () => new Promise<SendResult>(() => {}) });
    const controller = new AbortController();
    const pending = transport.send(bytes('x'), { signal: controller.signal });
    controller.abort();
    const result = await pending;
    assert.equal(result.ok, false);
    assert.equal(!result.ok && result.error.code, 'ERR_TIMEOUT');
  });

  it('answers ERR_CLOSED after close(), which waits for the sends in flight', async () => {
    let release!: (r: SendResult) => void;
    const transport = memoryTransport({ results: () => new Promise<SendResult>((r) => (release = r)) });
    const pending = transport.send(bytes('x'));
    let closed = false;
    const closing = transport.close().then(() => (closed = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(closed, false);
    release(sendOk);
    await closing;
    assert.deepEqual(await pending, sendOk);
    const after = await transport.send(bytes('y'));
    assert.equal(!after.ok && after.error.code, 'ERR_CLOSED');
    assert.equal(transport.sendsAfterClose, 1);
    assert.equal(transport.payloads.length, 1);
    assert.equal(transport.closeCalls, 1);
    assert.equal(transport.closed, true);
  });
});
