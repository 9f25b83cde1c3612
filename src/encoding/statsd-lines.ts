// The text of StatsD lines: tag styles, the per-series tag cache, and character replacement.
//
// StatsD has no escaping, so characters a position cannot carry are replaced (statsd_exporter's
// line.go and Etsy's stats.js decide what breaks a line; hot-shots replaces with `_` too):
//
//   character                     | name (any style) | tag key | tag value, dogstatsd | tag value, other styles
//   `\n` `\r` (line separators)   | `_`              | `_`     | `_`                  | `_`
//   `|` (field separator)         | `_`              | `_`     | `_`                  | `_`
//   `@` (sample rate) `#` (tags)  | `_`              | `_`     | `_`                  | `_`
//   `,` (tag separator)           | `_`              | `_`     | `_`                  | `_`
//   `:` (name/value separator)    | `_`              | `_`     | kept                 | `_`
//   `=` (tag key/value separator) | `_`              | `_`     | kept                 | `_`
//   `[` `]` (SignalFX tag block)  | `_`              | `_`     | kept                 | `_`
//   lone UTF-16 surrogate         | U+FFFD           | U+FFFD  | U+FFFD               | U+FFFD
//
// A dogstatsd tag value may keep `:` `=` `[` `]` because it sits after `|#`, where
// statsd_exporter only splits on `,` and on the first `:`. Names always lose `,` `#` `[` `]`
// because statsd_exporter looks for Influx, Librato and SignalFX tags in every name it reads.
// Everything else (spaces, dots, Unicode) is sent as is; receivers map names their own way
// (statsd_exporter: `[^a-zA-Z0-9_]` → `_`; Etsy: spaces → `_`, `/` → `-`, other symbols dropped,
// so `le:+Inf` arrives there as the graphite tag `le=Inf`).

import type { LabelValues } from '../model/snapshot.js';
import type { PayloadWriter } from './framing.js';
import type { ExtraLabel, SampleSuffix } from './samples.js';
import { SAMPLE_SUFFIXES } from './samples.js';
import { replaceUnits } from './escape.js';
import { flat, sameStrings } from './series-slots.js';
import { formatDecimal } from './short-decimal.js';

export type StatsdTagStyle = 'dogstatsd' | 'influx' | 'librato' | 'signalfx';

/** The rendered tags of one series, and the line parts around the value built from them. */
export interface SeriesTags {
  names: readonly string[];
  readonly defaults: string;
  /** `k:v,k2:v2` (or `=`), without the style's brackets; '' when the series has no tags. */
  readonly body: string;
  /** Whether `body` (hence every part below) is all ASCII. */
  readonly ascii: boolean;
  /** Between the name and the value: `:` or, in the name-suffix styles, `,k=v:` `#k=v:` `[k=v]:`. */
  readonly head: string;
  /** After the StatsD type: `|#k:v` in dogstatsd style, else ''. */
  readonly tail: string;
  /** `|g` + tail: after the value of a batch-mode line. */
  readonly gaugeTail: string;
  /** `|g|#k:v,` (`|g|#` without tags): before the extra tag of a dogstatsd batch-mode line. */
  readonly gaugeOpen: string;
  /** `gaugeTail` and the line's `\n`. */
  readonly gaugeEnd: string;
  /** The last name + head built for this series (name-suffix styles), reused while the name is the same. */
  lastName: string;
  lastBefore: string;
}

/** A family's sanitized, prefixed name and its sample names by `SampleSuffix`. */
export interface FamilyNames {
  base: string;
  /** Whether the names are all ASCII (the prefix too). */
  ascii: boolean;
  readonly samples: (string | undefined)[];
  /** The same names followed by `:` (what precedes the value in dogstatsd style). */
  readonly colons: (string | undefined)[];
}

/** The rendered extra tags of a family (`le:0.005`…), by the visitor's extra index. */
export interface ExtraTags {
  readonly name: string;
  readonly tags: readonly string[];
  readonly ascii: boolean;
}

const GAUGE_END = '|g\n';

export const NO_EXTRAS: ExtraTags = { name: '', tags: [], ascii: true };
export const NO_NAMES: readonly string[] = [];

