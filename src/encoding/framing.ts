import { PayloadTooLargeError } from '../errors.js';
import type { ByteSource } from './byte-arena.js';
import type { OutputBuffers } from './output-buffers.js';
import { MAX_DECIMAL_BYTES, writeDecimal } from './short-decimal.js';

/** Receives each line that cannot fit in any payload; the line is dropped, never thrown or split. */
export type OversizeHandler = (error: PayloadTooLargeError) => void;

/** Common payload limits, net of IP and UDP headers (statsd docs, "Multi-Metric Packets"). */
export const PAYLOAD_PRESETS = {
  /** Commodity internet paths. */
  internet: 512,
  /** Fast Ethernet MTU 1500; the UDP default. */
  lan: 1432,
  /** Gigabit jumbo frames. */
  jumbo: 8932,
} as const;

export interface PayloadWriterOptions {
  /**
   * Text that ends EVERY payload (OpenMetrics `# EOF\n`, so each payload parses on its own), its
   * bytes counted in the limit. Without any line, `finish()` returns one payload holding it alone.
   */
  readonly endEach?: string;
  /** The expected total size in bytes (an encoder passes its previous output's): sizes the output once. */
  readonly sizeHint?: number;
  /** Where the output buffer comes from (the encoder's, so a recycled one is reused); default: a new one. */
  readonly buffers?: OutputBuffers;
}

// Text is built as strings, appended piece by piece, and encoded with one utf8Write per 64 KiB
// (measured: V8 copies a long string of appended flat pieces ~3× faster than one whose pieces are
// themselves concatenations, and Buffer.from + Buffer.concat per chunk cost 25 % more than writing
// every chunk into one buffer). Payloads are views into that buffer, sized from `sizeHint`.
const CHUNK_CHARS = 64 * 1024;
const MIN_BUFFER = 2048;
/** Where `addNumberLine` formats the value before it knows whether the line fits. */
const DIGITS = new Uint8Array(MAX_DECIMAL_BYTES);
/** Pieces shorter than this are copied byte by byte: `Uint8Array.set` costs more for a few bytes. */
const SET_MIN_BYTES = 16;

/**
 * Packs newline-terminated lines into payloads of at most `maxBytes` UTF-8 bytes.
 *
 * Lines are added whole; a payload boundary only ever falls between lines, and a line too large
 * for any payload is reported to `onOversize` and dropped, leaving the payload it would have
 * closed open for the lines after it. A header (a family's `# HELP`/`# TYPE` lines) set with
 * `beginGroup()` is repeated at the top of any payload that starts inside the group, so every
 * payload parses on its own. Lines between `beginUnit()` and `endUnit()` (a histogram series:
 * strict parsers reject a partial one, and a Pushgateway POST would replace the part sent first)
 * land in one payload whenever they fit in one with their header; a unit larger than that is
 * packed line by line like lines outside a unit.
 *
 * With `maxBytes = Infinity` there is exactly one payload, no byte counting, and units cost nothing.
 */
export class PayloadWriter {
  private readonly payloads: Uint8Array[] = [];
  private readonly bounded: boolean;
  /** `maxBytes` minus the bytes of `endEach`. */
  private readonly limit: number;
  private readonly endEach: string;
  private readonly endBytes: number;
  /** Text not yet written to `buf`: the end of the current payload. */
  private text = '';
  /** Bounded: UTF-8 bytes of the current payload so far (written and pending), without `endEach`. */
  private bytes = 0;
  private header = '';
  private headerBytes = 0;
  private headerWritten = true;
  /** The header's UTF-8 bytes when the caller has them cached (`addBytesLine` copies them). */
  private headerData: Uint8Array | undefined = undefined;
  /** Bounded, inside a unit: its lines (kept apart until `endUnit()`), their bytes and line ends. */
  private inUnit = false;
  private unitText = '';
  private unitBytes = 0;
  private readonly unitEnds: number[] = [];
  private readonly buffers: OutputBuffers | undefined;
  private buf: Buffer;
  /** A DataView on `buf` (recreated when `buf` is replaced). */
  private view: DataView | undefined;
  private off = 0;
  /** Where the current payload starts in `buf`. */
  private start = 0;
  private total = 0;

