// Per-family caches of what encoders render from a series' labels (label text, tags), kept IN
// SERIES ORDER, shared by the text, Influx and StatsD encoders.
//
// A series' labels never change, and the snapshot gives each series a label-values array of
// stable identity. Series also keep their order from one collect to the next, so the cache of a
// family is an array of slots: a hit is one pointer comparison (`keys[k] === labelValues`) and an
// array read. A cache keyed by the label values (a WeakMap) made every series pay a hash lookup:
// most of a 10k-series counter exposition's time. Only a miss renders: a new series, or one that
// moved. A removed or inserted series costs one splice of the arrays; a family split into slices
// (`continued`) carries on where its previous slice ended.

import type { LabelValues } from '../model/snapshot.js';

interface Sliced {
  readonly continued?: boolean;
  readonly series: readonly { readonly labelValues: LabelValues }[];
}

/** One family's rendered values, by slot; `render` builds the value of a series on a miss. */
export abstract class SeriesSlots<T> {
  /** The label-values array each slot was rendered for. */
  readonly keys: (LabelValues | undefined)[] = [];
  readonly values: T[] = [];
  /** Slot of the first series of the family's next `continued` slice. */
  private next = 0;
  /** Set by FamilyCache: the family name, the push count when last used, the place in its order. */
  familyName = '';
  used = 0;
  place = 0;

  protected abstract render(labelValues: LabelValues): T;

  /**
   * The slot of `family.series[0]`: 0, or where the previous piece of the family ended for a
   * `continued` one, or for one that starts with the series cached there (a pusher that sends
   * every slice as a snapshot of its own leaves pieces unmarked).
   */
  begin(family: Sliced): number {
    const first = family.series[0]?.labelValues;
    let base = 0;
    const resumes = first !== undefined && this.keys[this.next] === first && this.keys[0] !== first;
    if (family.continued === true || resumes) base = this.next;
    else if (this.next < this.keys.length) this.cut(this.next, this.keys.length - this.next);
    this.next = base + family.series.length;
    return base;
  }

  /**
   * The value of `series[i]`, for slot `k`: `values[k]` when `keys[k]` is its label values, else
   * rendered (or found one slot on, when the series before it was removed) and stored at `k`.
   */
  at(k: number, series: readonly { readonly labelValues: LabelValues }[], i: number): T {
    const labelValues = series[i]!.labelValues;
    const keys = this.keys;
    if (keys[k] === labelValues) return this.values[k]!;
    if (keys[k + 1] === labelValues) {
      this.cut(k, 1); // the series cached at k was removed
      return this.values[k]!;
    }
    const value = this.render(labelValues);
    if (k < keys.length && keys[k] === series[i + 1]?.labelValues) {
      // A series inserted before the one cached at k.
      keys.splice(k, 0, labelValues);
      this.values.splice(k, 0, value);
    } else {
      keys[k] = labelValues;
      this.values[k] = value;
    }
    return value;
  }

  private cut(k: number, count: number): void {
    this.keys.splice(k, count);
    this.values.splice(k, count);
  }
}

/** Records unused for this many complete pushes are dropped (their metric was unregistered). */
const SWEEP_PUSHES = 64;

/**
 * An encoder's records by family name. Snapshots list families in the same order every time, so
 * the records are also kept in that order and the one after the last found is tried first (a
 * pointer comparison of the name, the same string object on every collect): the Map lookup by
 * name, about 100 ns with 10k families, only runs where the order changed or a slice starts.
 * Records no push used for SWEEP_PUSHES pushes are dropped (their metric was unregistered).
 */
export class FamilyCache<R extends SeriesSlots<unknown>> {
  private readonly records = new Map<string, R>();
  private readonly order: R[] = [];
  /** Place in `order` of the record last found or set in this encode. */
  private cursor = -1;
  private pushes = 0;

  /** The record of this family name (marked as used), if any. */
  get(name: string): R | undefined {
    let record = this.order[this.cursor + 1];
    if (record === undefined || record.familyName !== name) {
      record = this.records.get(name);
      if (record === undefined) return undefined;
    }
    this.cursor = record.place;
    record.used = this.pushes;
    return record;
  }

  /** Stores `record` for `name`, in place of the one it replaces or after the last one found. */
  set(name: string, record: R): R {
    record.familyName = name;
    record.used = this.pushes;
    const old = this.records.get(name);
    this.records.set(name, record);
    if (old !== undefined) {
      record.place = old.place;
      this.order[old.place] = record;
    } else {
      record.place = this.cursor + 1;
      this.order.splice(record.place, 0, record);
      this.renumber(record.place + 1);
    }
    this.cursor = record.place;
    return record;
  }

  /**
   * Call at the end of every encode. `last`: the encode ended a push (not a slice before the
   * last one), which counts towards dropping records.
   */
  endEncode(last: boolean): void {
    this.cursor = -1;
    if (!last || ++this.pushes % SWEEP_PUSHES !== 0) return;
    for (const [name, record] of this.records) {
      if (this.pushes - record.used > SWEEP_PUSHES) this.records.delete(name);
    }
    const kept = this.order.filter((record) => this.records.get(record.familyName) === record);
    this.order.length = 0;
    for (const record of kept) this.order.push(record);
    this.renumber(0);
  }

  private renumber(from: number): void {
    for (let i = from; i < this.order.length; i++) this.order[i]!.place = i;
  }
}

/**
 * Concatenates into one flat string. `a + b` makes a rope (a V8 ConsString) that every later copy
 * has to walk again; `Array.prototype.join` allocates its result flat. Every cached piece an
 * encoder hands the writer is made with this.
 */
export function flat(...parts: string[]): string {
  return parts.join('');
}

export function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
