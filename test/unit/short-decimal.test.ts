// formatDecimal must give exactly String(value) for every finite number, fast path or not, and
// writeDecimal exactly those characters as bytes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatDecimal, MAX_DECIMAL_BYTES, writeDecimal } from '../../src/encoding/short-decimal.js';

const scratch = new Uint8Array(MAX_DECIMAL_BYTES + 8);

/** What writeDecimal writes for `value`, at an offset, checking it stays within MAX_DECIMAL_BYTES. */
function written(value: number): string {
  scratch.fill(0x23); // '#': a byte outside the written range would show
  const end = writeDecimal(scratch, 3, value);
  assert.ok(end - 3 <= MAX_DECIMAL_BYTES, `${value}: ${end - 3} bytes`);
  assert.equal(scratch[2], 0x23);
  assert.equal(scratch[end], 0x23);
  return Buffer.from(scratch.subarray(3, end)).toString('latin1');
}

describe('formatDecimal', () => {
  it('equals String() on edge values', () => {
    const values = [
      0,
      -0,
      1,
      -1,
      0.5,
      -0.5,
      0.001,
      -0.001,
      0.0005,
      0.01,
      0.1,
      0.1 + 0.2,
      1.005,
      2.675,
      9.99,
      10.5,
      100.25,
      123.456,
      -123.456,
      999_999_999.999,
      1e9,
      -1e9,
      1e9 + 0.5,
      1e21,
      1e-7,
      5e-324,
      Number.MAX_VALUE,
      Number.MAX_SAFE_INTEGER,
      2 ** 53 + 2,
      0.30000000000000004,
      1 / 3,
      Math.PI,
      1234.5678,
      0.999,
    ];
    for (const v of values) assert.equal(formatDecimal(v), String(v), String(v));
    for (const v of values) assert.equal(written(v), String(v), String(v));
    // The longest String() forms of finite doubles.
    for (const v of [
      -0.0000012345678901234567, -1.7976931348623157e308, -2.2250738585072014e-308, -123456789012345680000,
    ]) {
      assert.equal(written(v), String(v));
    }
    assert.equal(written(-1.2345678901234567e-6).length, MAX_DECIMAL_BYTES);
  });

  it('equals String() on a million values with at most 3 decimals, and on random doubles', () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let i = 0; i < 1_000_000; i++) {
      const scale = [1, 10, 100, 1000][i & 3]!;
      const v = (Math.round(next() * 1e9 * (i % 7 === 0 ? 1 : 0.001)) / scale) * (i % 5 === 0 ? -1 : 1);
      if (formatDecimal(v) !== String(v)) assert.fail(`${v}: ${formatDecimal(v)} != ${String(v)}`);
      if (i % 10 === 0 && written(v) !== String(v)) assert.fail(`${v}: wrote ${written(v)}`);
    }
    for (let i = 0; i < 100_000; i++) {
      const v = (next() - 0.5) * 10 ** Math.floor(next() * 24 - 12);
      if (formatDecimal(v) !== String(v)) assert.fail(`${v}: ${formatDecimal(v)} != ${String(v)}`);
      if (written(v) !== String(v)) assert.fail(`${v}: wrote ${written(v)}`);
    }
    // Integers around the int32 fast path's edge.
    for (const v of [2 ** 31 - 1, 2 ** 31, -(2 ** 31) + 1, -(2 ** 31), 999_999_999, 1_000_000_000]) {
      assert.equal(written(v), String(v));
    }
  });
});
