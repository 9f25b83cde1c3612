// A minimal protocol-buffers writer: just the wire types remote write needs (varint, fixed64
// double, length-delimited). Four small messages do not justify protobufjs as a runtime
// dependency, and writing them by hand lets the encoder reuse pre-encoded label bytes.
//
// Wire format (protobuf encoding spec): a field is a tag `(field << 3) | wireType` as a varint,
// then its value. Varints are little-endian base-128, high bit = "more bytes follow". A negative
// int64 is its 64-bit two's complement, always 10 bytes. Doubles are 8 bytes little-endian.

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;

const TWO_POW_32 = 2 ** 32;

/** Bytes a varint of the non-negative integer `n` takes (1 to 8 for n ≤ 2^53). */
export function varintSize(n: number): number {
  if (n < 0) return 10;
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** A field's tag: `(field << 3) | wireType`, one byte for fields 1 to 15. */
export function tag(field: number, wireType: number): number {
  return (field << 3) | wireType;
}

const textEncoder = new TextEncoder();

/**
 * Appends protobuf fields to a buffer that grows by doubling. Not a general protobuf library:
 * callers compute the length of a nested message themselves (remote write knows every size up
 * front) and write it with `varint` before the message's fields.
 */
export class ProtobufWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialBytes = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialBytes));
    this.view = new DataView(this.buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Makes room for `bytes` more bytes. */
  reserve(bytes: number): void {
    const needed = this.pos + bytes;
    if (needed <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /**
   * A varint. Non-negative integers up to 2^53 take 1 to 8 bytes; a negative integer (an int64
   * field such as a pre-1970 timestamp) takes 10, as two's complement. `n` must be an integer.
   */
  varint(n: number): void {
    this.reserve(10);
    const buf = this.buf;
    let pos = this.pos;
    if (n >= 0 && n < 0x80000000) {
      // The common case (tags, lengths): 32-bit arithmetic is much cheaper than division.
      while (n >= 0x80) {
        buf[pos++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      buf[pos++] = n;
    } else {
      // Split into two 32-bit halves of the 64-bit two's complement, then emit 7 bits at a time.
      let lo = n >>> 0;
      let hi = Math.floor(n / TWO_POW_32) >>> 0;
      while (hi !== 0 || lo >= 0x80) {
        buf[pos++] = (lo & 0x7f) | 0x80;
        lo = ((lo >>> 7) | (hi << 25)) >>> 0;
        hi >>>= 7;
      }
      buf[pos++] = lo;
    }
    this.pos = pos;
  }

  /** A tag byte or any single byte. */
  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  /** 8 bytes little-endian IEEE 754 (wire type fixed64); NaN keeps its bit pattern. */
  double(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
  }

  /** Raw bytes: a pre-encoded field or message. */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.reserve(n);
    const buf = this.buf;
    let pos = this.pos;
    // `set` is a native call (~20 ns); a JS loop wins only for a few bytes.
    if (n < 8) for (let i = 0; i < n; i++) buf[pos++] = bytes[i]!;
    else {
      buf.set(bytes, pos);
      pos += n;
    }
    this.pos = pos;
  }

  /** A length-delimited field holding `value` as UTF-8 (tag, length, bytes). */
  stringField(field: number, value: string): void {
    this.bytesField(field, textEncoder.encode(value));
  }

  /** A length-delimited field holding `bytes` (tag, length, bytes). */
  bytesField(field: number, bytes: Uint8Array): void {
    this.byte(tag(field, WIRE_LENGTH_DELIMITED));
    this.varint(bytes.length);
    this.raw(bytes);
  }

  /** The bytes written so far, as a view of the internal buffer: valid until the next write or reset. */
  written(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** The bytes written so far, as a fresh array the writer no longer touches. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** Forgets what was written and keeps the buffer for reuse. */
  reset(): void {
    this.pos = 0;
  }
}
