// Prometheus remote write 1.0: a snappy-compressed (block format) protobuf `prometheus.WriteRequest`
//
//   message WriteRequest { repeated TimeSeries timeseries = 1; }
//   message TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//   message Label        { string name = 1; string value = 2; }
//   message Sample       { double value = 1; int64 timestamp = 2; }   // ms since the epoch
//
// Every sample of samples.ts (the Prometheus text 0.0.4 sample set: `x_total`, `x_bucket{le}`, …)
// becomes one TimeSeries holding one Sample stamped with the snapshot's time. Spec rules
// (remote_write_spec.md "Labels"): `__name__` present; labels sorted by name; no empty names or
// values (an empty value is omitted, as an empty label is an absent one for Prometheus). Registry
// default labels are added unless the family has a label of that name (the family's wins).
//
// Values go as they are. NaN is legal (a summary quantile with no observation in its window);
// JavaScript's NaN is the quiet NaN 0x7ff8000000000000, never the stale marker
// 0x7ff0000000000002, so a NaN sample never marks a series stale. ±Inf are legal too.
//
// What receivers do with it (PROTOCOLS §1, SERVERS §3): Prometheus rejects the WHOLE request
// with 400 if one sample is bad, e.g. older than or equal-with-another-value to the series'
// newest sample (two pushes within the same millisecond with a changed value, or a wall clock
// that stepped back). Large snapshots are therefore cut into several independent requests
// (`maxSeriesPerRequest`): one refused request does not take the others down.
//
// Performance: a series' label entries (tag + length + Label message) are encoded once and
// cached by the identity of its label-values array (stable for the life of a series), so a push
// mostly copies bytes. Lengths are all known before a TimeSeries is written: no backpatching.

import type { LabelValues, MetricFamily, Snapshot } from '../model/snapshot.js';
import { InvalidArgumentError } from '../errors.js';
import { VERSION } from '../version.js';
import type { Encoder } from './encoder.js';
import {
  ProtobufWriter,
  WIRE_FIXED64,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
  tag,
  varintSize,
} from './protobuf-writer.js';
import type { SampleSuffix, SampleVisitor } from './samples.js';
import {
  SAMPLE_SUFFIXES,
  SUFFIX_INFO,
  applicableDefaults,
  extraLabel,
  sampleLabelNames,
  visitSamples,
} from './samples.js';
import { compareNames, concat, labelEntry } from './remote-write-label.js';
import { snappyCompress } from './snappy.js';

export const REMOTE_WRITE_CONTENT_TYPE = 'application/x-protobuf';

/**
 * Headers a remote-write request carries (the spec's "MUST"s). Prometheus 2.42 and
 * VictoriaMetrics 1.79 accept requests without them; other receivers need not.
 */
export const REMOTE_WRITE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Encoding': 'snappy',
  'Content-Type': REMOTE_WRITE_CONTENT_TYPE,
  'X-Prometheus-Remote-Write-Version': '0.1.0',
  'User-Agent': `prometheus-push-client/${VERSION}`,
});

/**
 * Default series per request. A series is ~60–150 bytes of protobuf, so a request stays well
 * under a megabyte before compression, far below receivers' body limits (VictoriaMetrics'
 * `-maxInsertRequestSize` is 32 MB by default), while a 10k-series registry still goes in two requests.
 */
export const DEFAULT_MAX_SERIES_PER_REQUEST = 5000;

export interface RemoteWriteEncoderOptions {
  /**
   * The sample timestamp in ms, read once per `encode`. Default: the snapshot's `timestampMs`
   * (the registry clock at collect time). Fractions are dropped.
   */
  readonly timestampMs?: () => number;
  /** Most TimeSeries in one WriteRequest (one payload); a positive integer, default 5000. */
  readonly maxSeriesPerRequest?: number;
}

