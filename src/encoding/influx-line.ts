// InfluxDB line protocol, in two flavours:
//
// `victoriametrics` (default): every sample becomes `<tags> <sample name>=<value>` with an EMPTY
// measurement, e.g. `,host=a x_total=3`, or ` x_total=3` without tags (the line then starts with
// the space that ends the empty measurement). VictoriaMetrics names a metric
// `{measurement}_{field}` but takes the field key alone when the measurement is empty (parser.go:
// "Allow empty r.Measurement"), so the Prometheus name arrives unchanged, with no restriction on
// underscores (the seed split names at the last `_` and refused names without one). Checked on
// VictoriaMetrics 1.79.5 over HTTP: ` t1_total=3` → `t1_total`, `,host=a t2_total=4` →
// `t2_total{host="a"}`. Non-finite values are written `inf`, `-inf`, `nan`, which VM accepts
// (it stores ±Inf; a NaN sample is accepted but does not show in exports, as with its text import).
//
// `influxdb`: InfluxDB 1.x/2.x and Telegraf reject an empty measurement, NaN and Inf. A sample
// name is split at its LAST `_` into measurement and field (`x_total` → `x total=`, `x_bucket` →
// `x bucket=`), as the seed did, or, with the `measurement` option, the measurement is fixed and
// the field is the whole sample name. A name without `_` (or with nothing on one side of the last
// `_`, like `_x` or `x_`) becomes the measurement with a field called `value`. The split is by
// name only, so a summary `rpc_seconds` puts its quantiles in `rpc seconds=` but its sum in
// `rpc_seconds sum=` (the seed's behaviour; use `measurement` for one measurement per registry).
// Samples whose value is NaN or ±Inf are skipped and counted (`onSkip`).
//
// Both flavours:
//  - one sample per line, one field per line, one `le`/`quantile`/state tag per line as in
//    samples.ts; tags in a fixed order, not sorted (sorting is a per-line cost neither server
//    needs): the family's labels, then the registry defaults, then the sample's own label;
//  - a tag with an empty value is omitted (line protocol forbids it; VM drops it anyway, and for
//    Prometheus an empty label is an absent one);
//  - no timestamp by default (the server stamps the write); `timestamp: true` adds the snapshot's
//    time at `precision`, built from whole milliseconds (an HTTP transport then sends
//    `?precision=` + `precisionParam`, which VM 1.79.5 and InfluxDB 1.6.7 both read right);
//  - never a trailing space (VM rejects such a line with "cannot parse timestamp");
//  - with `maxPayloadBytes`, the lines of one histogram or summary series share a payload
//    whenever they fit in one (PayloadWriter units).
//
// Escaping (PROTOCOLS §2.1). Measurement: space and comma (and `=` in the VM flavour, where it is
// harmless); tag keys, tag values and field keys: space, comma and `=`, each as `\<char>`. A
// newline or carriage return becomes the two characters `\n` / `\r` (influxdb-client-js does the
// same): line protocol cannot carry them and some receivers split lines on `\r`; a value that
// already held a backslash and an `n` then reads the same. Tabs, quotes and Unicode pass as they
// are. Backslashes differ by flavour, because the parsers differ (checked on VictoriaMetrics
// 1.79.5 and InfluxDB 1.6.7 with test/golden/influx/*-nasty.lp: every value reads back as stated):
//  - VictoriaMetrics unescapes `\\` to `\` and keeps any other `\x` as is, so every `\` is
//    written `\\`: a value ending in `\` round-trips exactly (`a\` → `a\\` → `a\`), where a
//    single trailing `\` would escape the separator after it and VM would drop the line.
//  - InfluxDB 1.x treats a `\` before a separator as an escape whatever precedes it, and never
//    unescapes `\\`; so backslashes are written as they are (`a\ b` → `a\\ b` → `a\ b` exactly),
//    except a TRAILING `\`, which InfluxDB cannot carry at all ("invalid tag format", even as
//    `\\`): it becomes `_` (as hot-shots does for Telegraf).
// Lone UTF-16 surrogates cannot occur in the output bytes: UTF-8 encoding turns them into U+FFFD.

import type { LabelValues, MetricFamily, Snapshot } from '../model/snapshot.js';
import type { Encoder, EncoderOptions } from './encoder.js';
import { PayloadWriter } from './framing.js';
import { OutputBuffers } from './output-buffers.js';
import type { DefaultLabelSet, SampleSuffix } from './samples.js';
import {
  SAMPLE_SUFFIXES,
  SUFFIX_INFO,
  SampleFamilyRecord,
  SampleLines,
  applicableDefaults,
  extraLabel,
  familyDefaults,
} from './samples.js';
import { FamilyCache, flat, sameStrings } from './series-slots.js';
import { replaceUnits } from './escape.js';
import { formatDecimal } from './short-decimal.js';

