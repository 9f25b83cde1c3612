import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ByteArena } from '../../src/encoding/byte-arena.js';
import { PayloadWriter } from '../../src/encoding/framing.js';
import type { PayloadTooLargeError } from '../../src/errors.js';

const text = (payloads: Uint8Array[]) => payloads.map((p) => Buffer.from(p).toString('utf8'));

/** A number line's head in an arena (of its own unless given), with its offsets. */
function head(text: string, arena = new ByteArena()): [ByteArena, number, number] {
  const start = arena.add(text);
  return [arena, start, arena.used];
}

describe('PayloadWriter', () => {
  it('packs whole lines by UTF-8 byte length and never splits a line', () => {
    const writer = new PayloadWriter(10);
    for (const line of ['aaaa', 'bbbb', 'é', 'cc']) writer.line(line);
    // "aaaa\nbbbb\n" is 10 bytes; "é\n" is 3 bytes, "cc\n" 3.
    assert.deepEqual(text(writer.finish()), ['aaaa\nbbbb\n', 'é\ncc\n']);
  });

  it('takes a line as pieces, the last one ending with its newline', () => {
    const writer = new PayloadWriter(12);
    writer.add('a', 'b', 'c', '', '\n', true);
    writer.add('x:', '1', '|g\n', '', '', true);
    writer.add('é', '', '', '', '\n', false);
    // "abc\nx:1|g\n" is 10 bytes; "é\n" (3 bytes) goes to the next payload.
    assert.deepEqual(text(writer.finish()), ['abc\nx:1|g\n', 'é\n']);
  });

  it('takes a number line as cached bytes around a value, packed like any line', () => {
    const writer = new PayloadWriter(24);
    const arena = new ByteArena();
    head('padding', arena);
    const total = head('é_total:', arena); // 9 bytes, not at the arena's start
    const tail = Buffer.from('|g\n');
    writer.add('a:1', '|g\n', '', '', '', true);
    writer.addNumberLine(...total, 12.5, tail); // 9 + 4 + 3 = 16 bytes: 6 + 16 fits in 24
    writer.addNumberLine(...total, 0.30000000000000004, tail); // String() form, 31 bytes: oversize
    writer.addNumberLine(...total, -3, tail); // 14 bytes: next payload
    writer.line('b');
    assert.deepEqual(text(writer.finish()), ['a:1|g\né_total:12.5|g\n', 'é_total:-3|g\nb\n']);
  });

  it('reports an oversize number line with its text, and keeps a number line in an open unit', () => {
    const errors: PayloadTooLargeError[] = [];
    const writer = new PayloadWriter(19, (e) => errors.push(e));
    writer.addNumberLine(...head('a_long_name:'), 1e21, Buffer.from('|g\n'));
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.bytes, 20);
    assert.equal(errors[0]?.limit, 19);
    assert.match(errors[0]?.message ?? '', /a_long_name:1e\+21\|g/);
    writer.line('x 1234567');
    writer.beginUnit();
    writer.addNumberLine(...head('u:'), 1, Buffer.from('\n'));
    writer.line('v 2');
    writer.endUnit();
    // "x 1234567\n" is 10 bytes; the unit ("u:1\nv 2\n", 8 bytes) fits with it in 19.
    assert.deepEqual(text(writer.finish()), ['x 1234567\nu:1\nv 2\n']);
  });

  it('writes number lines after pending text, unbounded and across buffers that grow', () => {
    const writer = new PayloadWriter(Infinity, undefined, { sizeHint: 0 });
    const arena = new ByteArena(); // grows too: 3000 heads are more than its first 4 KiB
    writer.beginGroup('# H\n');
    const expected: string[] = ['# H\n'];
    for (let i = 0; i < 3000; i++) {
      if (i % 3 === 0) {
        writer.line(`t ${i}`);
        expected.push(`t ${i}\n`);
      } else {
        writer.addNumberLine(...head(`n${i} `, arena), i / 8, Buffer.from('\n'));
        expected.push(`n${i} ${i / 8}\n`);
      }
    }
    assert.deepEqual(text(writer.finish()), [expected.join('')]);
  });

  it('repeats the group header at the top of a payload that starts inside the group', () => {
    const writer = new PayloadWriter(16);
    writer.beginGroup('# T x\n');
    writer.line('x 1');
    writer.line('x 2');
    writer.line('x 3');
    assert.deepEqual(text(writer.finish()), ['# T x\nx 1\nx 2\n', '# T x\nx 3\n']);
  });

  it('writes no header for a group without lines, nor for an empty header', () => {
    const writer = new PayloadWriter();
    writer.beginGroup('# T x\n');
    writer.beginGroup('');
    writer.line('y 1');
    assert.deepEqual(text(writer.finish()), ['y 1\n']);
  });

  it('reports and drops a line that cannot fit in any payload, leaving the payload open', () => {
    const errors: PayloadTooLargeError[] = [];
    const writer = new PayloadWriter(8, (e) => errors.push(e));
    writer.line('ok');
    writer.line('much-too-long');
    writer.line('ok2');
    // The lines around the dropped one stay packed together.
    assert.deepEqual(text(writer.finish()), ['ok\nok2\n']);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.code, 'ERR_PAYLOAD_TOO_LARGE');
    assert.equal(errors[0]?.bytes, 14);
    assert.equal(errors[0]?.limit, 8);
  });

  it('counts the group header in an oversize line', () => {
    const errors: PayloadTooLargeError[] = [];
    const writer = new PayloadWriter(12, (e) => errors.push(e));
    writer.beginGroup('# T x\n');
    writer.line('x 1');
    writer.line('x 12345');
    assert.deepEqual(text(writer.finish()), ['# T x\nx 1\n']);
    assert.equal(errors[0]?.bytes, 14);
  });

  it('builds one payload when unbounded, header once, trailer last', () => {
    const writer = new PayloadWriter();
    writer.beginGroup('# H\n');
    writer.line('a 1');
    writer.line('a 2');
    writer.trailer('# EOF\n');
    assert.deepEqual(text(writer.finish()), ['# H\na 1\na 2\n# EOF\n']);
  });

  it('builds a large unbounded payload across chunks, with or without a size hint', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `line_${i}{v="é😀${i}"} ${i}`);
    const whole = lines.join('\n') + '\n';
    for (const sizeHint of [0, 100, Buffer.byteLength(whole)]) {
      const writer = new PayloadWriter(Infinity, undefined, { sizeHint });
      for (const line of lines) writer.line(line);
      const payloads = writer.finish();
      assert.deepEqual(text(payloads), [whole]);
      assert.equal(writer.size, Buffer.byteLength(whole));
    }
  });

  it('returns no payload for no lines', () => {
    assert.deepEqual(new PayloadWriter(100).finish(), []);
    assert.deepEqual(new PayloadWriter().finish(), []);
  });
});

