// Independent decoders for the remote-write tests: a snappy block decoder and a protobuf reader
// for prometheus.WriteRequest, written from the format descriptions (google/snappy
// format_description.txt, the protobuf encoding spec), sharing no code with src/. Both are
// strict: anything our encoder should never produce (unknown fields, wrong wire types, a copy
// reaching before the start, a length mismatch) throws.

/** Decompresses a snappy BLOCK (not framed) stream. */
export function snappyDecode(input: Uint8Array): Uint8Array {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const b = input[pos++];
    if (b === undefined || shift > 28) throw new Error('snappy: bad length preamble');
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  const out = new Uint8Array(length);
  let op = 0;
  const byte = (): number => {
    const b = input[pos++];
    if (b === undefined) throw new Error('snappy: truncated element');
    return b;
  };
  while (pos < input.length) {
    const tag = byte();
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        len = 0;
        for (let i = 0; i < extra; i++) len += byte() * 2 ** (8 * i);
      }
      len += 1;
      if (pos + len > input.length || op + len > length) throw new Error('snappy: literal overruns');
      out.set(input.subarray(pos, pos + len), op);
      pos += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | byte();
    } else if (kind === 2) {
      len = (tag >>> 2) + 1;
      offset = byte() | (byte() << 8);
    } else {
      len = (tag >>> 2) + 1;
      offset = (byte() | (byte() << 8) | (byte() << 16) | (byte() << 24)) >>> 0;
    }
    if (offset === 0 || offset > op || op + len > length) throw new Error(`snappy: bad copy at ${op}`);
    // Byte by byte: a copy may overlap its own output (offset < len repeats a pattern).
    for (let i = 0; i < len; i++, op++) out[op] = out[op - offset]!;
  }
  if (op !== length) throw new Error(`snappy: ${op} bytes decoded, preamble said ${length}`);
  return out;
}

export interface DecodedSample {
  readonly value: number;
  readonly timestamp: number;
}
export interface DecodedSeries {
  /** [name, value] in wire order. */
  readonly labels: [string, string][];
  readonly samples: DecodedSample[];
}

class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly end = buf.length,
  ) {}
  done(): boolean {
    return this.pos >= this.end;
  }
  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; ; shift += 7n) {
      if (this.pos >= this.end || shift > 63n) throw new Error('protobuf: bad varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
    }
  }
  tag(): { field: number; wire: number } {
    const t = Number(this.varint());
    return { field: t >>> 3, wire: t & 7 };
  }
  bytes(): Uint8Array {
    const len = Number(this.varint());
    if (this.pos + len > this.end) throw new Error('protobuf: length overruns');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  double(): number {
    if (this.pos + 8 > this.end) throw new Error('protobuf: truncated double');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return view.getFloat64(0, true);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function expectWire(field: number, wire: number, expected: number, message: string): void {
  if (wire !== expected) throw new Error(`protobuf: ${message} field ${field} has wire type ${wire}`);
}

/** Parses an (uncompressed) prometheus.WriteRequest. */
export function decodeWriteRequest(bytes: Uint8Array): DecodedSeries[] {
  const r = new Reader(bytes);
  const series: DecodedSeries[] = [];
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field !== 1) throw new Error(`protobuf: unexpected WriteRequest field ${field}`);
    expectWire(field, wire, 2, 'WriteRequest');
    series.push(decodeTimeSeries(r.bytes()));
  }
  return series;
}

function decodeTimeSeries(bytes: Uint8Array): DecodedSeries {
  const r = new Reader(bytes);
  const labels: [string, string][] = [];
  const samples: DecodedSample[] = [];
  while (!r.done()) {
    const { field, wire } = r.tag();
    expectWire(field, wire, 2, 'TimeSeries');
    if (field === 1) labels.push(decodeLabel(r.bytes()));
    else if (field === 2) samples.push(decodeSample(r.bytes()));
    else throw new Error(`protobuf: unexpected TimeSeries field ${field}`);
  }
  return { labels, samples };
}

function decodeLabel(bytes: Uint8Array): [string, string] {
  const r = new Reader(bytes);
  let name = '';
  let value = '';
  while (!r.done()) {
    const { field, wire } = r.tag();
    expectWire(field, wire, 2, 'Label');
    if (field === 1) name = utf8.decode(r.bytes());
    else if (field === 2) value = utf8.decode(r.bytes());
    else throw new Error(`protobuf: unexpected Label field ${field}`);
  }
  return [name, value];
}

function decodeSample(bytes: Uint8Array): DecodedSample {
  const r = new Reader(bytes);
  let value = 0;
  let timestamp = 0;
  while (!r.done()) {
    const { field, wire } = r.tag();
    if (field === 1) {
      expectWire(field, wire, 1, 'Sample');
      value = r.double();
    } else if (field === 2) {
      expectWire(field, wire, 0, 'Sample');
      timestamp = Number(BigInt.asIntN(64, r.varint()));
    } else throw new Error(`protobuf: unexpected Sample field ${field}`);
  }
  return { value, timestamp };
}

/** Snappy-decodes and parses every payload, concatenating their series. */
export function decodePayloads(payloads: readonly Uint8Array[]): DecodedSeries[] {
  return payloads.flatMap((payload) => decodeWriteRequest(snappyDecode(payload)));
}

/** A series as one flat record (`__name__` included) with its single sample, for deepEqual. */
export interface FlatSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestamp: number;
}

export function flatten(series: readonly DecodedSeries[]): FlatSample[] {
  return series.map((s) => {
    if (s.samples.length !== 1) throw new Error(`expected one sample, got ${s.samples.length}`);
    const sample = s.samples[0]!;
    return { labels: Object.fromEntries(s.labels), value: sample.value, timestamp: sample.timestamp };
  });
}
