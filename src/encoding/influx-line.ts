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
//  - never a trailing space (VM rejects such a line with "cannot parse timestamp").
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
import type { SampleSuffix, SampleVisitor } from './samples.js';
import { formatDecimal } from './short-decimal.js';
import {
  SAMPLE_SUFFIXES,
  SUFFIX_INFO,
  applicableDefaults,
  extraLabel,
  sampleLabelNames,
  visitSamples,
} from './samples.js';

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
 * The Influx line protocol encoder. It caches the rendered tag text of every series it has seen
 * (keyed by the series' label-values array), so keep one instance per registry.
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
    splitName: (sampleName) => splitName(sampleName, fixedMeasurement, strict, escapeKey, escapeMeasurement),
  };

  return {
    contentType: INFLUX_LINE_CONTENT_TYPE,
    flavor,
    timestamp,
    precision,
    precisionParam: precision === 'us' ? 'u' : precision,
    encode(snapshot: Snapshot): Uint8Array[] {
      const writer = new PayloadWriter(maxPayloadBytes, onOversize);
      const ts = timestamp ? ' ' + formatTimestamp(snapshot.timestampMs, precision) : '';
      const visit = new InfluxVisit(shared, writer, ts, snapshot);
      for (const family of snapshot.families) visit.family(family);
      if (visit.skipped > 0 && onSkip !== undefined) onSkip(visit.skipped);
      return writer.finish();
    },
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

/** Name parts by `SampleSuffix`, filled as the family's samples need them (per encode). */
type FamilyNames = (NameParts | undefined)[];

interface Shared {
  readonly strict: boolean;
  readonly escapeKey: (s: string) => string;
  readonly tagCache: WeakMap<LabelValues, TagEntry>;
  /** `,le=0.005`-style tags by extra index, keyed by the family's (stable) extra-values array. */
  readonly extraCache: WeakMap<readonly string[], ExtraTags>;
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

/** One encode: per-family state plus the sample visitor. */
class InfluxVisit implements SampleVisitor {
  skipped = 0;
  private familyName = '';
  private names: FamilyNames = [];
  private labelNames: readonly string[] = [];
  /** Rendered applicable default tags of the current family, as `,k=v...`. */
  private defaults = '';
  private defaultsAscii = true;
  /** `,le=0.005` etc. by extra index, for the current family. */
  private extras: ExtraTags = NO_EXTRAS;
  private lastValues: LabelValues | undefined;
  private lastTags = '';
  private lastAscii = true;

  constructor(
    private readonly shared: Shared,
    private readonly writer: PayloadWriter,
    private readonly ts: string,
    private readonly snapshot: Snapshot,
  ) {}

  family(family: MetricFamily): void {
    if (family.series.length === 0) return;
    const shared = this.shared;
    const escape = shared.escapeKey;
    // Name parts are rebuilt per encode: for the common one-series family, a cache lookup by name
    // costs more than the escape check and the concatenations.
    this.familyName = family.name;
    this.names = [];
    this.labelNames = family.labelNames;
    if (this.snapshot.defaultLabelNames.length === 0) {
      this.defaults = '';
      this.defaultsAscii = true;
    } else {
      const d = applicableDefaults(
        this.snapshot.defaultLabelNames,
        this.snapshot.defaultLabelValues,
        family.labelNames,
        sampleLabelNames(family),
      );
      this.defaults = renderTags(d.names, d.values, escape);
      this.defaultsAscii = !NON_ASCII.test(this.defaults);
    }
    const extra = extraLabel(family);
    if (extra === undefined) this.extras = NO_EXTRAS;
    else {
      const cached = shared.extraCache.get(extra.values);
      if (cached !== undefined && cached.name === extra.name) this.extras = cached;
      else {
        const key = ',' + escape(extra.name) + '=';
        // An empty state name gives an empty tag value: omitted like any other.
        const tags = extra.values.map((value) => (value === '' ? '' : flatten(key + escape(value))));
        const fresh = { name: extra.name, tags, ascii: !tags.some((tag) => NON_ASCII.test(tag)) };
        shared.extraCache.set(extra.values, fresh);
        this.extras = fresh;
      }
    }
    this.lastValues = undefined;
    visitSamples(family, this);
  }

  sample(suffix: SampleSuffix, labelValues: LabelValues, extra: number, value: number): void {
    let v: string;
    if (Number.isFinite(value)) v = formatDecimal(value);
    else if (this.shared.strict) {
      this.skipped++;
      return;
    } else v = value !== value ? 'nan' : value > 0 ? 'inf' : '-inf';
    if (labelValues !== this.lastValues) {
      this.lastValues = labelValues;
      this.lastTags = this.seriesTags(labelValues);
    }
    const parts = this.names[suffix] ?? this.resolveName(suffix);
    let tags = this.lastTags;
    let ascii = this.lastAscii && parts.ascii;
    if (extra >= 0) {
      tags += this.extras.tags[extra] ?? '';
      ascii &&= this.extras.ascii;
    }
    // Values and timestamps are ASCII: an all-ASCII line's byte length is its length.
    const line = parts.measurement + tags + parts.field + v + this.ts;
    this.writer.line(line, ascii ? line.length : undefined);
  }

  info(labelValues: LabelValues, infoNames: readonly string[], infoValues: readonly string[]): void {
    const escape = this.shared.escapeKey;
    const d = applicableDefaults(
      this.snapshot.defaultLabelNames,
      this.snapshot.defaultLabelValues,
      this.labelNames,
      infoNames,
    );
    const tags =
      renderTags(this.labelNames, labelValues, escape) +
      renderTags(d.names, d.values, escape) +
      renderTags(infoNames, infoValues, escape);
    const parts = this.names[SUFFIX_INFO] ?? this.resolveName(SUFFIX_INFO);
    this.writer.line(parts.measurement + tags + parts.field + '1' + this.ts);
  }

  private resolveName(suffix: SampleSuffix): NameParts {
    const parts = this.shared.splitName(this.familyName + SAMPLE_SUFFIXES[suffix]);
    this.names[suffix] = parts;
    return parts;
  }

  /** The series' own tags then the family's defaults, from the cache when this encoder has seen the series. */
  private seriesTags(labelValues: LabelValues): string {
    const labelNames = this.labelNames;
    const defaults = this.defaults;
    // No own labels (one series per family): nothing worth a cache entry per series.
    if (labelValues.length === 0) {
      this.lastAscii = this.defaultsAscii;
      return defaults;
    }
    const cache = this.shared.tagCache;
    const entry = cache.get(labelValues);
    if (entry !== undefined && entry.defaults === defaults) {
      this.lastAscii = entry.ascii;
      if (entry.names === labelNames) return entry.text;
      if (sameStrings(entry.names, labelNames)) {
        entry.names = labelNames;
        return entry.text;
      }
    }
    const text = flatten(renderTags(labelNames, labelValues, this.shared.escapeKey) + defaults);
    const ascii = !NON_ASCII.test(text);
    cache.set(labelValues, { names: labelNames, defaults, text, ascii });
    this.lastAscii = ascii;
    return text;
  }
}

/**
 * Makes V8 store a concatenated string as one flat string. A cached text is copied into every
 * payload; copying a flat string is a memcpy, copying a concatenation tree walks its nodes each
 * time (measured: ~40 % of the time per line for 3-tag series).
 */
function flatten(s: string): string {
  void s.charCodeAt(0);
  return s;
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

/** VictoriaMetrics: measurement, tag key, tag value or field key. */
export function escapeVmKey(s: string): string {
  if (!VM_SPECIAL.test(s)) return s;
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string;
    if (c === 0x20) rep = '\\ ';
    else if (c === 0x2c) rep = '\\,';
    else if (c === 0x3d) rep = '\\=';
    else if (c === 0x5c) rep = '\\\\';
    else if (c === 0x0a) rep = '\\n';
    else if (c === 0x0d) rep = '\\r';
    else continue;
    out += s.slice(from, i) + rep;
    from = i + 1;
  }
  return out + s.slice(from);
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
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string;
    if (c === 0x20) rep = '\\ ';
    else if (c === 0x2c) rep = '\\,';
    else if (c === 0x3d && equals) rep = '\\=';
    else if (c === 0x0a) rep = '\\n';
    else if (c === 0x0d) rep = '\\r';
    else continue;
    out += s.slice(from, i) + rep;
    from = i + 1;
  }
  out += s.slice(from);
  // Only an input `\` can end the output (every replacement ends in another character).
  return out.endsWith('\\') ? out.slice(0, -1) + '_' : out;
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