export type InfluxFlavor = 'victoriametrics' | 'influxdb';
export type InfluxPrecision = 'ns' | 'us' | 'ms' | 's';

export interface InfluxLineEncoderOptions extends EncoderOptions {
  /** `victoriametrics` (default): exact Prometheus names via an empty measurement; `influxdb`: strict. */
  readonly flavor?: InfluxFlavor;
  /** A fixed measurement; each field is then the full sample name (VM stores `<measurement>_<name>`). */
  readonly measurement?: string;
  /** Append the snapshot's timestamp to every line. Default false: the server stamps the write. */
  readonly timestamp?: boolean;
  /** Unit of the timestamp; default `ns` (line protocol's default; UDP/TCP writes have no parameter). */
  readonly precision?: InfluxPrecision;
  /** Called once per `encode` with the number of samples skipped as NaN/±Inf (influxdb flavour), if any. */
  readonly onSkip?: (count: number) => void;
}

export interface InfluxLineEncoder extends Encoder {
  readonly flavor: InfluxFlavor;
  readonly timestamp: boolean;
  /** The timestamp unit (`/api/v2/write?precision=` takes it as is). */
  readonly precision: InfluxPrecision;
  /**
   * The same unit for a v1-style `/write?precision=` (VictoriaMetrics, InfluxDB 1.x): `us` is
   * spelled `u` there; InfluxDB 1.6 silently reads `precision=us` as nanoseconds (checked).
   */
  readonly precisionParam: string;
}

export const INFLUX_LINE_CONTENT_TYPE = 'text/plain; charset=utf-8';

/**
 * The Influx line protocol encoder. It caches the rendered names and tag text of every family
 * and series it has seen, so keep one instance per registry.
 */
export function influxLineEncoder(options: InfluxLineEncoderOptions = {}): InfluxLineEncoder {
  const flavor = options.flavor ?? 'victoriametrics';
  const timestamp = options.timestamp ?? false;
  const precision = options.precision ?? 'ns';
  const maxPayloadBytes = options.maxPayloadBytes ?? Infinity;
  const onOversize = options.onOversize;
  const onSkip = options.onSkip;
  const strict = flavor === 'influxdb';
  const escapeKey = strict ? escapeInfluxKey : escapeVmKey;
  const escapeMeasurement = strict ? escapeInfluxMeasurement : escapeVmKey;
  const fixedMeasurement = options.measurement === undefined ? undefined : escapeMeasurement(options.measurement);
  const shared: Shared = {
    strict,
    escapeKey,
    tagCache: new WeakMap(),
    extraCache: new WeakMap(),
    families: new FamilyCache(),
    splitName: (sampleName) => splitName(sampleName, fixedMeasurement, strict, escapeKey, escapeMeasurement),
  };
  const buffers = new OutputBuffers();
  let sizeHint = 0;

  return {
    contentType: INFLUX_LINE_CONTENT_TYPE,
    // Lines are independent: slices concatenate into one body, or each payload stands alone.
    sliceFraming: maxPayloadBytes === Infinity ? 'body' : 'messages',
    flavor,
    timestamp,
    precision,
    precisionParam: precision === 'us' ? 'u' : precision,
    encode(snapshot: Snapshot): Uint8Array[] {
      const writer = new PayloadWriter(maxPayloadBytes, onOversize, { sizeHint, buffers });
      // What ends every line: ` <timestamp>\n`, or the `\n` alone.
      const end = timestamp ? flat(' ', formatTimestamp(snapshot.timestampMs, precision), '\n') : '\n';
      const visit = new InfluxVisit(shared, writer, end, snapshot);
      for (const family of snapshot.families) visit.family(family);
      shared.families.endEncode(snapshot.last !== false);
      if (visit.skipped > 0 && onSkip !== undefined) onSkip(visit.skipped);
      const payloads = writer.finish();
      sizeHint = writer.size;
      return payloads;
    },
    recycle: buffers.recycle,
  };
}

/** Measurement (with its escaping) and ` field=` for one sample name. */
interface NameParts {
  readonly measurement: string;
  readonly field: string;
  /** Whether both are all ASCII. */
  readonly ascii: boolean;
}

interface TagEntry {
  names: readonly string[];
  /** The applicable default tags the text was built with (compared by value). */
  readonly defaults: string;
  /** `,k=v,...`: the series' own tags, then the defaults. */
  readonly text: string;
  readonly ascii: boolean;
}