describe('PayloadWriter units', () => {
  it('moves a unit that does not fit in the current payload to the next one, whole', () => {
    const writer = new PayloadWriter(20);
    writer.line('aaaaaaa'); // 8 bytes
    writer.beginUnit();
    writer.line('b1 1'); // 5 bytes each: 8 + 15 > 20
    writer.line('b2 2');
    writer.line('b3 3');
    writer.endUnit();
    writer.line('c 1');
    assert.deepEqual(text(writer.finish()), ['aaaaaaa\n', 'b1 1\nb2 2\nb3 3\nc 1\n']);
  });

  it('keeps a unit in the current payload when it fits', () => {
    const writer = new PayloadWriter(20);
    writer.line('a 1');
    writer.beginUnit();
    writer.line('b 1');
    writer.line('b 2');
    writer.endUnit();
    assert.deepEqual(text(writer.finish()), ['a 1\nb 1\nb 2\n']);
  });

  it('counts the group header when moving a unit, and repeats it', () => {
    const writer = new PayloadWriter(24);
    writer.beginGroup('# T h\n'); // 6 bytes
    writer.beginUnit();
    writer.line('h 1');
    writer.line('h 2');
    writer.endUnit();
    writer.beginUnit();
    writer.line('h 3');
    writer.line('h 4');
    writer.line('h 5');
    writer.endUnit();
    assert.deepEqual(text(writer.finish()), ['# T h\nh 1\nh 2\n', '# T h\nh 3\nh 4\nh 5\n']);
  });

  it('packs a unit larger than any payload line by line, from where the payload stands', () => {
    const writer = new PayloadWriter(10);
    writer.line('a 1');
    writer.beginUnit();
    for (const line of ['b 1', 'b 2', 'b 3', 'b 4']) writer.line(line);
    writer.endUnit();
    // 4 bytes a line, 10 a payload: the unit (16 bytes) starts right after `a 1`.
    assert.deepEqual(text(writer.finish()), ['a 1\nb 1\n', 'b 2\nb 3\n', 'b 4\n']);
  });

  it('keeps a line pair whole when a large unit falls back to lines', () => {
    const writer = new PayloadWriter(10);
    writer.beginUnit();
    writer.line('a 1');
    writer.linePair('p 0', 'p 1');
    writer.line('c 1');
    writer.endUnit();
    assert.deepEqual(text(writer.finish()), ['a 1\n', 'p 0\np 1\n', 'c 1\n']);
  });

  it('drops an oversize line of a unit and keeps the rest of the unit together', () => {
    const errors: PayloadTooLargeError[] = [];
    const writer = new PayloadWriter(12, (e) => errors.push(e));
    writer.line('a 1');
    writer.beginUnit();
    writer.line('b 1');
    writer.line('b much too long');
    writer.line('b 2');
    writer.endUnit();
    assert.deepEqual(text(writer.finish()), ['a 1\nb 1\nb 2\n']);
    assert.equal(errors.length, 1);
  });

  it('ends an open unit at the next group and at finish', () => {
    const writer = new PayloadWriter(100);
    writer.beginUnit();
    writer.line('a 1');
    writer.beginGroup('# T b\n');
    writer.beginUnit();
    writer.line('b 1');
    assert.deepEqual(text(writer.finish()), ['a 1\n# T b\nb 1\n']);
  });

  it('costs nothing when unbounded: lines go straight into the one payload', () => {
    const writer = new PayloadWriter();
    writer.beginUnit();
    writer.line('a 1');
    writer.endUnit();
    assert.deepEqual(text(writer.finish()), ['a 1\n']);
  });
});

