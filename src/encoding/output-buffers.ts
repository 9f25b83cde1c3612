// The memory an encoder writes its payloads into, reused from one push to the next when the
// caller says it is done with them (Encoder.recycle).
//
// Why: a push of 10k series is one ~800 KB buffer. Allocated fresh every push, it comes from
// malloc as pages the kernel has to map on first touch: 190 minor page faults per encode, which
// took the encode of 10k counters from 0.29 ms to 0.75 ms on this project's machine (faults
// counted with process.resourceUsage()). A pusher pushing every 10 s pays that on every push,
// since the freed buffer has gone back to the OS by then. Reusing the buffer of the previous
// push writes into pages that are already mapped. client_golang pools its exposition buffers
// for the same reason (promhttp's bufPool).
//
// Safety rests on two rules. A buffer is handed out to one writer at a time: it is the spare
// only between `recycle` and the next `take`. And only the caller that got the payloads may
// recycle them, once nothing reads them any more: a pusher does it after its transport has
// settled every send of the push, and only with a transport that declares it keeps nothing
// (Transport.releasesPayload).

/** Buffers smaller than this come from Node's shared pool and are never recycled. */
const RECYCLE_MIN_BYTES = 16 * 1024;
/** A spare more than this many times the size asked for is dropped (a one-off huge push). */
const MAX_SPARE_RATIO = 4;

/** One encoder's output buffers: a fresh one per encode, or the spare one handed back. */
export class OutputBuffers {
  private spare: Buffer | undefined = undefined;
  /** The memory of the buffers this object allocated (never a slab of Node's shared pool). */
  private readonly own = new WeakSet<ArrayBufferLike>();
  /** The payloads handed out (views into `own` memory) and not recycled yet. */
  private readonly lent = new WeakSet<Uint8Array>();

  /** A buffer of at least `size` bytes for a writer; its payloads go out through `lend`. */
  take(size: number): Buffer {
    const spare = this.spare;
    this.spare = undefined;
    if (spare !== undefined && spare.length >= size && spare.length <= MAX_SPARE_RATIO * size) return spare;
    // Small: the shared pool is cheaper than a buffer of its own, and its slab is not ours to reuse.
    if (size < RECYCLE_MIN_BYTES) return Buffer.allocUnsafe(size);
    const fresh = Buffer.allocUnsafeSlow(size);
    this.own.add(fresh.buffer);
    return fresh;
  }

  /** Marks a payload a writer returns (a view into a buffer from `take`) as one `recycle` may take back. */
  lend(payload: Uint8Array): void {
    if (this.own.has(payload.buffer)) this.lent.add(payload);
  }

  /**
   * Takes back the payloads of one encode, ALL of them, which nothing reads any more: the
   * largest buffer under them becomes the spare. Anything not lent by `lend` is ignored: other
   * memory, and a payload handed back a second time (its buffer may be in use again). Bound, so
   * an encoder can hand it out as its own `recycle`.
   */
  readonly recycle = (payloads: readonly Uint8Array[]): void => {
    let largest: ArrayBufferLike | undefined;
    for (const payload of payloads) {
      if (!this.lent.delete(payload)) continue;
      const memory = payload.buffer;
      if (largest === undefined || memory.byteLength > largest.byteLength) largest = memory;
    }
    if (largest !== undefined && (this.spare === undefined || largest.byteLength > this.spare.length)) {
      this.spare = Buffer.from(largest);
    }
  };
}