export interface RemoteWriteEncoder extends Encoder {
  /** `REMOTE_WRITE_HEADERS`, for the HTTP transport. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The remote-write encoder. Each payload is a complete snappy-compressed WriteRequest of at most
 * `maxSeriesPerRequest` series. It caches the encoded labels of every series it has seen (the
 * cache entry goes with the series), so keep one instance per registry. Throws
 * InvalidArgumentError for a bad option; `encode` never throws.
 */
export function remoteWriteEncoder(options: RemoteWriteEncoderOptions = {}): RemoteWriteEncoder {
  const maxSeries = options.maxSeriesPerRequest ?? DEFAULT_MAX_SERIES_PER_REQUEST;
  if (!Number.isInteger(maxSeries) || maxSeries < 1) {
    throw new InvalidArgumentError(`remoteWriteEncoder: maxSeriesPerRequest must be an integer >= 1, got ${maxSeries}`);
  }
  const timestampMs = options.timestampMs;
  const shared: Shared = { seriesCache: new WeakMap(), nameCache: new Map(), extraCache: new WeakMap() };
  return {
    contentType: REMOTE_WRITE_CONTENT_TYPE,
    sliceFraming: 'messages', // every WriteRequest stands alone
    headers: REMOTE_WRITE_HEADERS,
    encode(snapshot: Snapshot): Uint8Array[] {
      const ts = Math.floor(timestampMs === undefined ? snapshot.timestampMs : timestampMs());
      const visit = new RemoteWriteVisit(shared, snapshot, ts, maxSeries);
      for (const family of snapshot.families) visit.family(family);
      return visit.finish();
    },
  };
}

/**
 * A series' own and default labels, encoded as `labels` fields in sorted order and cut where
 * the per-sample labels (`__name__`, and `le`/`quantile`/the state) go, so a sample is a handful
 * of copies. Valid while the family, its label names and the registry defaults stay the same
 * (all compared by identity: they are stable arrays in a registry's snapshots).
 */
interface SeriesLabels {
  readonly family: string;
  readonly labelNames: readonly string[];
  readonly defaultNames: readonly string[];
  readonly defaultValues: readonly string[];
  /** Before the first per-sample label, between the two, after the second (empty without one). */
  readonly head: Uint8Array;
  readonly middle: Uint8Array;
  readonly tail: Uint8Array;
  readonly length: number;
}

interface Shared {
  readonly seriesCache: WeakMap<LabelValues, SeriesLabels>;
  /** The `__name__` entry by sample suffix, per family name (kept across encodes). */
  readonly nameCache: Map<string, (Uint8Array | undefined)[]>;
  /** Entries of `le`/`quantile`/state labels by extra index, keyed by the family's stable values array. */
  readonly extraCache: WeakMap<
    readonly string[],
    { readonly name: string; readonly entries: readonly (Uint8Array | undefined)[] }
  >;
}

// The bound only guards against a registry that creates and drops families forever.
const NAME_CACHE_LIMIT = 100_000;

const TIMESERIES_FIELD = tag(1, WIRE_LENGTH_DELIMITED); // WriteRequest.timeseries
const SAMPLES_FIELD = tag(2, WIRE_LENGTH_DELIMITED); // TimeSeries.samples
const SAMPLE_VALUE_FIELD = tag(1, WIRE_FIXED64); // Sample.value
const SAMPLE_TIMESTAMP_FIELD = tag(2, WIRE_VARINT); // Sample.timestamp

// Slot codes in a family's label order: own labels are 0..k-1, defaults k.., and these two.
const SLOT_NAME = -1;
const SLOT_EXTRA = -2;

const NO_ENTRIES: readonly (Uint8Array | undefined)[] = [];

/** One encode: the WriteRequest being written, per-family state, and the sample visitor. */
class RemoteWriteVisit implements SampleVisitor {
  private readonly payloads: Uint8Array[] = [];
  private readonly writer = new ProtobufWriter(64 * 1024);
  private seriesInRequest = 0;
  /** `Sample` field tail after the value: timestamp tag + varint, shared by every sample. */
  private readonly timestamp: Uint8Array;
  /** Length of the Sample message (value + timestamp fields). */
  private readonly sampleLength: number;
  /** Length of the `samples` field (tag + length + message). */
  private readonly sampleFieldLength: number;
  /** Encoded snapshot default labels by name, built on first use in this encode. */
  private readonly defaultEntries = new Map<string, Uint8Array | undefined>();