// One test finds both the characters to replace and any non-ASCII one (which includes the
// surrogates), so text that passes it is known to be ASCII: its UTF-8 length is its `length`.
const STRICT_SPECIAL = /[\n\r|@#,:=[\]\u0080-\uFFFF]/;
const DOG_VALUE_SPECIAL = /[\n\r|@#,\uD800-\uDFFF]/;
const NON_ASCII = /[\u0080-\uFFFF]/;

/** Tag style, prefix and the per-series tag cache of one encoder. */
export class Style {
  private readonly dog: boolean;
  private readonly separator: string;
  private readonly open: string;
  private readonly close: string;
  private readonly cache = new WeakMap<LabelValues, SeriesTags>();
  /** The tags of a series without own labels, for the last defaults seen. */
  private bare: SeriesTags | undefined;
  private readonly extras = new WeakMap<readonly string[], ExtraTags>();
  private readonly lineEnds = new Map<string, Uint8Array>();

  private readonly prefix: string;
  private readonly prefixAscii: boolean;

  constructor(
    readonly tagStyle: StatsdTagStyle,
    prefix: string,
  ) {
    // Sanitizing is per character, so the prefix can be sanitized once, apart from the names.
    this.prefix = sanitizeStrict(prefix);
    this.prefixAscii = !NON_ASCII.test(this.prefix);
    this.dog = tagStyle === 'dogstatsd';
    this.separator = this.dog ? ':' : '=';
    this.open = tagStyle === 'influx' ? ',' : tagStyle === 'librato' ? '#' : tagStyle === 'signalfx' ? '[' : '';
    this.close = tagStyle === 'signalfx' ? ']' : '';
  }

  /** A family's sanitized, prefixed name; its sample names are filled as they are needed. */
  familyNames(familyName: string): FamilyNames {
    const special = STRICT_SPECIAL.test(familyName);
    const clean = special ? replaceChars(familyName, true) : familyName;
    const ascii = this.prefixAscii && (!special || !NON_ASCII.test(clean));
    return { base: this.prefix + clean, ascii, samples: [], colons: [] };
  }

  sampleName(names: FamilyNames, suffix: SampleSuffix): string {
    // The suffixes (`_total`, `_bucket`…) need no sanitizing.
    const name = flat(names.base, SAMPLE_SUFFIXES[suffix]);
    names.samples[suffix] = name;
    names.colons[suffix] = flat(name, ':');
    return name;
  }

  /**
   * The text before the value: the name, then the series' tags plus `extra` (a rendered `k:v`,
   * or '') in the name-suffix styles, then `:`.
   */
  before(names: FamilyNames, suffix: SampleSuffix, series: SeriesTags, extra: string): string {
    const name = names.samples[suffix] ?? this.sampleName(names, suffix);
    if (this.dog) return names.colons[suffix]!;
    if (extra !== '')
      return name + this.open + (series.body === '' ? '' : series.body + ',') + extra + this.close + ':';
    if (series.lastName !== name) {
      series.lastName = name;
      series.lastBefore = flat(name, series.head);
    }
    return series.lastBefore;
  }

  /**
   * One line, `<before><value><after>` (see `before`; after the value come the type and, in
   * dogstatsd style, the tags plus `extra`), handed to the writer as cached pieces. A negative
   * gauge goes out as a `0` line then the value line, as one unit. `ascii`: the caller knows
   * every part is ASCII (numbers are), so the byte length is the length.
   */
  emit(
    writer: PayloadWriter,
    names: FamilyNames,
    suffix: SampleSuffix,
    series: SeriesTags,
    extra: string,
    value: number,
    statType: string,
    ascii: boolean,
  ): void {
    const before = this.before(names, suffix, series, extra);
    const gauge = statType === '|g';
    if (gauge && extra === '' && !(value < 0)) {
      // The most common line, `<name>:<value>|g<tags>`: everything after the value is one piece.
      writer.add(before, formatDecimal(value), this.gaugeEnd(series), '', '', ascii);
      return;
    }
    let after = statType;
    let tag = '';
    if (this.dog && extra !== '') {
      after = gauge ? series.gaugeOpen : statType + '|#' + (series.body === '' ? '' : series.body + ',');
      tag = extra;
    } else if (this.dog) after = gauge ? series.gaugeTail : statType + series.tail;
    if (gauge && value < 0) {
      const first = before + '0' + after + tag;
      const second = before + formatDecimal(value) + after + tag;
      writer.linePair(first, second, ascii ? first.length + 1 + second.length : undefined);
    } else writer.add(before, formatDecimal(value), after, tag, '\n', ascii);
  }

  /** What follows the value of a gauge line without extra tag, `\n` included. */
  gaugeEnd(series: SeriesTags): string {
    return this.dog ? series.gaugeEnd : GAUGE_END;
  }

  /**
   * The UTF-8 bytes of a line end (`|g\n`, `|g|#env:prod\n`), one Buffer per distinct text: the
   * thousands of unlabelled families of a registry share it, so a push reads one line end from
   * memory instead of one per family.
   */
  bytes(text: string): Uint8Array {
    let bytes = this.lineEnds.get(text);
    if (bytes === undefined) {
      // One per set of default labels seen: bounded in case they keep changing.
      if (this.lineEnds.size >= 64) this.lineEnds.clear();
      bytes = Buffer.from(text);
      this.lineEnds.set(text, bytes);
    }
    return bytes;
  }

  /** Rendered extra tags (`le:0.005`…) by extra index, cached by the family's extra-values array. */
  extraTags(extra: ExtraLabel): ExtraTags {
    const cached = this.extras.get(extra.values);
    if (cached !== undefined && cached.name === extra.name) return cached;
    const tags = extra.values.map((value) => this.extraTag(extra.name, value));
    const fresh = { name: extra.name, tags, ascii: !tags.some((tag) => NON_ASCII.test(tag)) };
    this.extras.set(extra.values, fresh);
    return fresh;
  }

  /** `k:v,k2:v2` for the non-empty values, sanitized for the style. */
  renderTags(names: readonly string[], values: readonly string[]): string {
    let body = '';
    for (let i = 0; i < names.length; i++) {
      const value = values[i] ?? '';
      if (value === '') continue;
      if (body !== '') body += ',';
      body += sanitizeStrict(names[i]!) + this.separator + this.tagValue(value);
    }
    return body;
  }

  /** `k:v` for one extra tag, '' when the value is empty. */
  extraTag(name: string, value: string): string {
    return value === '' ? '' : sanitizeStrict(name) + this.separator + this.tagValue(value);
  }

  /** The tags of one series (its own labels, then `defaults`), cached by label-values identity. */
  series(labelNames: readonly string[], labelValues: LabelValues, defaults: string): SeriesTags {
    if (labelValues.length === 0) {
      // No own labels (one series per family): nothing worth a cache entry per series.
      let bare = this.bare;
      if (bare === undefined || bare.defaults !== defaults) {
        bare = this.build(labelNames, labelValues, defaults);
        this.bare = bare;
      }
      return bare;
    }
    const cached = this.cache.get(labelValues);
    if (cached !== undefined && cached.defaults === defaults) {
      if (cached.names === labelNames) return cached;
      if (sameStrings(cached.names, labelNames)) {
        cached.names = labelNames;
        return cached;
      }
    }
    const fresh = this.build(labelNames, labelValues, defaults);
    this.cache.set(labelValues, fresh);
    return fresh;
  }

  private build(labelNames: readonly string[], labelValues: LabelValues, defaults: string): SeriesTags {
    const own = this.renderTags(labelNames, labelValues);
    const body = own === '' ? defaults : defaults === '' ? own : flat(own, ',', defaults);
    const tail = this.dog && body !== '' ? flat('|#', body) : '';
    return {
      names: labelNames,
      defaults,
      body,
      ascii: !NON_ASCII.test(body),
      head: this.dog || body === '' ? ':' : flat(this.open, body, this.close, ':'),
      tail,
      gaugeTail: flat('|g', tail),
      gaugeEnd: flat('|g', tail, '\n'),
      gaugeOpen: body === '' ? '|g|#' : flat('|g|#', body, ','),
      lastName: '',
      lastBefore: '',
    };
  }

  private tagValue(value: string): string {
    return this.dog ? sanitizeDogValue(value) : sanitizeStrict(value);
  }
}

/** Names, tag keys, and tag values outside dogstatsd style (see the table in the header). */
export function sanitizeStrict(s: string): string {
  return STRICT_SPECIAL.test(s) ? replaceChars(s, true) : s;
}

/** Dogstatsd tag values: `:` `=` `[` `]` are safe after `|#`. */
export function sanitizeDogValue(s: string): string {
  return DOG_VALUE_SPECIAL.test(s) ? replaceChars(s, false) : s;
}

function replaceChars(s: string, strict: boolean): string {
  return replaceUnits(s, (c, text, i) => {
    if (c === 0x0a || c === 0x0d || c === 0x7c || c === 0x40 || c === 0x23 || c === 0x2c) return '_';
    if (strict && (c === 0x3a || c === 0x3d || c === 0x5b || c === 0x5d)) return '_';
    // A surrogate is kept as half of a valid pair, else replaced.
    if (isHighSurrogate(c)) return isLowSurrogate(text.charCodeAt(i + 1)) ? undefined : '\uFFFD';
    if (isLowSurrogate(c)) return isHighSurrogate(text.charCodeAt(i - 1)) ? undefined : '\uFFFD';
    return undefined;
  });
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
