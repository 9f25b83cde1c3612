// The sample lines of the two Prometheus text formats (0.0.4 and OpenMetrics 1.0), which differ
// only in their metadata lines, number rendering, `_created` and one histogram rule: each
// encoder describes those in a TextFormat, and this writes everything else.
//
// Lines go to the writer as cached pieces (label-text.ts): a counter line is its cached
// `x_total{...} ` piece and the value, a bucket line the series' `x_bucket{...,` piece, the cached
// `le="0.5"} ` suffix and the count. Each histogram or summary series is one writer unit, so a
// payload boundary never falls inside it when it fits in one payload.

import type {
  CounterFamily,
  GaugeFamily,
  HistogramFamily,
  InfoFamily,
  MetricFamily,
  Snapshot,
  StateSetFamily,
  SummaryFamily,
} from '../model/snapshot.js';
import { escapeLabelValue } from './escape.js';
import type { Encoder, EncoderOptions } from './encoder.js';
import { PayloadWriter } from './framing.js';
import { OutputBuffers } from './output-buffers.js';
import { LabelTextCache, OPEN, OPEN_CLOSED, SAMPLE, SAMPLE_CLOSED, SuffixCache } from './label-text.js';
import type { Render, SeriesTexts } from './label-text.js';
import { formatLe, formatQuantile } from './number.js';
import { SAMPLE_HEAD, SeriesHeads } from './series-heads.js';
import { MAX_DECIMAL_BYTES, writeDecimal } from './short-decimal.js';

export interface TextFormat {
  /** Metadata lines of a family, each ending in `\n`. */
  header(family: MetricFamily): string;
  /** A float-typed value: counter and gauge values, `_sum`, quantile values, `_created`. */
  value(value: number): string;
  /** An integer-typed value: bucket counts and `_count`. */
  integer(value: number): string;
  /** `value(v)` then `\n`, for the values that have it cached (number.ts), else undefined. */
  valueLine(value: number): string | undefined;
  /** `integer(v)` then `\n`, likewise. */
  integerLine(value: number): string | undefined;
  /**
   * For a finite `v`: the bytes that follow `formatDecimal(v)` to make `value(v)` and its `\n`
   * (`\n`, or `.0\n` after an OpenMetrics integral float): a line written as bytes (series-heads.ts).
   */
  lineEnd(value: number): Uint8Array;
  /** Whether to write `_created` after counters, histograms and summaries. */
  readonly created: boolean;
  /** Whether a histogram with a negative bucket bound keeps its `_sum` and `_count` (0.0.4 does). */
  readonly sumWithNegativeBounds: boolean;
}

const INF_BUCKET = 'le="+Inf"} ';
const NL = '\n';
const LE: readonly string[] = ['le'];
/**
 * A family with this many series gets its lines written as bytes (series-heads.ts), and keeps
 * that record while it lasts (see LabelTextCache.oneSample). Below, a family costs more to set up
 * as bytes (record, header bytes, a chunk of its own) than its lines save: measured on 1000
 * families of 10 gauges, bytes took 1.4× the time of strings; on one of 10k, 0.7×.
 */
export const BYTE_LINES_MIN_SERIES = 64;
/** The most a line written as bytes adds after its head: a value's digits and `.0\n`. */
const LINE_ROOM = MAX_DECIMAL_BYTES + 3;
const QUANTILE: readonly string[] = ['quantile'];

/**
 * An encoder of snapshots in `format`. `endEach` ends every payload (OpenMetrics `# EOF`), except
 * for a slice that is not the last of its push.
 */
export function textEncoder(contentType: string, format: TextFormat, options: EncoderOptions, endEach = ''): Encoder {
  const maxPayloadBytes = options.maxPayloadBytes ?? Infinity;
  const onOversize = options.onOversize;
  const exposition = new TextExposition(format);
  const buffers = new OutputBuffers();
  let sizeHint = 0;
  return {
    contentType,
    // Unbounded: slices concatenate into the one body. Bounded: no slicing, since a payload of a
    // slice that is not the last has no `# EOF` and could not stand on its own.
    ...(maxPayloadBytes === Infinity && { sliceFraming: 'body' as const }),
    encode(snapshot: Snapshot): Uint8Array[] {
      const end = snapshot.last === false ? '' : endEach;
      const writer = new PayloadWriter(maxPayloadBytes, onOversize, { endEach: end, sizeHint, buffers });
      exposition.write(writer, snapshot);
      const payloads = writer.finish();
      sizeHint = writer.size;
      return payloads;
    },
    recycle: buffers.recycle,
  };
}

/**
 * Writes the families of snapshots in one format. Keeps the label-text cache, so one instance
 * serves one encoder for its whole life.
 */
class TextExposition {
  private readonly labels = new LabelTextCache();
  private readonly leSuffixes = new SuffixCache(formatLe);
  private readonly quantileSuffixes = new SuffixCache(formatQuantile);
  private readonly stateSuffixes = new SuffixCache(escapeLabelValue);

