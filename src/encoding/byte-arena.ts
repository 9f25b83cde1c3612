// The cached line heads of an encoder (a StatsD `name:` per unlabelled family), stored back to
// back in one buffer, with each record holding its head's offsets instead of a Buffer of its own.
//
// Why: a batch push of 10k one-series families copies 10k heads, and that copy is bound by
// memory, not by instructions. A Buffer per head is one more object to load (a likely cache miss)
// before its bytes, which sit wherever the Buffer pool put them. In one arena the heads follow
// each other in the order the families are encoded, so the copy streams through memory.
// Measured, StatsD batch of 10k gauges to UDP: 3.8× → 4.4–4.8× hot-shots.
//
// Heads are only appended. Records of families that went away (or whose head changed) leave
// their bytes behind, so once the arena holds more than twice what a push used, the next push
// starts a new one: `generation` changes and records re-append their heads, in encode order.

/** A DataView on the same memory, for copying four bytes at a time (PayloadWriter.addNumberLine). */
export interface ByteSource {
  readonly bytes: Uint8Array;
  readonly view: DataView;
}

const INITIAL_BYTES = 4096;
/** Below this an arena is never renewed: the waste is not worth a re-append. */
const RENEW_MIN_BYTES = 64 * 1024;

export class ByteArena implements ByteSource {
  bytes: Buffer = Buffer.allocUnsafe(INITIAL_BYTES);
  view: DataView = viewOf(this.bytes);
  /** Bytes in use, from 0. */
  used = 0;
  /** Changes when the arena starts over: offsets taken before are then invalid. */
  generation = 0;
  /** Bytes of heads read since the last `endPush`. */
  private read = 0;

  /** Appends the UTF-8 bytes of `text`; returns where they start (they end at `used`). */
  add(text: string): number {
    const length = Buffer.byteLength(text);
    if (this.used + length > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.bytes.length, this.used + length));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
      this.view = viewOf(grown);
    }
    const start = this.used;
    this.used += this.bytes.write(text, start);
    return start;
  }

  /** Counts a head read by a push (what `endPush` compares the arena's size with). */
  note(bytes: number): void {
    this.read += bytes;
  }

  /** At the end of a push: starts over when most of the arena is heads no push reads any more. */
  endPush(): void {
    const read = this.read;
    this.read = 0;
    if (this.used <= RENEW_MIN_BYTES || this.used <= 2 * read) return;
    this.bytes = Buffer.allocUnsafe(Math.max(INITIAL_BYTES, 2 * read));
    this.view = viewOf(this.bytes);
    this.used = 0;
    this.generation++;
  }
}

function viewOf(bytes: Buffer): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
}
