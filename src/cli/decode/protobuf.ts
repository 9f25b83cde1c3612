// A minimal protobuf wire-format reader, enough to read a remote-write WriteRequest in the
// `listen` receiver without a protobuf dependency. Field numbers and types come from the caller's
// schema knowledge; unknown fields are skipped, as protobuf requires.

export class ProtobufError extends Error {
  constructor(message: string) {
    super(`protobuf: ${message}`);
    this.name = 'ProtobufError';
  }
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

const utf8 = new TextDecoder('utf-8');

/** Reads one message (or a length-delimited sub-message) front to back. */
export class ProtoReader {
  private pos: number;
  private readonly view: DataView;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): { readonly field: number; readonly wire: number } {
    const key = this.varint();
    return { field: Math.floor(key / 8), wire: key % 8 };
  }

  /** An unsigned varint below 2^53 (tags, lengths, enums). */
  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 53; shift += 7) {
      const byte = this.byte();
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new ProtobufError('varint too long');
  }

  /** An int64 varint (two's complement over 10 bytes when negative), e.g. a timestamp. */
  int64(): number {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.byte();
      value |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return Number(BigInt.asIntN(64, value));
    }
    throw new ProtobufError('varint too long');
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** A length-delimited field's bytes (a view, not a copy). */
  bytes(): Uint8Array {
    const length = this.varint();
    this.need(length);
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  string(): string {
    return utf8.decode(this.bytes());
  }

  /** A reader over a length-delimited sub-message. */
  message(): ProtoReader {
    const bytes = this.bytes();
    return new ProtoReader(bytes);
  }

  /** Skips a field of an unknown number. Groups (wire types 3, 4) are long deprecated: refused. */
  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.int64();
        return;
      case WIRE_FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_BYTES:
        this.bytes();
        return;
      case WIRE_FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new ProtobufError(`unsupported wire type ${wire}`);
    }
  }

  private byte(): number {
    if (this.pos >= this.end) throw new ProtobufError('truncated message');
    return this.buf[this.pos++]!;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new ProtobufError('truncated message');
  }
}
