// Cached text pieces shared by the Prometheus text and OpenMetrics encoders.
//
// Escaping and joining a series' labels is most of the cost of a text exposition, and a series'
// labels never change. So each family gets a record (`SeriesTexts`, by family name) holding its
// series' text pieces in series order (series-slots.ts): a hit costs a pointer comparison.
// Every cached piece is a flat string (see `flat`), and the writer appends pieces without
// concatenating them first: copying a rope whose pieces are themselves ropes costs ~3× more.
//
// Label order, fixed so a series' text never changes between pushes: the family's own labels in
// `labelNames` order, then the registry's default labels (like prom-client, which appends its
// default labels after a metric's labels), then the labels a sample adds itself: info labels,
// the stateset label, `le`, `quantile`. A default label is dropped for a family that uses its name
// itself (own label, info label, `le`, `quantile`, the stateset label): the more specific wins,
// and the exposition never repeats a label name.

import type { LabelValues, MetricFamily } from '../model/snapshot.js';
import { escapeLabelValue } from './escape.js';
import { FamilyCache, SeriesSlots, flat, sameStrings } from './series-slots.js';

/** Builds a series' pieces from its sample name and its label text (`a="x",b="y"`, or ''). */
export type Render<T> = (name: string, inner: string) => T;

/** `<name>{a="x"} `: a one-sample line (counter, gauge) but its value. */
export const SAMPLE: Render<string> = (name, inner) => (inner === '' ? flat(name, ' ') : flat(name, '{', inner, '} '));
/** `<name>{a="x",`: a line but its last label and value (bucket, quantile, state). */
export const OPEN: Render<string> = (name, inner) => (inner === '' ? flat(name, '{') : flat(name, '{', inner, ','));

/** A piece as above, and the labels alone (`{a="x"} `, ` ` without labels) for `_sum`, `_count`, `_created`. */
export interface Pieces {
  readonly first: string;
  readonly closed: string;
}
const closed = (inner: string): string => (inner === '' ? ' ' : flat('{', inner, '} '));
export const SAMPLE_CLOSED: Render<Pieces> = (name, inner) => ({ first: SAMPLE(name, inner), closed: closed(inner) });
export const OPEN_CLOSED: Render<Pieces> = (name, inner) => ({ first: OPEN(name, inner), closed: closed(inner) });

const NON_ASCII = /[\u0080-\uFFFF]/;

/** The pieces of one family's series, in series order, and the family's metadata lines. */
export class SeriesTexts<T> extends SeriesSlots<T> {
  /** Whether every piece rendered so far (and the sample name) is ASCII: bytes = length. */
  ascii: boolean;
  /** The family's metadata lines, built by the encoder once per record. */
  header: string | undefined = undefined;

  private readonly type: string;
  private readonly help: string;
  private readonly unit: string;
  private labelNames: readonly string[];

  constructor(
    family: MetricFamily,
    private readonly defaults: string,
    protected readonly name: string,
    private readonly renderPieces: Render<T>,
  ) {
    super();
    this.type = family.type;
    this.help = family.help;
    this.unit = family.unit;
    this.labelNames = family.labelNames;
    this.ascii = !NON_ASCII.test(name);
  }

  /** Whether this record was built for this family (else the encoder builds a new one). */
  matches(family: MetricFamily, defaults: string, name: string, render: Render<unknown>): boolean {
    if (
      this.type !== family.type ||
      this.name !== name ||
      this.renderPieces !== render ||
      this.defaults !== defaults ||
      this.help !== family.help ||
      this.unit !== family.unit
    ) {
      return false;
    }
    if (this.labelNames === family.labelNames) return true;
    // Same labels from a freshly built names array: adopt it so the next check is a pointer check.
    if (!sameStrings(this.labelNames, family.labelNames)) return false;
    this.labelNames = family.labelNames;
    return true;
  }

  protected render(labelValues: LabelValues): T {
    return this.renderPieces(this.name, this.inner(labelValues));
  }

  /** The label text of a series (`a="x",b="y"` and the defaults), noting whether it is ASCII. */
  protected inner(labelValues: LabelValues): string {
    const inner = innerText(this.labelNames, labelValues, this.defaults);
    if (this.ascii && NON_ASCII.test(inner)) this.ascii = false;
    return inner;
  }
}

export class LabelTextCache {
  private readonly records = new FamilyCache<SeriesTexts<unknown>>();
  private readonly sampleNames = new Map<string, Map<string, string>>();
  private defaultNames: readonly string[] = [];
  private defaultValues: readonly string[] = [];
  /** `name="escaped value"` per default label. */
  private defaultPairs: string[] = [];
  /** All default pairs joined by `,`; one string object while the defaults are unchanged. */
  private allDefaults = '';

  /** Sets the registry's default labels; call at the start of every encode. */
  useDefaults(names: readonly string[], values: readonly string[]): void {
    if (names === this.defaultNames && values === this.defaultValues) return;
    if (!sameStrings(names, this.defaultNames) || !sameStrings(values, this.defaultValues)) {
      this.defaultPairs = names.map((name, i) => `${name}="${escapeLabelValue(values[i] ?? '')}"`);
      this.allDefaults = this.defaultPairs.join(',');
    }
    this.defaultNames = names;
    this.defaultValues = values;
  }

  /** Call at the end of every encode; `last`: it ended a push (see FamilyCache). */
  endEncode(last: boolean): void {
    this.records.endEncode(last);
  }