interface Shared {
  readonly strict: boolean;
  readonly escapeKey: (s: string) => string;
  /** Series tags by label values: where a family's slots look on a miss. */
  readonly tagCache: WeakMap<LabelValues, TagEntry>;
  /** `,le=0.005`-style tags by extra index, keyed by the family's (stable) extra-values array. */
  readonly extraCache: WeakMap<readonly string[], ExtraTags>;
  readonly families: FamilyCache<FamilyRecord>;
  readonly splitName: (sampleName: string) => NameParts;
}

/** `,le=0.005`-style tags of a family, by the visitor's extra index. */
interface ExtraTags {
  readonly name: string;
  readonly tags: readonly string[];
  readonly ascii: boolean;
}

const NO_EXTRAS: ExtraTags = { name: '', tags: [], ascii: true };
const NON_ASCII = /[\u0080-\uFFFF]/;

/**
 * The encoder's record of a family (samples.ts): its name parts by sample suffix, its applicable
 * default tags and extra tags, and its series' tags by slot.
 */
class FamilyRecord extends SampleFamilyRecord<TagEntry> {
  /** Name parts by SampleSuffix, built as the family's samples need them. */
  private readonly names: (NameParts | undefined)[] = [];
  /** The tags of a series without labels: the applicable defaults, as `,k=v...`. */
  private readonly bare: TagEntry;
  readonly extras: ExtraTags;

  constructor(
    private readonly shared: Shared,
    private readonly name: string,
    family: MetricFamily,
    defaults: DefaultLabelSet,
  ) {
    super(family, defaults);
    const d = familyDefaults(family, defaults);
    const text = renderTags(d.names, d.values, shared.escapeKey);
    this.bare = { names: [], defaults: text, text, ascii: !NON_ASCII.test(text) };
    const extra = extraLabel(family);
    this.extras = extra === undefined ? NO_EXTRAS : extraTags(shared, extra.name, extra.values);
  }

  /** Measurement and field of the sample name with this suffix. */
  parts(suffix: SampleSuffix): NameParts {
    return (this.names[suffix] ??= this.shared.splitName(this.name + SAMPLE_SUFFIXES[suffix]));
  }

  /** The series' own tags then the family's defaults, from the encoder-wide cache when it has them. */
  tags(labelValues: LabelValues): TagEntry {
    if (labelValues.length === 0) return this.bare;
    const labelNames = this.labelNames;
    const defaults = this.bare.defaults;
    const cache = this.shared.tagCache;
    const entry = cache.get(labelValues);
    if (entry !== undefined && entry.defaults === defaults) {
      if (entry.names === labelNames) return entry;
      if (sameStrings(entry.names, labelNames)) {
        entry.names = labelNames;
        return entry;
      }
    }
    const text = flat(renderTags(labelNames, labelValues, this.shared.escapeKey), defaults);
    const fresh = { names: labelNames, defaults, text, ascii: !NON_ASCII.test(text) };
    cache.set(labelValues, fresh);
    return fresh;
  }
}

function extraTags(shared: Shared, name: string, values: readonly string[]): ExtraTags {
  const cached = shared.extraCache.get(values);
  if (cached !== undefined && cached.name === name) return cached;
  const escape = shared.escapeKey;
  const key = ',' + escape(name) + '=';
  // An empty state name gives an empty tag value: omitted like any other.
  const tags = values.map((value) => (value === '' ? '' : flat(key, escape(value))));
  const fresh = { name, tags, ascii: !tags.some((tag) => NON_ASCII.test(tag)) };
  shared.extraCache.set(values, fresh);
  return fresh;
}

/** One encode. */
class InfluxVisit extends SampleLines<TagEntry, FamilyRecord> {
  constructor(
    private readonly shared: Shared,
    writer: PayloadWriter,
    /** What ends every line: ` <timestamp>\n`, or the `\n` alone. */
    private readonly end: string,
    snapshot: Snapshot,
  ) {
    super(writer, shared.families, snapshot);
  }

  sample(suffix: SampleSuffix, labelValues: LabelValues, extra: number, value: number): void {
    let v: string;
    if (Number.isFinite(value)) v = formatDecimal(value);
    else if (this.shared.strict) {
      this.skipped++;
      return;
    } else v = value !== value ? 'nan' : value > 0 ? 'inf' : '-inf';
    this.seriesOf(labelValues);
    const parts = this.record.parts(suffix);
    const tags = this.tags;
    // Values and timestamps are ASCII: an all-ASCII line's byte length is its length.
    if (extra < 0) {
      this.writer.add(parts.measurement, tags.text, parts.field, v, this.end, parts.ascii && tags.ascii);
      return;
    }
    const extras = this.record.extras;
    const start = parts.measurement === '' ? tags.text : parts.measurement + tags.text;
    const ascii = parts.ascii && tags.ascii && extras.ascii;
    this.writer.add(start, extras.tags[extra] ?? '', parts.field, v, this.end, ascii);
  }

