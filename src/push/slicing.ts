// Sliced pushes: a large registry is collected and encoded a slice at a time, each slice in its
// own event-loop turn, so a push of 100k series never blocks the application for the whole
// collect + encode (prom-client's push of 100k series is one ~250 ms synchronous stretch).
//
// A slice holds families, or pieces of a family, worth a budget of samples (text lines: a
// histogram series weighs its buckets + 3). The budget adapts, and is kept from push to push:
// the very first slice is 4096 samples, each later one is sized from the time the previous one
// took so that it lasts about `sliceTargetMs` (4 ms), at most 4× the previous and
// `maxSamplesPerSlice`. So a slice stays short when encoding is slow (the first push of a series
// renders and caches its label text, 5× the later cost) and grows when it is fast, where a slice
// boundary only costs: from its second push on, a registry of 10k counters (~1.5 ms) goes in one
// slice, exactly as without slicing, and one of 100k in about eight. The slice contract
// (src/model/snapshot.ts) lets encoders write them as parts of one body: a piece that continues a
// family begun in an earlier slice is marked `continued` (no HELP/TYPE again), and every slice
// but the last has `last: false` (no `# EOF` yet).
//
// How the payloads of the slices make up a push depends on the format, which only the encoder
// (or the preset wiring it) knows; it is declared, never guessed, because both wrong guesses
// break a push (a Pushgateway PUT per slice keeps only the last slice; datagrams glued together
// exceed the MTU):
//   'body'      the payloads of all slices, in order, are ONE request body (Prometheus text,
//               OpenMetrics, Influx line over HTTP): slices are marked continued/last;
//   'messages'  every payload stands on its own (StatsD, Influx over UDP, remote-write
//               requests): slices are plain snapshots, sent as they are encoded.
import type { SliceFraming } from '../encoding/encoder.js';
import type { CollectOptions, MetricFamily, Snapshot } from '../model/snapshot.js';
import type { MetricParts } from '../metrics/metric.js';
import type { MetricPartsSource, RegistryParts } from '../registry.js';
import type { Transport } from '../transport/transport.js';
import type { SendOptions, SendResult } from '../transport/transport.js';

export type { SliceFraming };

export interface SlicingOptions {
  /**
   * How the payloads compose; default: the encoder's `sliceFraming`. Without either, pushes are
   * not sliced.
   */
  readonly framing?: SliceFraming;
  /** Time one slice (collect + encode) should take; default 4 ms. */
  readonly sliceTargetMs?: number;
  /**
   * Most samples (text lines) in one slice, default 1 048 576. The pusher's very first slice
   * holds at most 4096, later ones are sized from measured times; a registry that fits in one
   * slice is pushed exactly as without slicing.
   */
  readonly maxSamplesPerSlice?: number;
}

export const DEFAULT_SLICE_TARGET_MS = 4;
export const DEFAULT_MAX_SAMPLES_PER_SLICE = 1 << 20;
/** The first slice's budget, before anything was measured. */
export const FIRST_SLICE_SAMPLES = 4096;
const MIN_SLICE_SAMPLES = 256;
/** A slice is at most this many times the previous one. */
const MAX_SLICE_GROWTH = 4;
/** Weight of a new measurement that is FASTER than the estimate (a slower one replaces it). */
const SPEED_UP_WEIGHT = 0.3;

/**
 * The sample budget of the next slice, from the time per sample measured so far: quick to
 * shrink (a slow slice, hit by a GC pause or by series encoded for the first time, counts in
 * full), slow to grow (a fast one moves the estimate by 30 %, and a slice is at most 4× the
 * previous one). Durations come from the pusher's clock: under `FakeClock` no time passes while
 * encoding, so slices grow to `max` (tests choose their slicing with `maxSamplesPerSlice`).
 */
export class SliceBudget {
  private current: number;
  /** Estimated milliseconds per sample; undefined until the first measurement. */
  private cost: number | undefined = undefined;