  /**
   * The default-label text for a family (or one info series): the defaults minus those whose
   * name is among `labelNames` or `reserved`. Returns the shared string when nothing is dropped.
   */
  defaultsFor(labelNames: readonly string[], reserved: readonly string[] = NONE): string {
    const names = this.defaultNames;
    let kept: string[] | undefined;
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!;
      const clash = labelNames.includes(name) || reserved.includes(name);
      if (clash && kept === undefined) kept = this.defaultPairs.slice(0, i);
      else if (!clash && kept !== undefined) kept.push(this.defaultPairs[i]!);
    }
    return kept === undefined ? this.allDefaults : kept.join(',');
  }

  /** `base + suffix` as one flat string, built once per encoder. */
  sampleName(base: string, suffix: string): string {
    let bySuffix = this.sampleNames.get(base);
    if (bySuffix === undefined) {
      bySuffix = new Map();
      this.sampleNames.set(base, bySuffix);
    }
    let name = bySuffix.get(suffix);
    if (name === undefined) {
      name = flat(base, suffix);
      bySuffix.set(suffix, name);
    }
    return name;
  }

  /**
   * The record of `family` whose pieces, built by `render` (SAMPLE, OPEN...), name `name`, with
   * `defaults` from `defaultsFor`. Its `begin(family)` gives the slot of the first series.
   */
  texts<T>(family: MetricFamily, defaults: string, name: string, render: Render<T>): SeriesTexts<T> {
    const record = this.records.get(family.name);
    if (record !== undefined && record.matches(family, defaults, name, render)) return record as SeriesTexts<T>;
    const fresh = new SeriesTexts(family, defaults, name, render);
    this.records.set(family.name, fresh);
    return fresh;
  }

  /**
   * The record of a one-sample family (counter, gauge): SAMPLE strings, or a `Bytes` record that
   * renders them its own way (`bytesRender` marks it). `bytes` asks for a `Bytes` record where
   * there is none yet; once made, a `Bytes` record is kept while it matches the family, whatever
   * `bytes` says later, so the pieces of a sliced push never switch a family between the kinds
   * (each switch renders all its series again).
   */
  oneSample<T, B extends SeriesTexts<T>>(
    family: MetricFamily,
    defaults: string,
    name: string,
    Bytes: RecordKind<B, T>,
    bytesRender: Render<T>,
    bytes: boolean,
  ): SeriesTexts<string> | B {
    const record = this.records.get(family.name);
    if (record instanceof Bytes) {
      if (record.matches(family, defaults, name, bytesRender)) return record;
    } else if (!bytes && record !== undefined && record.matches(family, defaults, name, SAMPLE)) {
      return record as SeriesTexts<string>;
    }
    const fresh = bytes
      ? new Bytes(family, defaults, name, bytesRender)
      : new SeriesTexts(family, defaults, name, SAMPLE);
    this.records.set(family.name, fresh);
    return fresh;
  }

  /**
   * The complete label text of an info sample, built on every encode (info series are few): the
   * series' labels, the defaults, then its info labels. An info label named like one of the
   * family's own labels is dropped (the series identity wins), and a default label named like an
   * info label gives way to it.
   */
  info(
    labelNames: readonly string[],
    labelValues: LabelValues,
    infoNames: readonly string[],
    infoValues: readonly string[],
  ): string {
    const pairs = [innerText(labelNames, labelValues, this.defaultsFor(labelNames, infoNames))];
    for (let i = 0; i < infoNames.length; i++) {
      const name = infoNames[i]!;
      if (!labelNames.includes(name)) pairs.push(`${name}="${escapeLabelValue(infoValues[i] ?? '')}"`);
    }
    const inner = pairs.filter((pair) => pair !== '').join(',');
    return inner === '' ? '' : flat('{', inner, '}');
  }
}

/** `a="x",b="y"` plus the defaults text, without braces; `''` for no labels at all. */
function innerText(labelNames: readonly string[], labelValues: LabelValues, defaults: string): string {
  const pairs: string[] = [];
  for (let i = 0; i < labelNames.length; i++) {
    pairs.push(`${labelNames[i]}="${escapeLabelValue(labelValues[i] ?? '')}"`);
  }
  if (defaults !== '') pairs.push(defaults);
  return pairs.join(',');
}

/** `name="value"} ` suffixes completing an OPEN piece, one per value, and whether all are ASCII. */
export interface Suffixes {
  readonly texts: readonly string[];
  readonly ascii: boolean;
}

/**
 * Suffixes cached by the identity of the family's array (bucket bounds, quantiles, states), which
 * lives as long as the metric. The trailing space separates the sample value.
 */
export class SuffixCache<T> {
  private readonly entries = new WeakMap<readonly T[], Suffixes & { readonly key: string }>();

  constructor(private readonly render: (value: T) => string) {}

  get(labelName: string, values: readonly T[]): Suffixes {
    const cached = this.entries.get(values);
    if (cached !== undefined && cached.key === labelName) return cached;
    const texts = values.map((value) => flat(labelName, '="', this.render(value), '"} '));
    const fresh = { key: labelName, texts, ascii: !texts.some((text) => NON_ASCII.test(text)) };
    this.entries.set(values, fresh);
    return fresh;
  }
}

const NONE: readonly string[] = [];

/** A subclass of SeriesTexts, built like one. */
type RecordKind<R, T> = new (family: MetricFamily, defaults: string, name: string, render: Render<T>) => R;
