// httpTransport with a body in chunks (what a sliced push streams), against real node:http
// servers on 127.0.0.1. No real time: chunks are produced on event-loop turns (setImmediate).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { httpTransport } from '../../src/transport/http.js';
import type { SendFailure, SendResult } from '../../src/transport/transport.js';
import { PushError } from '../../src/errors.js';
import { startRawServer, startRecordingServer } from './support/loopback.js';
import { assertNothingEscapes } from './support/guards.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function failure(result: SendResult): SendFailure {
  assert.equal(result.ok, false, 'expected a failed send');
  return result;
}

/** A re-iterable async body: each iteration yields the chunks again, one per event-loop turn. */
function replayable(chunks: readonly Uint8Array[]): AsyncIterable<Uint8Array> & { iterations: number } {
  const body = {
    iterations: 0,
    async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
      body.iterations++;
      for (const chunk of chunks) {
        await turn();
        yield chunk;
      }
    },
  };
  return body;
}

describe('httpTransport: chunked bodies (loopback)', () => {
  assertNothingEscapes();

  it('says it takes chunked bodies', () => {
    const transport = httpTransport({ url: 'http://127.0.0.1:9/x' });
    assert.equal(transport.chunkedBody, true);
  });

  it('sends an array of chunks with their total Content-Length, empty chunks included', async (t) => {
    const server = await startRecordingServer(() => ({ status: 200 }));
    const transport = httpTransport({ url: `${server.origin}/metrics` });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const chunks = [bytes('a 1\n'), new Uint8Array(0), bytes('b 2\né 3\n')];
    assert.deepEqual(await transport.send(chunks), { ok: true, status: 200 });
    const [request] = server.requests;
    assert.equal(request?.body.toString('utf8'), 'a 1\nb 2\né 3\n');
    assert.equal(request?.headers['content-length'], String(Buffer.byteLength('a 1\nb 2\né 3\n')));
    assert.equal(request?.headers['transfer-encoding'], undefined);
  });

  it('streams an async body as it is produced, with chunked transfer encoding', async (t) => {
    const server = await startRecordingServer(() => ({ status: 204 }));
    const transport = httpTransport({ url: `${server.origin}/metrics`, method: 'PUT' });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const body = replayable([
      bytes('# TYPE x counter\n'),
      new Uint8Array(0),
      bytes('x_total 1\n'),
      bytes('x_total{a="b"} 2\n'),
    ]);
    assert.deepEqual(await transport.send(body), { ok: true, status: 204 });
    const [request] = server.requests;
    assert.equal(request?.method, 'PUT');
    assert.equal(request?.body.toString('utf8'), '# TYPE x counter\nx_total 1\nx_total{a="b"} 2\n');
    assert.equal(request?.headers['transfer-encoding'], 'chunked');
    assert.equal(request?.headers['content-length'], undefined);
    assert.equal(request?.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(body.iterations, 1);
  });

  it('writes each chunk as soon as it comes: the server reads the first before the last exists', async (t) => {
    let firstSeen: () => void = () => undefined;
    const seen = new Promise<void>((resolve) => (firstSeen = resolve));
    const server = await startRawServer((req, res, arrived) => {
      const parts: Buffer[] = [];
      req.on('data', (chunk: Buffer) => {
        parts.push(chunk);
        firstSeen();
      });
      req.on('end', () => {
        arrived(Buffer.concat(parts));
        res.end();
      });
    });
    const transport = httpTransport({ url: `${server.origin}/metrics` });
    t.after(() => Promise.all([transport.close(), server.close()]));

    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const body = {
      async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
        yield bytes('first\n');
        await gate;
        yield bytes('last\n');
      },
    };
    const sending = transport.send(body);
    await seen;
    release();
    assert.deepEqual(await sending, { ok: true, status: 200 });
    assert.equal(server.requests[0]?.body.toString('utf8'), 'first\nlast\n');
  });

  it('gzips a chunked body whole when gzip is on', async (t) => {
    const server = await startRecordingServer(() => ({ status: 200 }));
    const transport = httpTransport({ url: `${server.origin}/metrics`, gzip: true });
    t.after(() => Promise.all([transport.close(), server.close()]));

    assert.equal((await transport.send(replayable([bytes('a 1\n'), bytes('b 2\n')]))).ok, true);
    assert.equal((await transport.send([bytes('c 3\n'), bytes('d 4\n')])).ok, true);
    assert.deepEqual(
      server.requests.map((r) => [r.headers['content-encoding'], gunzipSync(r.body).toString('utf8')]),
      [
        ['gzip', 'a 1\nb 2\n'],
        ['gzip', 'c 3\nd 4\n'],
      ],
    );
  });

  it('abandons the request when the body throws: the server never sees a complete body', async (t) => {
    const server = await startRecordingServer(() => ({ status: 200 }));
    const transport = httpTransport({ url: `${server.origin}/metrics` });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const cause = new PushError('ERR_INVALID_ARG', 'the encoder threw', { target: 'test' });
    const body = {
      async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
        yield bytes('x 1\n');
        await turn();
        throw cause;
      },
    };
    const result = failure(await transport.send(body));
    assert.equal(result.error, cause);
    assert.equal(result.retryable, false);

    // A body failing with something else than a PushError is wrapped.
    const broken: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<Uint8Array>> => {
          await turn();
          throw new Error('boom');
        },
      }),
    };
    const wrapped = failure(await transport.send(broken));
    assert.equal(wrapped.error.code, 'ERR_INTERNAL');
    assert.match(wrapped.error.message, /the body failed/);

    // The transport still works, and the only request the server ever completed is this one.
    assert.equal((await transport.send(bytes('y 2\n'))).ok, true);
    assert.deepEqual(
      server.requests.map((r) => r.body.toString('utf8')),
      ['y 2\n'],
    );
  });

  it('sends a one-shot body (a generator) at most once', async (t) => {
    const server = await startRecordingServer(() => ({ status: 200 }));
    const transport = httpTransport({ url: `${server.origin}/metrics` });
    t.after(() => Promise.all([transport.close(), server.close()]));

    async function* once(): AsyncGenerator<Uint8Array> {
      await turn();
      yield bytes('x 1\n');
    }
    const body = once();
    assert.equal((await transport.send(body)).ok, true);
    const again = failure(await transport.send(body));
    assert.equal(again.error.code, 'ERR_INVALID_ARG');
    assert.match(again.error.message, /one-shot body/);
    assert.equal(server.requests.length, 1);
  });

  it('a sync generator is sent at most once too; with gzip, a body that throws fails with its own error', async (t) => {
    const server = await startRecordingServer(() => ({ status: 200 }));
    const transport = httpTransport({ url: `${server.origin}/metrics` });
    const gzipped = httpTransport({ url: `${server.origin}/metrics`, gzip: true });
    t.after(() => Promise.all([transport.close(), gzipped.close(), server.close()]));

    function* chunks(): Generator<Uint8Array> {
      yield bytes('a 1\n');
      yield bytes('b 2\n');
    }
    const body = chunks();
    assert.equal((await transport.send(body)).ok, true);
    assert.match(failure(await transport.send(body)).error.message, /one-shot body/);

    const cause = new PushError('ERR_INVALID_ARG', 'the encoder threw', { target: 'test' });
    const throwing: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<Uint8Array>> => {
          await turn();
          throw cause;
        },
      }),
    };
    assert.equal(failure(await gzipped.send(throwing)).error, cause);
    assert.deepEqual(
      server.requests.map((r) => r.body.toString('utf8')),
      ['a 1\nb 2\n'],
    );
  });

  it('a replayable body is sent again in full by a second send (a retry)', async (t) => {
    const server = await startRecordingServer(() => ({ status: 200 }));
    const transport = httpTransport({ url: `${server.origin}/metrics` });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const body = replayable([bytes('a 1\n'), bytes('b 2\n')]);
    assert.equal((await transport.send(body)).ok, true);
    assert.equal((await transport.send(body)).ok, true);
    assert.deepEqual(
      server.requests.map((r) => r.body.toString('utf8')),
      ['a 1\nb 2\n', 'a 1\nb 2\n'],
    );
    assert.equal(body.iterations, 2);
  });
});