  info(labelValues: LabelValues, infoNames: readonly string[], infoValues: readonly string[]): void {
    const escape = this.shared.escapeKey;
    const labelNames = this.record.labelNames;
    const { defaultLabelNames, defaultLabelValues } = this.defaults;
    const d = applicableDefaults(defaultLabelNames, defaultLabelValues, labelNames, infoNames);
    const tags =
      renderTags(labelNames, labelValues, escape) +
      renderTags(d.names, d.values, escape) +
      renderTags(infoNames, infoValues, escape);
    const parts = this.record.parts(SUFFIX_INFO);
    this.writer.add(parts.measurement, tags, parts.field, '1', this.end, false);
  }

  protected create(family: MetricFamily): FamilyRecord {
    return new FamilyRecord(this.shared, family.name, family, this.defaults);
  }
}

function renderTags(names: readonly string[], values: readonly string[], escape: (s: string) => string): string {
  let text = '';
  for (let i = 0; i < names.length; i++) {
    const value = values[i] ?? '';
    if (value === '') continue;
    text += ',' + escape(names[i]!) + '=' + escape(value);
  }
  return text;
}

function splitName(
  name: string,
  fixedMeasurement: string | undefined,
  strict: boolean,
  escapeKey: (s: string) => string,
  escapeMeasurement: (s: string) => string,
): NameParts {
  let measurement: string;
  let field: string;
  const at = name.lastIndexOf('_');
  if (fixedMeasurement !== undefined || !strict) {
    measurement = fixedMeasurement ?? '';
    field = ' ' + escapeKey(name) + '=';
  } else if (at <= 0 || at === name.length - 1) {
    measurement = escapeMeasurement(name);
    field = ' value=';
  } else {
    measurement = escapeMeasurement(name.slice(0, at));
    field = ' ' + escapeKey(name.slice(at + 1)) + '=';
  }
  return { measurement, field, ascii: !NON_ASCII.test(measurement) && !NON_ASCII.test(name) };
}

/**
 * The snapshot time in `precision` units, as integer digits. Built from whole milliseconds by
 * appending zeros: `ms * 1e6` as a float would lose the last digits of a nanosecond timestamp.
 */
export function formatTimestamp(timestampMs: number, precision: InfluxPrecision): string {
  const ms = Math.floor(timestampMs);
  switch (precision) {
    case 'ns':
      return ms === 0 ? '0' : String(ms) + '000000';
    case 'us':
      return ms === 0 ? '0' : String(ms) + '000';
    case 'ms':
      return String(ms);
    case 's':
      return String(Math.floor(ms / 1000));
  }
}

// --- escaping (see the header comment)

const VM_SPECIAL = /[ ,=\\\n\r]/;
const INFLUX_KEY_SPECIAL = /[ ,=\n\r]|\\$/;
const INFLUX_MEASUREMENT_SPECIAL = /[ ,\n\r]|\\$/;

/** The backslash escape of a separator, newline or carriage return; `backslash`: `\\` too. */
function influxEscape(c: number, equals: boolean, backslash: boolean): string | undefined {
  if (c === 0x20) return '\\ ';
  if (c === 0x2c) return '\\,';
  if (c === 0x3d && equals) return '\\=';
  if (c === 0x5c && backslash) return '\\\\';
  if (c === 0x0a) return '\\n';
  if (c === 0x0d) return '\\r';
  return undefined;
}

/** VictoriaMetrics: measurement, tag key, tag value or field key. */
export function escapeVmKey(s: string): string {
  return VM_SPECIAL.test(s) ? replaceUnits(s, (c) => influxEscape(c, true, true)) : s;
}

/** InfluxDB: tag key, tag value or field key. */
export function escapeInfluxKey(s: string): string {
  return INFLUX_KEY_SPECIAL.test(s) ? escapeInflux(s, true) : s;
}

/** InfluxDB: measurement (`=` needs no escape there). */
export function escapeInfluxMeasurement(s: string): string {
  return INFLUX_MEASUREMENT_SPECIAL.test(s) ? escapeInflux(s, false) : s;
}

function escapeInflux(s: string, equals: boolean): string {
  const out = replaceUnits(s, (c) => influxEscape(c, equals, false));
  // Only an input `\` can end the output (every replacement ends in another character).
  return out.endsWith('\\') ? out.slice(0, -1) + '_' : out;
}