  // Per family:
  private familyName = '';
  private labelNames: readonly string[] = [];
  private names: (Uint8Array | undefined)[] = [];
  private defaults: readonly (Uint8Array | undefined)[] = NO_ENTRIES;
  private extras: readonly (Uint8Array | undefined)[] = NO_ENTRIES;
  /** Label slots sorted by label name: SLOT_NAME, SLOT_EXTRA, own index, labelNames.length + default index. */
  private order: readonly number[] = [];
  /** `__name__` sorts before the extra label (or there is none); false for a state label like `Phase`. */
  private nameFirst = true;
  private lastValues: LabelValues | undefined;
  private lastSeries: SeriesLabels | undefined;

  constructor(
    private readonly shared: Shared,
    private readonly snapshot: Snapshot,
    ts: number,
    private readonly maxSeries: number,
  ) {
    const tsWriter = new ProtobufWriter(16);
    tsWriter.byte(SAMPLE_TIMESTAMP_FIELD);
    tsWriter.varint(ts);
    this.timestamp = tsWriter.finish();
    this.sampleLength = 9 + this.timestamp.length;
    this.sampleFieldLength = 1 + varintSize(this.sampleLength) + this.sampleLength;
  }

  family(family: MetricFamily): void {
    if (family.series.length === 0) return;
    const shared = this.shared;
    let names = shared.nameCache.get(family.name);
    if (names === undefined) {
      if (shared.nameCache.size >= NAME_CACHE_LIMIT) shared.nameCache.clear();
      names = [];
      shared.nameCache.set(family.name, names);
    }
    this.familyName = family.name;
    this.names = names;
    this.labelNames = family.labelNames;

    // Every name that can appear on this family's samples, then their order (label names are
    // ASCII, [a-zA-Z_][a-zA-Z0-9_]*, so UTF-16 order is byte order, as the spec's sort needs).
    const slotNames: string[] = [...family.labelNames];
    const slots: number[] = family.labelNames.map((_, i) => i);
    const snapshot = this.snapshot;
    const d = applicableDefaults(
      snapshot.defaultLabelNames,
      snapshot.defaultLabelValues,
      family.labelNames,
      sampleLabelNames(family),
    );
    const defaults: (Uint8Array | undefined)[] = [];
    for (let i = 0; i < d.names.length; i++) {
      const name = d.names[i]!;
      defaults.push(this.defaultEntry(name, d.values[i] ?? ''));
      slotNames.push(name);
      slots.push(family.labelNames.length + i);
    }
    this.defaults = defaults;
    slotNames.push('__name__');
    slots.push(SLOT_NAME);
    const extra = extraLabel(family);
    if (extra === undefined) this.extras = NO_ENTRIES;
    else {
      slotNames.push(extra.name);
      slots.push(SLOT_EXTRA);
      const cached = shared.extraCache.get(extra.values);
      if (cached !== undefined && cached.name === extra.name) this.extras = cached.entries;
      else {
        const entries = extra.values.map((value) => labelEntry(extra.name, value));
        shared.extraCache.set(extra.values, { name: extra.name, entries });
        this.extras = entries;
      }
    }
    const byName = slots.map((_, i) => i).sort((a, b) => compareNames(slotNames[a]!, slotNames[b]!));
    this.order = byName.map((i) => slots[i]!);
    this.nameFirst = this.order.indexOf(SLOT_NAME) < this.order.indexOf(SLOT_EXTRA) || extra === undefined;
    this.lastValues = undefined;
    visitSamples(family, this);
  }

  sample(suffix: SampleSuffix, labelValues: LabelValues, extra: number, value: number): void {
    let series = this.lastSeries;
    if (labelValues !== this.lastValues || series === undefined) {
      this.lastValues = labelValues;
      series = this.lastSeries = this.seriesLabels(labelValues);
    }
    const name = this.names[suffix] ?? this.nameEntry(suffix);
    const extraEntry = extra < 0 ? undefined : this.extras[extra];
    const first = this.nameFirst ? name : extraEntry;
    const second = this.nameFirst ? extraEntry : name;
    const w = this.beginSeries(series.length + (first?.length ?? 0) + (second?.length ?? 0));
    if (series.head.length > 0) w.raw(series.head);
    if (first !== undefined) w.raw(first);
    if (series.middle.length > 0) w.raw(series.middle);
    if (second !== undefined) w.raw(second);
    if (series.tail.length > 0) w.raw(series.tail);
    this.writeSample(value);
  }

