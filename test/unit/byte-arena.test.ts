// ByteArena: heads appended back to back, growing without moving offsets, and starting over once
// most of it is heads no push reads; the StatsD encoder's output stays exact across a restart.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ByteArena } from '../../src/encoding/byte-arena.js';
import { statsdEncoder } from '../../src/encoding/statsd.js';
import { bareGauge, lines, snapshot } from './encoding-fixtures.js';

const at = (arena: ByteArena, start: number, end: number) => Buffer.from(arena.bytes.subarray(start, end)).toString();

describe('ByteArena', () => {
  it('appends UTF-8 bytes back to back and keeps offsets valid as it grows', () => {
    const arena = new ByteArena();
    const first = arena.add('é:');
    assert.deepEqual([first, arena.used], [0, 3]);
    const big = 'x'.repeat(10_000);
    const second = arena.add(big);
    assert.equal(second, 3);
    assert.equal(at(arena, 0, 3), 'é:');
    assert.equal(at(arena, 3, arena.used), big);
    assert.equal(arena.view.getUint8(0), 0xc3);
    assert.equal(arena.generation, 0);
  });

  it('starts over only when it holds over 64 KiB and more than twice what the push read', () => {
    const arena = new ByteArena();
    arena.add('y'.repeat(70_000));
    arena.note(40_000);
    arena.endPush(); // 70 000 ≤ 2 × 40 000: kept
    assert.deepEqual([arena.generation, arena.used], [0, 70_000]);
    arena.note(30_000);
    arena.endPush(); // 70 000 > 2 × 30 000: new arena
    assert.deepEqual([arena.generation, arena.used], [1, 0]);
    const small = new ByteArena();
    small.add('z'.repeat(60_000));
    small.endPush(); // under 64 KiB: never worth it
    assert.equal(small.generation, 0);
  });
});

describe('statsdEncoder line heads', () => {
  it('writes the same lines after most families went away and the heads started over', () => {
    const encoder = statsdEncoder({ maxPayloadBytes: Infinity });
    const many = Array.from({ length: 4000 }, (_, i) => bareGauge(`a_rather_long_metric_name_${i}`, i));
    const all = lines(encoder.encode(snapshot(many)));
    assert.equal(all.split('\n').length, 4001);
    // 4000 heads of ~30 bytes fill ~120 KiB; two families read ~60 bytes: the next push restarts.
    const few = [bareGauge('a_rather_long_metric_name_7', 1.5), bareGauge('new_one', 2)];
    for (let i = 0; i < 3; i++) {
      assert.equal(lines(encoder.encode(snapshot(few))), 'a_rather_long_metric_name_7:1.5|g\nnew_one:2|g\n');
    }
    assert.equal(lines(encoder.encode(snapshot(many))), all);
  });
});
