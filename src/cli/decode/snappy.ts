// Snappy BLOCK format decompressor (the format of Prometheus remote write, not the framed
// stream format), for the `listen` receiver. Decoding is small; compressing is the encoder's job.
// Format: a varint with the uncompressed length, then elements whose tag byte's low two bits say
// literal (0) or copy with a 1-, 2- or 4-byte offset (1, 2, 3). See google/snappy format_description.txt.

/** A body that is not valid snappy block data. */
export class SnappyError extends Error {
  constructor(message: string) {
    super(`snappy: ${message}`);
    this.name = 'SnappyError';
  }
}

/** Refuse to allocate more than this for one body: a 5-byte header could otherwise ask for 4 GiB. */
export const MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024;

export function snappyDecompress(input: Uint8Array, maxBytes = MAX_UNCOMPRESSED_BYTES): Uint8Array {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= input.length || shift > 28) throw new SnappyError('bad length preamble');
    const byte = input[pos++]!;
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  if (length > maxBytes) throw new SnappyError(`uncompressed length ${length} exceeds ${maxBytes}`);
  const out = new Uint8Array(length);
  let written = 0;
  while (pos < input.length) {
    const tag = input[pos++]!;
    if ((tag & 3) === 0) {
      let len = (tag >>> 2) + 1;
      if (len > 60) {
        // 61..64: the length - 1 follows in 1..4 little-endian bytes.
        const extra = len - 60;
        if (pos + extra > input.length) throw new SnappyError('truncated literal length');
        len = 0;
        for (let i = 0; i < extra; i++) len += input[pos + i]! * 2 ** (8 * i);
        len += 1;
        pos += extra;
      }
      if (pos + len > input.length) throw new SnappyError('truncated literal');
      if (written + len > length) throw new SnappyError('literal overflows the stated length');
      out.set(input.subarray(pos, pos + len), written);
      pos += len;
      written += len;
      continue;
    }
    let len: number;
    let offset: number;
    if ((tag & 3) === 1) {
      if (pos + 1 > input.length) throw new SnappyError('truncated copy');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos]!;
      pos += 1;
    } else if ((tag & 3) === 2) {
      if (pos + 2 > input.length) throw new SnappyError('truncated copy');
      len = (tag >>> 2) + 1;
      offset = input[pos]! | (input[pos + 1]! << 8);
      pos += 2;
    } else {
      if (pos + 4 > input.length) throw new SnappyError('truncated copy');
      len = (tag >>> 2) + 1;
      offset = (input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16)) + input[pos + 3]! * 2 ** 24;
      pos += 4;
    }
    if (offset === 0 || offset > written) throw new SnappyError(`bad copy offset ${offset}`);
    if (written + len > length) throw new SnappyError('copy overflows the stated length');
    // Byte by byte: a copy may overlap its own output (offset < len repeats a pattern).
    for (let i = 0; i < len; i++, written++) out[written] = out[written - offset]!;
  }
  if (written !== length) throw new SnappyError(`decoded ${written} bytes, expected ${length}`);
  return out;
}