  constructor(
    private readonly max: number,
    private readonly targetMs: number,
  ) {
    this.current = Math.min(FIRST_SLICE_SAMPLES, max);
  }

  get samples(): number {
    return this.current;
  }

  /** A slice of `samples` samples took `elapsedMs`. */
  update(samples: number, elapsedMs: number): void {
    if (!(samples > 0) || !(elapsedMs >= 0)) return;
    const measured = elapsedMs / samples;
    const cost = this.cost;
    this.cost =
      cost === undefined || measured > cost ? measured : cost * (1 - SPEED_UP_WEIGHT) + measured * SPEED_UP_WEIGHT;
    const fit = this.cost > 0 ? this.targetMs / this.cost : Infinity;
    const next = Math.min(fit, this.current * MAX_SLICE_GROWTH, this.max);
    this.current = Math.floor(Math.max(next, Math.min(MIN_SLICE_SAMPLES, this.max)));
  }
}

/** Anything whose collection can be split: a `Registry`. */
export interface PartsSource {
  collectParts(): RegistryParts;
}

/** Samples (lines of text formats) that one series of this family writes. */
export function samplesPerSeries(family: MetricFamily): number {
  switch (family.type) {
    case 'histogram':
      return family.upperBounds.length + 3;
    case 'summary':
      return family.quantiles.length + 2;
    case 'stateset':
      return Math.max(1, family.states.length);
    default:
      return 1;
  }
}

/** Produces the slices of one push, one per `next()`; each call does a bounded amount of work. */
export class SliceCursor {
  private index = 0;
  private parts: MetricParts | undefined = undefined;
  private position = 0;
  private weight = 1;
  /** Samples in the slice `next()` returned last. */
  samples = 0;

  /**
   * @param metrics what to collect, in order (a registry's parts, or a snapshot's families)
   * @param mark set `continued` and `last` (for 'body' framing); off, every slice is a plain snapshot
   */
  constructor(
    private readonly metrics: readonly MetricPartsSource[],
    private readonly header: Omit<Snapshot, 'families' | 'last'>,
    private readonly mark: boolean,
    private readonly options?: CollectOptions,
  ) {}

  /** Slices of a registry, collected as they are produced. */
  static ofParts(parts: RegistryParts, mark: boolean): SliceCursor {
    return new SliceCursor(parts.metrics, headerOf(parts), mark, parts.options);
  }

  /** Slices of a snapshot already collected. */
  static ofSnapshot(snapshot: Snapshot, mark: boolean): SliceCursor {
    return new SliceCursor(snapshot.families.map(familyParts), headerOf(snapshot), mark);
  }

  get done(): boolean {
    return this.index >= this.metrics.length;
  }

  /**
   * The next slice: families (or pieces) worth about `budget` samples, at least one series. Its
   * `last` is false while more follows (when marking); call only while `!done`, except once on
   * an empty source, which yields one empty slice.
   */
  next(budget: number): Snapshot {
    const families: MetricFamily[] = [];
    let used = 0;
    while (this.index < this.metrics.length) {
      let parts = this.parts;
      if (parts === undefined) {
        parts = this.metrics[this.index]!.collectParts(this.options);
        this.parts = parts;
        this.position = 0;
        this.weight = parts.size > 0 ? samplesPerSeries(parts.collect(0, 0)) : 1;
      }
      const left = parts.size - this.position;
      if (left === 0) {
        // A metric without series: its (empty) family, as collect() reports it.
        families.push(parts.collect(0, 0));
        used += 1;
        this.advance();
        if (used >= budget) break;
        continue;
      }
      // One sample's worth for the family's header lines; a series heavier than the whole budget
      // still goes, alone.
      let room = Math.floor((budget - used - 1) / this.weight);
      if (room <= 0) {
        if (families.length > 0) break;
        room = 1;
      }
      const take = Math.min(room, left);
      const from = this.position;
      const piece = parts.collect(from, from + take);
      families.push(from > 0 && this.mark ? { ...piece, continued: true } : piece);
      used += 1 + take * this.weight;
      this.position = from + take;
      if (this.position === parts.size) this.advance();
      if (used >= budget) break;
    }
    this.samples = used;
    const slice: Snapshot = { families, ...this.header };
    return this.mark && !this.done ? { ...slice, last: false } : slice;
  }