describe('PayloadWriter endEach', () => {
  it('ends every payload with it, counting its bytes in the limit', () => {
    const writer = new PayloadWriter(16, undefined, { endEach: '# EOF\n' });
    for (const line of ['x 1', 'x 2', 'x 3']) writer.line(line);
    // 16 - 6 leaves 10 bytes of lines per payload: two 4-byte lines.
    assert.deepEqual(text(writer.finish()), ['x 1\nx 2\n# EOF\n', 'x 3\n# EOF\n']);
  });

  it('ends the one unbounded payload with it, and is a payload of its own without lines', () => {
    const writer = new PayloadWriter(Infinity, undefined, { endEach: '# EOF\n' });
    writer.line('x 1');
    assert.deepEqual(text(writer.finish()), ['x 1\n# EOF\n']);
    assert.deepEqual(text(new PayloadWriter(100, undefined, { endEach: '# EOF\n' }).finish()), ['# EOF\n']);
    assert.deepEqual(text(new PayloadWriter(Infinity, undefined, { endEach: '# EOF\n' }).finish()), ['# EOF\n']);
  });

  it('reports a line that only fits without it as oversize, with its bytes counted', () => {
    const errors: PayloadTooLargeError[] = [];
    const writer = new PayloadWriter(10, (e) => errors.push(e), { endEach: '# EOF\n' });
    writer.line('x 12345');
    assert.deepEqual(text(writer.finish()), ['# EOF\n']);
    assert.equal(errors[0]?.bytes, 14);
  });
});
