// Label resolution and series storage for one metric: this is the hot path of `labels()`.
//
// Series live in a Map keyed by a seeded 32-bit hash of their label values (a small integer, so
// no key string is built per lookup or kept per series). A hash is only a hint: a hit is checked
// against the series' own label values, and a collision moves on to the next integer key (linear
// probing over the key space). Removing a series that a probe chain runs through leaves a
// tombstone, so the Map's insertion order stays the series' creation order.
//
// A one-entry "last hit" cache skips hashing when the same series is asked for again, which is
// what a loop over one kind of work does.
import { InvalidArgumentError } from '../errors.js';
import type { LabelValues } from '../model/snapshot.js';
import { labelValueToString, quote } from '../model/names.js';
import type { LabelReader } from './label-reader.js';
import { makeLabelReader } from './label-reader.js';

type LabelObject = Readonly<Record<string, unknown>>;

/** Marks a removed series that a probe chain may still pass through. */
const TOMBSTONE = null;

/** FNV-1a over each value's length and UTF-16 code units, then murmur3's finaliser. */
function hashValues(seed: number, values: readonly string[]): number {
  let h = seed;
  for (let v = 0; v < values.length; v++) {
    const value = values[v]!;
    const n = value.length;
    h = Math.imul(h ^ n, 0x01000193);
    for (let i = 0; i < n; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193);
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function countKeys(object: LabelObject): number {
  let count = 0;
  for (const _ in object) count++;
  return count;
}

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class SeriesTable<C extends { readonly labelValues: LabelValues }> {
  private readonly series = new Map<number, C | typeof TOMBSTONE>();
  private tombstones = 0;
  /** `list()`'s array, until the set of series changes. */
  private listed: readonly C[] | undefined = undefined;
  private readonly seed = (Math.random() * 0x100000000) | 0;
  private lastValues: LabelValues | undefined = undefined;
  private lastSeries: C | undefined = undefined;
  /**
   * Resolved label values of the call in progress, reused by every call (no allocation). Not
   * re-entrant: a label object whose getters call labels() on the same metric is not supported.
   */
  private readonly scratch: string[];
  private readonly read: LabelReader;

  /**
   * @param metric full metric name, for error messages
   * @param names label names, in order
   * @param defaults the default value of each label, or undefined where it has none
   * @param create makes a new series for frozen label values (called only on a miss)
   * @param makeReader builds the object-form reader; replaceable so tests can use the fallback
   */
  constructor(
    private readonly metric: string,
    readonly names: readonly string[],
    private readonly defaults: readonly (string | undefined)[],
    private readonly create: (labelValues: LabelValues) => C,
    makeReader: (names: readonly string[]) => LabelReader = makeLabelReader,
  ) {
    this.scratch = names.map(() => '');
    this.read = names.length === 0 ? () => 0 : makeReader(names);
  }

  get size(): number {
    return this.series.size - this.tombstones;
  }

  /**
   * Series in creation order, as an array that stays the same object until a series is created
   * or removed: collecting an unchanged metric neither walks the Map nor builds a new array, and
   * a caller can tell by identity that the series are the ones it saw (MetricBase.reusedRecords).
   * Read-only for everyone.
   */
  list(): readonly C[] {
    if (this.listed === undefined) this.listed = Array.from(this.values());
    return this.listed;
  }

  /** Series in creation order. */
  values(): IterableIterator<C> {
    if (this.tombstones === 0) return this.series.values() as IterableIterator<C>;
    return this.live();
  }

  /** Finds (or creates) the series for `labels()` arguments; throws InvalidArgumentError on bad labels. */
  get(args: readonly unknown[]): C {
    if (this.names.length === 0) throw this.noLabels();
    if (args.length === 1) {
      const first = args[0];
      if (typeof first === 'object' && first !== null) return this.byObject(first as LabelObject);
    }
    return this.byPosition(args);
  }

  /** The only series of a metric without label names (created on first call). */
  root(): C {
    return this.lookup([], true)!;
  }

  /** The series for exact label values, if it exists (used by change-event consumers). */
  find(labelValues: LabelValues): C | undefined {
    return labelValues.length === this.names.length ? this.lookup(labelValues, false) : undefined;
  }

  /** Deletes the series named by `labels()` arguments and returns it. Never creates one. */
  remove(args: readonly unknown[]): C | undefined {
    if (this.names.length === 0) throw this.noLabels();
    const first = args[0];
    const values =
      args.length === 1 && typeof first === 'object' && first !== null
        ? this.valuesFromObject(first as LabelObject)
        : this.valuesFromPosition(args);
    const series = this.series;
    let key = this.hashOf(values);
    for (let found = series.get(key); found !== undefined; found = series.get((key = (key + 1) | 0))) {
      if (found === TOMBSTONE || !sameValues(found.labelValues, values)) continue;
      if (series.has((key + 1) | 0)) {
        series.set(key, TOMBSTONE); // a probe chain continues past this key
        this.tombstones++;
      } else {
        series.delete(key);
        // The chain now ends here: tombstones just before it guard nothing any more.
        for (let k = (key - 1) | 0; series.get(k) === TOMBSTONE; k = (k - 1) | 0) {
          series.delete(k);
          this.tombstones--;
        }
      }
      if (found === this.lastSeries) this.forgetLast();
      this.listed = undefined;
      return found;
    }
    return undefined;
  }

  clear(): void {
    this.series.clear();
    this.listed = undefined;
    this.tombstones = 0;
    this.forgetLast();
  }

  /** The Map key hint for these values; a method (not a field) so calls stay inlinable. Tests override it. */
  protected hashOf(values: readonly string[]): number {
    return hashValues(this.seed, values);
  }

  private *live(): IterableIterator<C> {
    for (const series of this.series.values()) if (series !== TOMBSTONE) yield series;
  }

  private byObject(object: LabelObject): C {
    const values = this.scratch;
    const given = this.read(object, values, this.defaults);
    // Counting the keys catches a misspelt or unknown name even when the series already exists.
    // The validating path throws, unless the extra keys were inherited ones.
    if (given < 0 || countKeys(object) !== given) return this.lookup(this.valuesFromObject(object), true)!;
    return this.resolved(values);
  }

  /** Positional form (the seed's rule): defaults fill the MISSING LEADING labels. */
  private byPosition(args: readonly unknown[]): C {
    const n = this.names.length;
    const missing = n - args.length;
    if (missing < 0) return this.lookup(this.valuesFromPosition(args), true)!; // throws
    const defaults = this.defaults;
    const values = this.scratch;
    for (let i = 0; i < n; i++) {
      const value = i < missing ? defaults[i] : args[i - missing];
      if (typeof value === 'string') values[i] = value;
      else if (typeof value === 'number') values[i] = String(value);
      else return this.lookup(this.valuesFromPosition(args), true)!; // throws
    }
    return this.resolved(values);
  }

  /** Looks up (or creates) the series for valid values held in the scratch array. */
  private resolved(values: string[]): C {
    const last = this.lastValues;
    if (last !== undefined && sameValues(values, last)) return this.lastSeries!;
    return this.lookup(values, true)!;
  }

  /**
   * The series with these values; when absent, undefined or (with `create`) a new series whose
   * label values are a frozen copy of `values` (which may be the scratch array).
   */
  private lookup(values: readonly string[], create: boolean): C | undefined {
    const series = this.series;
    let key = this.hashOf(values);
    let found = series.get(key);
    while (found !== undefined) {
      if (found !== TOMBSTONE && sameValues(found.labelValues, values)) {
        this.lastValues = found.labelValues;
        this.lastSeries = found;
        return found;
      }
      key = (key + 1) | 0;
      found = series.get(key);
    }
    if (!create) return undefined;
    // Frozen and never replaced: encoders cache rendered label text by this array's identity.
    // slice() sizes the copy exactly; it is kept for the life of the series.
    const labelValues = Object.freeze(values.slice());
    const created = this.create(labelValues);
    series.set(key, created);
    this.listed = undefined;
    this.lastValues = labelValues;
    this.lastSeries = created;
    return created;
  }

  private forgetLast(): void {
    this.lastValues = undefined;
    this.lastSeries = undefined;
  }

  private noLabels(): InvalidArgumentError {
    return new InvalidArgumentError(`metric ${quote(this.metric)} has no label names; use it without labels()`);
  }

  /** The slow, validating path of the object form: merges defaults under the given values. */
  private valuesFromObject(object: LabelObject): string[] {
    const names = this.names;
    for (const name of Object.keys(object)) {
      if (!names.includes(name)) {
        throw new InvalidArgumentError(
          `metric ${quote(this.metric)}: unknown label name ${quote(name)} (label names: ${names.join(', ')})`,
        );
      }
    }
    return names.map((name, i) => {
      // Own properties only: a label called `constructor` must not read Object.prototype's.
      const value = (Object.hasOwn(object, name) ? object[name] : undefined) ?? this.defaults[i];
      if (value === undefined) {
        throw new InvalidArgumentError(
          `metric ${quote(this.metric)}: missing value for label ${quote(name)}, which has no default`,
        );
      }
      return labelValueToString(this.metric, name, value);
    });
  }

  /** The slow, validating path of the positional form. */
  private valuesFromPosition(args: readonly unknown[]): string[] {
    const names = this.names;
    const n = names.length;
    const missing = n - args.length;
    if (missing < 0) {
      throw new InvalidArgumentError(
        `metric ${quote(this.metric)}: ${args.length} label values given for ${n} label names (${names.join(', ')}): ` +
          `too many values, first extra value ${quote(args[n])}`,
      );
    }
    return names.map((name, i) => {
      if (i >= missing) return labelValueToString(this.metric, name, args[i - missing]);
      const value = this.defaults[i];
      if (value === undefined) {
        throw new InvalidArgumentError(
          `metric ${quote(this.metric)}: missing value for label ${quote(name)}, which has no default ` +
            `(${args.length} label values given for ${n} label names; defaults fill the leading ones)`,
        );
      }
      return value;
    });
  }
}