  constructor(private readonly format: TextFormat) {}

  write(w: PayloadWriter, snapshot: Snapshot): void {
    this.labels.useDefaults(snapshot.defaultLabelNames, snapshot.defaultLabelValues);
    for (const family of snapshot.families) {
      // A family without series writes nothing, not even its metadata.
      if (family.series.length > 0) this.writeFamily(w, family);
    }
    this.labels.endEncode(snapshot.last !== false);
  }

  private writeFamily(w: PayloadWriter, family: MetricFamily): void {
    switch (family.type) {
      case 'counter':
        return this.writeCounter(w, family);
      case 'gauge':
        return this.writeOneSample(w, family, this.labels.sampleName(family.name, ''));
      case 'histogram':
      case 'summary':
        return this.writeDistribution(w, family);
      case 'info':
        return this.writeInfo(w, family);
      case 'stateset':
        return this.writeStateSet(w, family);
      default:
        // A family type added to the model without a case here: skip it rather than throw.
        return;
    }
  }

  /** The family's record, after starting its writer group (no metadata for a `continued` family). */
  private open<T>(
    w: PayloadWriter,
    family: MetricFamily,
    name: string,
    render: Render<T>,
    reserved?: readonly string[],
  ): SeriesTexts<T> {
    const t = this.labels.texts(family, this.labels.defaultsFor(family.labelNames, reserved), name, render);
    w.beginGroup(family.continued === true ? '' : (t.header ??= this.format.header(family)));
    return t;
  }

  private writeCounter(w: PayloadWriter, family: CounterFamily): void {
    const name = this.labels.sampleName(family.name, '_total');
    if (this.format.created) this.writeCounterCreated(w, family, name);
    else this.writeOneSample(w, family, name);
  }

  private writeCounterCreated(w: PayloadWriter, family: CounterFamily, name: string): void {
    const t = this.open(w, family, name, SAMPLE_CLOSED);
    const createdName = this.labels.sampleName(family.name, '_created');
    const series = family.series;
    const base = t.begin(family);
    for (let i = 0; i < series.length; i++) {
      const s = series[i]!;
      const p = t.at(base + i, series, i);
      this.value(w, p.first, '', s.value, t.ascii);
      if (hasCreated(s.created)) this.value(w, createdName, p.closed, s.created, t.ascii);
    }
  }

  /** A family of one-sample series (counter, gauge): the hottest loop, so it does nothing else. */
  private writeOneSample(w: PayloadWriter, family: CounterFamily | GaugeFamily, name: string): void {
    const labels = this.labels;
    const bytes = family.series.length >= BYTE_LINES_MIN_SERIES;
    const defaults = labels.defaultsFor(family.labelNames);
    const t = labels.oneSample(family, defaults, name, SeriesHeads, SAMPLE_HEAD, bytes);
    if (t instanceof SeriesHeads) return this.writeOneSampleBytes(w, family, t);
    w.beginGroup(family.continued === true ? '' : (t.header ??= this.format.header(family)));
    const series = family.series;
    const base = t.begin(family);
    for (let i = 0; i < series.length; i++) {
      const s = series[i]!;
      const k = base + i;
      const sample = t.keys[k] === s.labelValues ? t.values[k]! : t.at(k, series, i);
      this.value(w, sample, '', s.value, t.ascii);
    }
  }

  /** `writeOneSample` as bytes: each line is its head's bytes, the value's digits and the line end. */
  private writeOneSampleBytes(w: PayloadWriter, family: CounterFamily | GaugeFamily, t: SeriesHeads): void {
    if (family.continued === true) w.beginGroup('');
    else {
      const header = (t.header ??= this.format.header(family));
      w.beginGroup(header, (t.headerBytes ??= Buffer.from(header)));
    }
    t.startFamily(family.continued === true);
    const format = this.format;
    const series = family.series;
    const base = t.begin(family);
    let read = 0;
    // Unbounded (one payload): the lines go straight into the writer's buffer; anything else
    // (a bounded writer, a NaN or ±Inf, the end of the buffer) goes through the writer.
    const run = w.beginRun();
    let buf = w.runBuffer;
    let off = w.runOffset;
    for (let i = 0; i < series.length; i++) {
      const s = series[i]!;
      const k = base + i;
      const head = t.keys[k] === s.labelValues ? t.values[k]! : t.at(k, series, i);
      const v = s.value;
      const length = head.length;
      read += length;
      if (run && v > -Infinity && v < Infinity && buf.length - off >= length + LINE_ROOM) {
        buf.set(head, off);
        off = writeDecimal(buf, off + length, v);
        const tail = format.lineEnd(v);
        for (let j = 0; j < tail.length; j++) buf[off++] = tail[j]!;
        continue;
      }
      w.endRun(off);
      if (v > -Infinity && v < Infinity) w.addBytesLine(head, v, format.lineEnd(v));
      else this.value(w, SeriesHeads.text(head), '', v, t.ascii); // NaN, ±Inf: spelled by the format
      if (run) w.beginRun();
      buf = w.runBuffer;
      off = w.runOffset;
    }
    w.endRun(off);
    t.read(read);
  }