  constructor(
    private readonly maxBytes: number = Infinity,
    private readonly onOversize: OversizeHandler = () => {},
    options: PayloadWriterOptions = {},
  ) {
    this.bounded = maxBytes !== Infinity;
    this.endEach = options.endEach ?? '';
    this.endBytes = Buffer.byteLength(this.endEach);
    this.limit = maxBytes - this.endBytes;
    const hint = options.sizeHint ?? 0;
    this.buffers = options.buffers;
    this.buf = this.allocate(Math.max(MIN_BUFFER, hint + (hint >>> 4)));
  }

  /** Bytes of all payloads returned by `finish()`. */
  get size(): number {
    return this.total;
  }

  /**
   * Starts a group whose `header` (complete lines, each ending in `\n`; may be '') leads its
   * payload. Written with the group's first line, so a group without lines writes nothing.
   * `headerBytes`: the header's UTF-8 bytes, if cached, for a group of `addBytesLine` lines.
   */
  beginGroup(header: string, headerBytes?: Uint8Array): void {
    if (this.inUnit) this.endUnit();
    this.header = header;
    this.headerData = headerBytes;
    this.headerWritten = header === '';
    this.headerBytes = this.bounded ? Buffer.byteLength(header) : 0;
  }

  /** Starts a unit: the lines up to `endUnit()` go into one payload when they fit in one. */
  beginUnit(): void {
    if (!this.bounded) return;
    if (this.inUnit) this.endUnit();
    this.inUnit = true;
  }

  /** Ends the unit: places its lines in the current payload, or a new one, or line by line. */
  endUnit(): void {
    if (!this.inUnit) return;
    this.inUnit = false;
    const text = this.unitText;
    const bytes = this.unitBytes;
    this.unitText = '';
    this.unitBytes = 0;
    if (bytes + this.headerBytes <= this.limit) {
      if (bytes > 0) this.addMeasured(bytes, text, '', '', '', '');
    } else {
      // Larger than any payload: packed like lines outside a unit.
      let from = 0;
      for (const end of this.unitEnds) {
        const line = text.slice(from, end);
        this.addMeasured(Buffer.byteLength(line), line, '', '', '', '');
        from = end;
      }
    }
    this.unitEnds.length = 0;
  }

  /**
   * Adds one line given as pieces, `a + b + c + d + e`, which must end with the line's `\n` and
   * hold no other: encoders pass a line as its cached pieces rather than as one concatenated
   * string (see CHUNK_CHARS), and a cached piece may carry the `\n` (a StatsD line's
   * `|g|#k:v\n`), one append less. `ascii`: the caller knows every piece is ASCII, so its UTF-8
   * length is its `length`.
   */
  add(a: string, b: string, c: string, d: string, e: string, ascii: boolean): void {
    if (!this.bounded) {
      if (!this.headerWritten) {
        this.text += this.header;
        this.headerWritten = true;
      }
      this.append(a, b, c, d, e);
      return;
    }
    const bytes = ascii
      ? a.length + b.length + c.length + d.length + e.length
      : Buffer.byteLength(a) +
        Buffer.byteLength(b) +
        Buffer.byteLength(c) +
        Buffer.byteLength(d) +
        Buffer.byteLength(e);
    this.addMeasured(bytes, a, b, c, d, e);
  }

  /**
   * Adds the line `head + formatDecimal(value) + tail`, where `head` is bytes `from` to `to` of
   * `source` and `tail` ends with the line's `\n`. The bytes are copied straight into the output
   * (four at a time): no string is built for the line. The StatsD gauge lines of batch mode, often
   * thousands per push, go through here (byte-arena.ts). Packed, and reported as oversize, like `add`.
   */
  addNumberLine(source: ByteSource, from: number, to: number, value: number, tail: Uint8Array): void {
    const most = to - from + MAX_DECIMAL_BYTES + tail.length;
    if (this.bytes + most <= this.limit && this.buf.length - this.off >= most && this.plain()) {
      // Common case: the line fits whatever the value's length; written in place.
      const buf = this.buf;
      const start = this.off;
      const end = copyBytes(buf, writeDecimal(buf, this.copyRange(start, source, from, to), value), tail);
      this.bytes += end - start;
      this.off = end;
      return;
    }
    const digits = writeDecimal(DIGITS, 0, value);
    const bytes = to - from + digits + tail.length;
    if (this.bounded) {
      if (this.inUnit || bytes + this.headerBytes > this.limit) {
        // Rare: the string path keeps a unit's lines together and reports an oversize line.
        const head = Buffer.from(source.bytes.subarray(from, to)).toString();
        const decoded = head + Buffer.from(DIGITS.subarray(0, digits)).toString('latin1');
        this.addMeasured(bytes, decoded, Buffer.from(tail).toString(), '', '', '');
        return;
      }
      this.makeRoom(bytes);
      this.bytes += bytes;
    } else if (!this.headerWritten) {
      this.text += this.header;
      this.headerWritten = true;
    }
    if (this.text !== '') this.flush();
    this.reserve(bytes);
    const buf = this.buf;
    let off = this.copyRange(this.off, source, from, to);
    for (let i = 0; i < digits; i++) buf[off++] = DIGITS[i]!;
    this.off = copyBytes(buf, off, tail);
  }

