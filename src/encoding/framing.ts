import { PayloadTooLargeError } from '../errors.js';

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

const CHUNK_CHARS = 64 * 1024;

/**
 * Packs newline-terminated lines into payloads of at most `maxBytes` UTF-8 bytes.
 *
 * Lines are added whole; a payload boundary only ever falls between lines. A header (e.g. a
 * family's `# HELP`/`# TYPE` lines) set with `beginGroup()` is repeated at the top of any payload
 * that starts inside the group, so every payload parses on its own.
 *
 * With `maxBytes = Infinity` there is exactly one payload and no per-line byte counting: text is
 * built in 64 KiB string chunks (much cheaper for V8 than one growing string) and joined at the end.
 */
export class PayloadWriter {
  private readonly payloads: Uint8Array[] = [];
  private readonly chunks: Buffer[] = [];
  private text = '';
  private bytes = 0;
  private header = '';
  private headerBytes = 0;
  private headerWritten = false;

  constructor(
    private readonly maxBytes: number = Infinity,
    private readonly onOversize: OversizeHandler = () => {},
  ) {}

  /** Starts a group whose `header` (complete lines, each ending in `\n`) leads its payload. */
  beginGroup(header: string): void {
    this.header = header;
    this.headerWritten = false;
    this.headerBytes = this.maxBytes === Infinity ? 0 : Buffer.byteLength(header);
  }

  /**
   * Adds one line; `line` must not contain `\n` (the writer appends it). `bytes`, when the caller
   * already knows it, is the UTF-8 length of `line` (an all-ASCII line: its `length`): measuring
   * a concatenated line would first copy it flat, which costs more than building it.
   */
  line(line: string, bytes?: number): void {
    if (this.maxBytes === Infinity) {
      if (!this.headerWritten) {
        this.text += this.header;
        this.headerWritten = true;
      }
      this.text += line + '\n';
      if (this.text.length >= CHUNK_CHARS) this.flushChunk();
      return;
    }
    const lineBytes = (bytes ?? Buffer.byteLength(line)) + 1;
    const needed = lineBytes + (this.headerWritten ? 0 : this.headerBytes);
    if (this.bytes + needed > this.maxBytes) {
      if (this.bytes > 0) this.closePayload();
      if (lineBytes + this.headerBytes > this.maxBytes) {
        this.onOversize(new PayloadTooLargeError(lineBytes + this.headerBytes, this.maxBytes, line.slice(0, 80)));
        return;
      }
    }
    if (!this.headerWritten) {
      this.text += this.header;
      this.bytes += this.headerBytes;
      this.headerWritten = true;
    }
    this.text += line + '\n';
    this.bytes += lineBytes;
  }

  /**
   * Adds two lines that must land in the same payload, in this order (a StatsD `x:0|g` that
   * resets a gauge before `x:-5|g` sets it: apart, a lost datagram would turn the value into a
   * delta). Packed, and reported as oversize, as one unit. `bytes` as for `line`, for both lines
   * and the `\n` between them.
   */
  linePair(first: string, second: string, bytes?: number): void {
    this.line(first + '\n' + second, bytes);
  }

  /** Appends raw text that must stay at the very end of the last payload (e.g. `# EOF\n`). */
  trailer(text: string): void {
    if (this.maxBytes !== Infinity && this.bytes + Buffer.byteLength(text) > this.maxBytes && this.bytes > 0) {
      this.closePayload();
    }
    this.text += text;
    this.bytes += Buffer.byteLength(text);
  }

  /** Returns the payloads; the writer must not be used afterwards. */
  finish(): Uint8Array[] {
    if (this.maxBytes === Infinity) {
      this.flushChunk();
      if (this.chunks.length > 0) {
        this.payloads.push(this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks));
      }
    } else if (this.bytes > 0) {
      this.closePayload();
    }
    return this.payloads;
  }

  private flushChunk(): void {
    if (this.text.length === 0) return;
    this.chunks.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
  }

  private closePayload(): void {
    this.payloads.push(Buffer.from(this.text, 'utf8'));
    this.text = '';
    this.bytes = 0;
    this.headerWritten = false;
  }
}
