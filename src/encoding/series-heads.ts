// The line heads of a one-sample family (`x_total{a="1",b="2"} `) as UTF-8 bytes, one view per
// series, so a text exposition copies each head with one `Uint8Array.set` and writes the value
// after it as digits (PayloadWriter.addBytesLine): no string is built or encoded for the line.
//
// Why: the string path appends each cached head to a rope, flattens the rope and encodes it to
// UTF-8: three passes over the text, ~1.4 MB of garbage per push of 10k series, and a profile
// of pushes put most of the encode on the first append of each head string. Measured on 10k
// counters (3 labels), same machine, old and new code alternating: the `expo-counter` bench row
// (collect + encode until bytes) 0.75–0.92 → 0.56–0.62 ms; encode alone, both in one process,
// 0.78–0.83 → 0.42–0.78 ms. Families under BYTE_LINES_MIN_SERIES stay strings (text-exposition.ts).
//
// The bytes live in chunks owned by the record: a view keeps its chunk alive, so a record whose
// series come and go would keep more and more half-used chunks. It therefore counts the bytes it
// has appended and, once they are over twice what a whole push of the family reads, copies its
// live heads into one fresh chunk (`compact`).

import type { MetricFamily } from '../model/snapshot.js';
import type { LabelValues } from '../model/snapshot.js';
import { SAMPLE, SeriesTexts } from './label-text.js';
import type { Render } from './label-text.js';

/** The record kind's marker render (and its plain definition): the SAMPLE piece as bytes. */
export const SAMPLE_HEAD: Render<Buffer> = (name, inner) => Buffer.from(SAMPLE(name, inner));

const FIRST_CHUNK_BYTES = 1024;
const MAX_CHUNK_BYTES = 256 * 1024;
/** Below this many appended bytes a record never compacts: the waste is not worth a copy. */
const COMPACT_MIN_BYTES = 16 * 1024;

/** A record of SeriesTexts whose pieces are the SAMPLE heads as bytes (see above). */
export class SeriesHeads extends SeriesTexts<Buffer> {
  private chunk: Buffer = Buffer.alloc(0);
  private chunkUsed = 0;
  /** Bytes of the heads appended since the last compaction (or ever). */
  private appended = 0;
  /** Bytes of heads read by the push in progress, and by the last complete one. */
  private reading = 0;
  private lastRead = 0;

  /** The family's metadata lines as bytes (`header` as the encoder built it). */
  headerBytes: Buffer | undefined = undefined;

  /** `render` is always SAMPLE_HEAD (LabelTextCache.oneSample builds records with this signature). */
  constructor(family: MetricFamily, defaults: string, name: string, render: Render<Buffer> = SAMPLE_HEAD) {
    super(family, defaults, name, render);
  }

  /** Bytes appended to the chunks since the last compaction: what the record holds, live or not. */
  get appendedBytes(): number {
    return this.appended;
  }

  /** The head as text, for the lines the byte path leaves to strings (NaN, ±Inf). */
  static text(head: Buffer): string {
    return head.toString('utf8');
  }

  /**
   * Call before the family's first series in an encode, with whether it continues a family begun
   * in an earlier slice of the same push: closes the count of the previous push and compacts.
   */
  startFamily(continued: boolean): void {
    if (continued) return;
    this.lastRead = this.reading;
    this.reading = 0;
    if (this.appended > COMPACT_MIN_BYTES && this.appended > 2 * this.lastRead) this.compact();
  }

  /** Counts head bytes read by this push (what compaction compares the appended bytes with). */
  read(bytes: number): void {
    this.reading += bytes;
  }

  protected override render(labelValues: LabelValues): Buffer {
    return this.store(Buffer.from(SAMPLE(this.name, this.inner(labelValues))));
  }

  /** Copies `bytes` into the current chunk (a new one when full) and returns the view of the copy. */
  private store(bytes: Uint8Array): Buffer {
    const length = bytes.length;
    if (this.chunkUsed + length > this.chunk.length) {
      const size = Math.max(length, Math.min(MAX_CHUNK_BYTES, Math.max(FIRST_CHUNK_BYTES, 2 * this.chunk.length)));
      // Not from Node's shared pool: a view would keep the whole 8 KiB pool slab alive.
      this.chunk = Buffer.allocUnsafeSlow(size);
      this.chunkUsed = 0;
    }
    const start = this.chunkUsed;
    this.chunk.set(bytes, start);
    this.chunkUsed += length;
    this.appended += length;
    return this.chunk.subarray(start, this.chunkUsed);
  }

  /** Moves every head still cached into one chunk of their exact size, releasing the old chunks. */
  private compact(): void {
    const values = this.values;
    let total = 0;
    for (const head of values) total += head.length;
    this.chunk = Buffer.allocUnsafeSlow(total);
    this.chunkUsed = 0;
    this.appended = 0;
    for (let k = 0; k < values.length; k++) values[k] = this.store(values[k]!);
  }
}