  /**
   * Adds the line `head + formatDecimal(value) + tail`, where `head` holds the line's first bytes
   * and `tail` ends with its `\n`, copied straight into the output: no string is built for the
   * line. The one-sample lines of the text formats go through here (series-heads.ts). Packed, and
   * reported as oversize, like `add`.
   */
  addBytesLine(head: Uint8Array, value: number, tail: Uint8Array): void {
    const most = head.length + MAX_DECIMAL_BYTES + tail.length;
    if (!this.bounded && !(this.headerWritten && this.text === '')) this.settle(most);
    if (this.bytes + most <= this.limit && this.buf.length - this.off >= most && this.plain()) {
      // Common case: the line fits whatever the value's length; written in place.
      const buf = this.buf;
      const start = this.off;
      buf.set(head, start);
      const end = copyBytes(buf, writeDecimal(buf, start + head.length, value), tail);
      this.bytes += end - start;
      this.off = end;
      return;
    }
    this.addNumberLine(sourceOf(head), 0, head.length, value, tail);
  }

  /**
   * A run of lines the caller writes straight into `runBuffer` from `runOffset`, checking the
   * room left itself, and hands back the offset after them with `endRun`. Only unbounded writers
   * have runs (a bounded one must measure every line against its limit): false for the others,
   * whose `runOffset` then stays put. Writes the pending header and text first.
   */
  beginRun(): boolean {
    if (this.bounded) return false;
    this.settle(0);
    return true;
  }

  get runBuffer(): Buffer {
    return this.buf;
  }

  get runOffset(): number {
    return this.off;
  }

  endRun(off: number): void {
    this.off = off;
  }

  /**
   * Unbounded, before a line written as bytes: writes the group's header (its cached bytes when
   * no text is pending) and the pending text, and makes room for `bytes` more.
   */
  private settle(bytes: number): void {
    const header = this.headerData;
    if (!this.headerWritten && header !== undefined && this.text === '') {
      this.reserve(header.length + bytes);
      this.off = copyBytes(this.buf, this.off, header);
    } else {
      if (!this.headerWritten) this.text += this.header;
      this.flush();
      this.reserve(bytes);
    }
    this.headerWritten = true;
  }

  /** Copies bytes `from` to `to` of `source` to `off` in `buf` (room checked); returns the offset after them. */
  private copyRange(off: number, source: ByteSource, from: number, to: number): number {
    const buf = this.buf;
    let view = this.view;
    if (view === undefined) {
      view = new DataView(buf.buffer, buf.byteOffset, buf.length);
      this.view = view;
    }
    const sourceView = source.view;
    let at = from;
    for (; at + 4 <= to; at += 4, off += 4) view.setUint32(off, sourceView.getUint32(at));
    const bytes = source.bytes;
    for (; at < to; at++) buf[off++] = bytes[at]!;
    return off;
  }

  /** Outside a unit, header written, no text pending: a line's bytes can go straight to `buf`. */
  private plain(): boolean {
    return !this.inUnit && this.headerWritten && this.text === '';
  }

  /**
   * Adds one line; `line` must not contain `\n` (the writer appends it). `bytes`, when the caller
   * already knows it, is the UTF-8 length of `line` (an all-ASCII line: its `length`).
   */
  line(line: string, bytes?: number): void {
    if (bytes === undefined || !this.bounded) this.add(line, '\n', '', '', '', false);
    else this.addMeasured(bytes + 1, line, '\n', '', '', '');
  }

  /**
   * Adds two lines that must land in the same payload, in this order (a StatsD `x:0|g` that
   * resets a gauge before `x:-5|g` sets it: apart, a lost datagram would turn the value into a
   * delta). Packed, and reported as oversize, as one line. `bytes` as for `line`, for both lines
   * and the `\n` between them.
   */
  linePair(first: string, second: string, bytes?: number): void {
    this.line(first + '\n' + second, bytes);
  }