  private advance(): void {
    this.index++;
    this.parts = undefined;
  }
}

function headerOf(source: Omit<Snapshot, 'families'>): Omit<Snapshot, 'families' | 'last'> {
  return {
    defaultLabelNames: source.defaultLabelNames,
    defaultLabelValues: source.defaultLabelValues,
    timestampMs: source.timestampMs,
  };
}

function familyParts(family: MetricFamily): { collectParts(): MetricParts } {
  const series = family.series as readonly unknown[];
  const parts: MetricParts = {
    size: series.length,
    collect: (from, to) =>
      from === 0 && to >= series.length ? family : ({ ...family, series: series.slice(from, to) } as MetricFamily),
  };
  return { collectParts: () => parts };
}

/**
 * Puts marked slices back together into the snapshot `collect()` would have returned (for hooks
 * that need the whole push at once). A single slice is returned as it is.
 */
export function mergeSlices(slices: readonly Snapshot[]): Snapshot {
  const [first] = slices;
  if (first === undefined) throw new RangeError('mergeSlices: no slice');
  if (slices.length === 1) return first;
  const families: MetricFamily[] = [];
  const pieces: (readonly unknown[])[][] = [];
  for (const slice of slices) {
    for (const family of slice.families) {
      if (family.continued === true && families.length > 0) {
        pieces[pieces.length - 1]!.push(family.series);
      } else {
        families.push(family);
        pieces.push([family.series]);
      }
    }
  }
  for (let i = 0; i < families.length; i++) {
    const parts = pieces[i]!;
    if (parts.length > 1) families[i] = { ...families[i]!, series: ([] as unknown[]).concat(...parts) } as MetricFamily;
  }
  return { families, ...headerOf(first) };
}

/** Resolves in the next event-loop turn (after pending I/O callbacks and earlier setImmediates). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A request body sent while it is still being produced: chunks are appended as slices are
 * encoded. Every iteration starts again from the first chunk (so a retry sends the same bytes)
 * and waits for the chunks still to come; after `fail()` every iteration throws, so a transport
 * abandons the request instead of ending a truncated body.
 */
export class StreamedBody implements AsyncIterable<Uint8Array> {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private failed = false;
  private failure: unknown = undefined;
  private waiters: (() => void)[] = [];
  private total = 0;

  get byteLength(): number {
    return this.total;
  }

  push(chunk: Uint8Array): void {
    if (this.ended || this.failed) return;
    this.chunks.push(chunk);
    this.total += chunk.byteLength;
    this.wake();
  }

  end(): void {
    this.ended = true;
    this.wake();
  }

  fail(reason: unknown): void {
    if (this.ended) return;
    this.failed = true;
    this.failure = reason;
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    for (let i = 0; ; i++) {
      while (i >= this.chunks.length || this.failed) {
        if (this.failed) throw this.failure;
        if (this.ended) return;
        await new Promise<void>((resolve) => this.waiters.push(resolve));
      }
      yield this.chunks[i]!;
    }
  }

  private wake(): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** A transport that also takes a body as chunks (`httpTransport`): see `HttpBody`. */
export interface ChunkedBodyTransport extends Transport {
  readonly chunkedBody: true;
  send(payload: Uint8Array | AsyncIterable<Uint8Array>, options?: SendOptions): Promise<SendResult>;
}

export function acceptsChunkedBody(transport: Transport): transport is ChunkedBodyTransport {
  return (transport as Partial<ChunkedBodyTransport>).chunkedBody === true;
}

/** One Uint8Array of the chunks (no copy for a single chunk). */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  return Buffer.concat(chunks);
}