  /**
   * A histogram (buckets, `+Inf`, `_sum`, `_count`) or a summary (quantiles, `_sum`, `_count`),
   * then `_created`: each series one writer unit.
   */
  private writeDistribution(w: PayloadWriter, family: HistogramFamily | SummaryFamily): void {
    const { format, labels } = this;
    const { name } = family;
    const histogram = family.type === 'histogram';
    const t = histogram
      ? this.open(w, family, labels.sampleName(name, '_bucket'), OPEN_CLOSED, LE)
      : this.open(w, family, labels.sampleName(name, ''), OPEN_CLOSED, QUANTILE);
    const sum = labels.sampleName(name, '_sum');
    const countName = labels.sampleName(name, '_count');
    const createdName = labels.sampleName(name, '_created');
    // Bounds are ascending, so the first one tells whether any is negative (OpenMetrics then has
    // no `_sum`, and therefore no `_count`).
    const withSum = !histogram || format.sumWithNegativeBounds || !((family.upperBounds[0] ?? 0) < 0);
    const suffixes = histogram
      ? this.leSuffixes.get('le', family.upperBounds)
      : this.quantileSuffixes.get('quantile', family.quantiles);
    const labelled = suffixes.texts;
    const series = family.series;
    const base = t.begin(family);
    for (let i = 0; i < series.length; i++) {
      const s = series[i]!;
      const k = base + i;
      const { first: open, closed } = t.keys[k] === s.labelValues ? t.values[k]! : t.at(k, series, i);
      const ascii = t.ascii && suffixes.ascii;
      const count = s.count;
      w.beginUnit();
      if ('bucketCounts' in s) {
        const counts = s.bucketCounts;
        for (let j = 0; j < labelled.length; j++) this.integer(w, open, labelled[j]!, counts[j] ?? 0, ascii);
        // The +Inf bucket is `count` itself, so the two can never disagree.
        this.integer(w, open, INF_BUCKET, count, ascii);
      } else {
        // NaN when the window is empty: the spec's value for "no events".
        const values = s.quantileValues;
        for (let j = 0; j < labelled.length; j++) this.value(w, open, labelled[j]!, values[j] ?? NaN, ascii);
      }
      if (withSum) {
        this.value(w, sum, closed, s.sum, ascii);
        this.integer(w, countName, closed, count, ascii);
      }
      if (format.created && hasCreated(s.created)) this.value(w, createdName, closed, s.created, ascii);
      w.endUnit();
    }
  }

  /** Adds the line `a + b + value(v)`: a small integer comes with its `\n` as one cached piece. */
  private value(w: PayloadWriter, a: string, b: string, v: number, ascii: boolean): void {
    const line = this.format.valueLine(v);
    if (line !== undefined) w.add(a, b, line, '', '', ascii);
    else w.add(a, b, this.format.value(v), NL, '', ascii);
  }

  /** Adds the line `a + b + integer(v)`, likewise. */
  private integer(w: PayloadWriter, a: string, b: string, v: number, ascii: boolean): void {
    const line = this.format.integerLine(v);
    if (line !== undefined) w.add(a, b, line, '', '', ascii);
    else w.add(a, b, this.format.integer(v), NL, '', ascii);
  }

  private writeInfo(w: PayloadWriter, family: InfoFamily): void {
    const labels = this.labels;
    const name = labels.sampleName(family.name, '_info');
    // The defaults differ per series here (info labels override them): the record holds no text.
    const t = labels.texts(family, '', name, SAMPLE);
    w.beginGroup(family.continued === true ? '' : (t.header ??= this.format.header(family)));
    for (const s of family.series) {
      w.add(name, labels.info(family.labelNames, s.labelValues, s.infoNames, s.infoValues), ' 1\n', '', '', false);
    }
  }

  private writeStateSet(w: PayloadWriter, family: StateSetFamily): void {
    const name = this.labels.sampleName(family.name, '');
    const t = this.open(w, family, name, OPEN, [name]);
    const suffixes = this.stateSuffixes.get(name, family.states);
    const states = suffixes.texts;
    const series = family.series;
    const base = t.begin(family);
    for (let i = 0; i < series.length; i++) {
      const s = series[i]!;
      const k = base + i;
      const open = t.keys[k] === s.labelValues ? t.values[k]! : t.at(k, series, i);
      const ascii = t.ascii && suffixes.ascii;
      for (let j = 0; j < states.length; j++)
        w.add(open, states[j]!, j === s.stateIndex ? '1\n' : '0\n', '', '', ascii);
    }
  }
}

/** A creation time worth writing: known (a positive number of seconds). */
function hasCreated(seconds: number): boolean {
  return seconds > 0 && Number.isFinite(seconds);
}