  /** Appends raw text that must stay at the very end of the last payload (see also `endEach`). */
  trailer(text: string): void {
    if (this.inUnit) this.endUnit();
    if (this.bounded) {
      const bytes = Buffer.byteLength(text);
      if (this.bytes > 0 && this.bytes + bytes > this.limit) this.closePayload();
      this.bytes += bytes;
    }
    this.text += text;
  }

  /** Returns the payloads; the writer must not be used afterwards. */
  finish(): Uint8Array[] {
    if (this.inUnit) this.endUnit();
    if (this.text !== '' || this.off > this.start || (this.payloads.length === 0 && this.endEach !== '')) {
      this.closePayload();
    }
    return this.payloads;
  }

  /**
   * Bounded: places a line of `bytes` bytes: reported as oversize when too large for any payload
   * (the payload stays open for the lines after it), kept in the open unit, or appended, after
   * closing the payload when it has no room left.
   */
  private addMeasured(bytes: number, a: string, b: string, c: string, d: string, e: string): void {
    if (bytes + this.headerBytes > this.limit) {
      const line = (a + b + c + d + e).slice(0, -1);
      const needed = bytes + this.headerBytes + this.endBytes;
      this.onOversize(new PayloadTooLargeError(needed, this.maxBytes, line.slice(0, 80)));
    } else if (this.inUnit) {
      this.unitText += a + b + c + d + e;
      this.unitBytes += bytes;
      this.unitEnds.push(this.unitText.length);
    } else {
      this.makeRoom(bytes);
      this.bytes += bytes;
      this.append(a, b, c, d, e);
    }
  }

  /** Appends the pieces one by one (each a flat string: see CHUNK_CHARS), encoding every 64 KiB. */
  private append(a: string, b: string, c: string, d: string, e: string): void {
    let text = this.text;
    text += a;
    text += b;
    text += c;
    text += d;
    text += e;
    this.text = text;
    if (text.length >= CHUNK_CHARS) this.flush();
  }

  /** Bounded: closes the payload unless `bytes` more fit, then writes the group header if due. */
  private makeRoom(bytes: number): void {
    if (this.bytes + bytes + (this.headerWritten ? 0 : this.headerBytes) > this.limit && this.bytes > 0) {
      this.closePayload();
    }
    if (!this.headerWritten) {
      this.text += this.header;
      this.bytes += this.headerBytes;
      this.headerWritten = true;
    }
  }

  /** Encodes the pending text into `buf`, keeping the current payload contiguous. */
  private flush(): void {
    const text = this.text;
    if (text === '') return;
    // A write needs room for the worst case (3 bytes per UTF-16 unit): measure only near the end.
    if (this.buf.length - this.off < text.length * 3) this.reserve(Buffer.byteLength(text));
    // Chunks end on a line boundary, so a surrogate pair is never written in two halves.
    this.off += this.buf.write(text, this.off);
    this.text = '';
  }

  /** Makes room for `needed` more bytes at `off`. */
  private reserve(needed: number): void {
    if (this.buf.length - this.off >= needed) return;
    // A bigger buffer, taking along the part of the current payload already written.
    const used = this.off - this.start;
    const grown = this.allocate(Math.max(2 * this.buf.length, used + needed));
    this.buf.copy(grown, 0, this.start, this.off);
    this.buf = grown;
    this.view = undefined;
    this.start = 0;
    this.off = used;
  }

  private allocate(size: number): Buffer {
    return this.buffers === undefined ? Buffer.allocUnsafe(size) : this.buffers.take(size);
  }

  private closePayload(): void {
    this.text += this.endEach;
    this.flush();
    const payload = this.buf.subarray(this.start, this.off);
    this.buffers?.lend(payload);
    this.payloads.push(payload);
    this.total += payload.length;
    this.start = this.off;
    this.bytes = 0;
    this.headerWritten = this.header === '';
  }
}

/** `bytes` as a ByteSource (the rare paths of `addBytesLine`). */
function sourceOf(bytes: Uint8Array): ByteSource {
  return { bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.length) };
}

/** Copies `piece` into `buf` at `off`; returns the offset after it. */
function copyBytes(buf: Uint8Array, off: number, piece: Uint8Array): number {
  const length = piece.length;
  if (length >= SET_MIN_BYTES) buf.set(piece, off);
  else for (let i = 0; i < length; i++) buf[off + i] = piece[i]!;
  return off + length;
}
