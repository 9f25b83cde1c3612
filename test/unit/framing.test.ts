import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PayloadWriter } from '../../src/encoding/framing.js';
import type { PayloadTooLargeError } from '../../src/errors.js';

const text = (payloads: Uint8Array[]) => payloads.map((p) => Buffer.from(p).toString('utf8'));

describe('PayloadWriter', () => {
  it('packs whole lines by UTF-8 byte length and never splits a line', () => {
    const writer = new PayloadWriter(10);
    for (const line of ['aaaa', 'bbbb', 'é', 'cc']) writer.line(line);
    // "aaaa\nbbbb\n" is 10 bytes; "é\n" is 3 bytes, "cc\n" 3.
    assert.deepEqual(text(writer.finish()), ['aaaa\nbbbb\n', 'é\ncc\n']);
  });

  it('repeats the group header at the top of a payload that starts inside the group', () => {
    const writer = new PayloadWriter(16);
    writer.beginGroup('# T x\n');
    writer.line('x 1');
    writer.line('x 2');
    writer.line('x 3');
    assert.deepEqual(text(writer.finish()), ['# T x\nx 1\nx 2\n', '# T x\nx 3\n']);
  });

  it('reports and drops a line that cannot fit in any payload, keeping the others', () => {
    const errors: PayloadTooLargeError[] = [];
    const writer = new PayloadWriter(8, (e) => errors.push(e));
    writer.line('ok');
    writer.line('much-too-long');
    writer.line('ok2');
    assert.deepEqual(text(writer.finish()), ['ok\n', 'ok2\n']);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.code, 'ERR_PAYLOAD_TOO_LARGE');
    assert.equal(errors[0]?.bytes, 14);
    assert.equal(errors[0]?.limit, 8);
  });

  it('builds one payload when unbounded, header once, trailer last', () => {
    const writer = new PayloadWriter();
    writer.beginGroup('# H\n');
    writer.line('a 1');
    writer.line('a 2');
    writer.trailer('# EOF\n');
    assert.deepEqual(text(writer.finish()), ['# H\na 1\na 2\n# EOF\n']);
  });

  it('returns no payload for no lines', () => {
    assert.deepEqual(new PayloadWriter(100).finish(), []);
    assert.deepEqual(new PayloadWriter().finish(), []);
  });
});