  info(labelValues: LabelValues, infoNames: readonly string[], infoValues: readonly string[]): void {
    // Info series are few and their label names vary per series: sort them here, uncached.
    const pairs: [string, string][] = [['__name__', this.familyName + SAMPLE_SUFFIXES[SUFFIX_INFO]]];
    for (let i = 0; i < this.labelNames.length; i++) pairs.push([this.labelNames[i]!, labelValues[i] ?? '']);
    const d = applicableDefaults(
      this.snapshot.defaultLabelNames,
      this.snapshot.defaultLabelValues,
      this.labelNames,
      infoNames,
    );
    for (let i = 0; i < d.names.length; i++) pairs.push([d.names[i]!, d.values[i] ?? '']);
    for (let i = 0; i < infoNames.length; i++) pairs.push([infoNames[i]!, infoValues[i] ?? '']);
    pairs.sort((a, b) => compareNames(a[0], b[0]));
    const entries: Uint8Array[] = [];
    let labelsLength = 0;
    for (const [name, value] of pairs) {
      const entry = labelEntry(name, value);
      if (entry === undefined) continue;
      entries.push(entry);
      labelsLength += entry.length;
    }
    const w = this.beginSeries(labelsLength);
    for (const entry of entries) w.raw(entry);
    this.writeSample(1);
  }

  /** The payloads: each WriteRequest snappy-compressed. */
  finish(): Uint8Array[] {
    this.flush();
    return this.payloads;
  }

  /** Starts a TimeSeries whose label fields total `labelsLength` bytes; the caller writes them. */
  private beginSeries(labelsLength: number): ProtobufWriter {
    if (this.seriesInRequest >= this.maxSeries) this.flush();
    this.seriesInRequest++;
    const w = this.writer;
    const seriesLength = labelsLength + this.sampleFieldLength;
    w.byte(TIMESERIES_FIELD);
    w.varint(seriesLength);
    return w;
  }

  private writeSample(value: number): void {
    const w = this.writer;
    w.byte(SAMPLES_FIELD);
    w.varint(this.sampleLength);
    w.byte(SAMPLE_VALUE_FIELD);
    w.double(value);
    w.raw(this.timestamp);
  }

  private flush(): void {
    if (this.seriesInRequest === 0) return;
    this.payloads.push(snappyCompress(this.writer.written()));
    this.writer.reset();
    this.seriesInRequest = 0;
  }

  private seriesLabels(labelValues: LabelValues): SeriesLabels {
    const snapshot = this.snapshot;
    const cache = this.shared.seriesCache;
    const cached = cache.get(labelValues);
    if (
      cached !== undefined &&
      cached.labelNames === this.labelNames &&
      cached.defaultNames === snapshot.defaultLabelNames &&
      cached.defaultValues === snapshot.defaultLabelValues &&
      cached.family === this.familyName
    ) {
      return cached;
    }
    const names = this.labelNames;
    const ownCount = names.length;
    const segments: Uint8Array[][] = [[], [], []];
    let segment = 0;
    for (const slot of this.order) {
      if (slot < 0) {
        segment++;
        continue;
      }
      const entry =
        slot < ownCount ? labelEntry(names[slot]!, labelValues[slot] ?? '') : this.defaults[slot - ownCount];
      if (entry !== undefined) segments[segment]!.push(entry);
    }
    const head = concat(segments[0]!);
    const middle = concat(segments[1]!);
    const tail = concat(segments[2]!);
    const series: SeriesLabels = {
      family: this.familyName,
      labelNames: names,
      defaultNames: snapshot.defaultLabelNames,
      defaultValues: snapshot.defaultLabelValues,
      head,
      middle,
      tail,
      length: head.length + middle.length + tail.length,
    };
    cache.set(labelValues, series);
    return series;
  }

  private defaultEntry(name: string, value: string): Uint8Array | undefined {
    let entry = this.defaultEntries.get(name);
    if (entry === undefined && !this.defaultEntries.has(name)) {
      entry = labelEntry(name, value);
      this.defaultEntries.set(name, entry);
    }
    return entry;
  }

  private nameEntry(suffix: SampleSuffix): Uint8Array | undefined {
    const entry = labelEntry('__name__', this.familyName + SAMPLE_SUFFIXES[suffix]);
    this.names[suffix] = entry;
    return entry;
  }
}
