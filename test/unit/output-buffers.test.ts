// OutputBuffers and Encoder.recycle: a push's output memory is reused by the next encode only
// after ALL its payloads came back, never while a payload may still be read, and the bytes an
// encode writes into reused memory are exactly those of a fresh encode.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { OutputBuffers } from '../../src/encoding/output-buffers.js';
import { prometheusTextEncoder } from '../../src/encoding/prometheus-text.js';
import { openMetricsEncoder } from '../../src/encoding/openmetrics.js';
import { influxLineEncoder } from '../../src/encoding/influx-line.js';
import { statsdEncoder } from '../../src/encoding/statsd.js';
import type { Encoder } from '../../src/encoding/encoder.js';
import { Counter } from '../../src/metrics/counter.js';
import { Registry } from '../../src/registry.js';
import { FakeClock } from '../../src/testing/fake-clock.js';

const BIG = 64 * 1024;

/** Lends `bytes` of `buffer` as one payload, as a writer does. */
function lent(buffers: OutputBuffers, buffer: Buffer, bytes = buffer.length): Uint8Array {
  const payload = buffer.subarray(0, bytes);
  buffers.lend(payload);
  return payload;
}

describe('OutputBuffers', () => {
  it('hands a recycled buffer to the next take, and a fresh one until then', () => {
    const buffers = new OutputBuffers();
    const first = buffers.take(BIG);
    assert.ok(buffers.take(BIG).buffer !== first.buffer, 'not recycled yet: fresh memory');
    buffers.recycle([lent(buffers, first)]);
    const second = buffers.take(BIG);
    assert.ok(second.buffer === first.buffer);
    assert.ok(buffers.take(BIG).buffer !== first.buffer, 'the spare goes to one writer only');
  });

  it('ignores a payload handed back twice, whose memory may be in use again', () => {
    const buffers = new OutputBuffers();
    const memory = buffers.take(BIG);
    const old = lent(buffers, memory);
    buffers.recycle([old]);
    const reused = buffers.take(BIG); // the same memory, now writing the next push
    assert.ok(reused.buffer === memory.buffer);
    buffers.recycle([old]); // a caller's mistake: must not free `reused`
    assert.ok(buffers.take(BIG).buffer !== memory.buffer);
  });

  it("never reuses memory it did not allocate: Node's shared pool, a caller's buffer", () => {
    const buffers = new OutputBuffers();
    const small = buffers.take(100);
    buffers.recycle([lent(buffers, small)]);
    const next = buffers.take(100); // another slice of the pool, not `small` again
    assert.ok(next.buffer !== small.buffer || next.byteOffset !== small.byteOffset);
    const foreign = Buffer.allocUnsafeSlow(BIG);
    buffers.lend(foreign);
    buffers.recycle([foreign]);
    assert.ok(buffers.take(BIG).buffer !== foreign.buffer);
  });

  it('keeps the largest buffer under the payloads, and drops a spare far larger than asked for', () => {
    const buffers = new OutputBuffers();
    const a = buffers.take(BIG);
    const b = buffers.take(2 * BIG);
    buffers.recycle([lent(buffers, a), lent(buffers, b)]);
    assert.ok(buffers.take(BIG).buffer === b.buffer);
    buffers.recycle([lent(buffers, buffers.take(40 * BIG))]);
    assert.equal(buffers.take(5 * BIG).length, 5 * BIG, 'a spare 8× the size asked for is not kept');
  });
});

describe('Encoder.recycle', () => {
  function registryOf(series: number): Registry {
    const registry = new Registry({ clock: new FakeClock() });
    const counter = new Counter({ name: 'jobs', help: 'Jobs', labelNames: ['queue'], registry });
    for (let i = 0; i < series; i++) counter.labels({ queue: `q${i}` }).inc(i + 0.5);
    return registry;
  }

  const encoders: [string, () => Encoder][] = [
    ['Prometheus text', () => prometheusTextEncoder()],
    ['OpenMetrics', () => openMetricsEncoder()],
    ['Influx line', () => influxLineEncoder()],
    ['StatsD (1432-byte datagrams)', () => statsdEncoder()],
  ];
  for (const [name, make] of encoders) {
    it(`${name}: writes the next push into the recycled memory, byte for byte as a fresh encode`, () => {
      const registry = registryOf(3000);
      const encoder = make();
      // The very first push grows its buffer as it goes (no size to go by): recycled, it sizes the next.
      encoder.recycle!(encoder.encode(registry.collect()));
      const first = encoder.encode(registry.collect());
      const firstBytes = Buffer.concat(first);
      assert.ok(firstBytes.length > BIG, `a push large enough to own its buffer (${firstBytes.length} B)`);
      encoder.recycle!(first);
      const second = encoder.encode(registry.collect());
      assert.ok(second[0]!.buffer === first[0]!.buffer, 'the same memory');
      assert.deepEqual(Buffer.concat(second), firstBytes);
      assert.deepEqual(Buffer.concat(make().encode(registry.collect())), firstBytes);
      const third = encoder.encode(registry.collect()); // `second` was not handed back
      assert.ok(third[0]!.buffer !== second[0]!.buffer);
    });
  }
});
