// StatsD lines, for statsd_exporter, Etsy statsd, the Datadog agent and Telegraf's statsd input.
//
// Two modes:
//  - BATCH (`encode(snapshot)`, the seed's format): every Prometheus sample (samples.ts) becomes a
//    gauge `|g` carrying its cumulative value: `x_total:42|g`, `x_bucket:7|g|#le:0.5`. Loss
//    tolerant (the next push repeats everything) and PromQL's rate()/increase()/
//    histogram_quantile() work on the result as if the types had never changed.
//  - EVENT (`encodeEvents(events)`, used by the streaming pusher): each change in native StatsD
//    form. counter inc → `x_total:<delta>|c`; gauge set → `x:<value>|g`; histogram and summary
//    observe → `x:<value × 1000>|ms` by default (see `histogramType`); anything else (a gauge
//    inc/dec, info, stateset) → the series' current samples as gauges, like batch mode, so a
//    lost datagram never leaves a gauge off by a delta.
//
// Gauges: a value starting with `-` (or `+`) is a DELTA to every StatsD server, so a negative
// absolute value is sent as `x:0|g` then `x:-5|g`, both in the same payload (PayloadWriter
// linePair), so they are never split by a datagram boundary. In batch mode the samples of one
// histogram or summary series are one PayloadWriter unit: one datagram whenever they fit in one.
// Non-finite values are skipped and counted (`onSkip`): StatsD has no NaN/Inf (Etsy statsd counts
// `nan` as a bad line).
//
// Why `ms` by default for observations: Etsy statsd knows no `h`/`d` (it counts any unknown type
// as a counter), and statsd_exporter divides `ms` values by 1000, so seconds × 1000 as `|ms`
// arrives as seconds in Prometheus through both. `h`/`d` send the value unchanged (statsd_exporter
// and DogStatsD). The ms value is rounded to 6 decimals (nanoseconds), which removes float noise
// such as 1.1 × 1000 = 1100.0000000000002. Etsy statsd drops NEGATIVE timers.
//
// Names: `prefix` (as given, e.g. `myapp.`) + the sample name. Counters keep `_total` in both
// modes, so a series has the same name whichever mode sent it. Tags (all styles omit a tag whose
// value is empty: statsd_exporter rejects empty values), in the order: the family's labels, the
// registry defaults, then the sample's own label (`le`, `quantile`, the stateset label):
//   dogstatsd (default)  name:1|c|#k:v,k2:v2   (the only style Etsy statsd understands)
//   influx               name,k=v,k2=v2:1|c
//   librato              name#k=v,k2=v2:1|c
//   signalfx             name[k=v,k2=v2]:1|c
//
// Characters a StatsD line cannot carry are replaced: see the table in statsd-lines.ts.
//
// Checked with Etsy statsd 0.9.0: all lines of the dogstatsd golden files (batch, nasty, events,
// framing) are accepted (bad_lines_seen 0), and each negative gauge reads back as its value.

import type { MetricEvent, MetricSource } from '../model/events.js';
import type { LabelValues, MetricFamily, Snapshot } from '../model/snapshot.js';
import type { Encoder, EncoderOptions } from './encoder.js';
import { ByteArena } from './byte-arena.js';
import { PAYLOAD_PRESETS, PayloadWriter } from './framing.js';
import { OutputBuffers } from './output-buffers.js';
import type { SampleSuffix } from './samples.js';
import {
  SUFFIX_INFO,
  SUFFIX_NONE,
  SUFFIX_TOTAL,
  SampleFamilyRecord,
  SampleLines,
  applicableDefaults,
  extraLabel,
  familyDefaults,
} from './samples.js';
import { FamilyCache } from './series-slots.js';
import type { ExtraTags, FamilyNames, SeriesTags, StatsdTagStyle } from './statsd-lines.js';
import { NO_EXTRAS, NO_NAMES, Style } from './statsd-lines.js';

export type { StatsdTagStyle } from './statsd-lines.js';
/** `ms`: value × 1000 (Etsy statsd, statsd_exporter); `h`/`d`: value as is (DogStatsD, statsd_exporter). */
export type StatsdObservationType = 'ms' | 'h' | 'd';

export interface StatsdEncoderOptions extends EncoderOptions {
  /** How labels are written; default `dogstatsd`. */
  readonly tagStyle?: StatsdTagStyle;
  /** Prepended to every name as given (include the separator: `myapp.`). */
  readonly prefix?: string;
  /** StatsD type of a histogram observation in event mode; default `ms`. */
  readonly histogramType?: StatsdObservationType;
  /** StatsD type of a summary observation in event mode; default `ms`. */
  readonly summaryType?: StatsdObservationType;
  /** Called once per encode with the number of samples or events skipped as NaN/±Inf, if any. */
  readonly onSkip?: (count: number) => void;
}

/** Registry default labels for event mode (a Snapshot fits). */
export interface StatsdDefaultLabels {
  readonly defaultLabelNames: readonly string[];
  readonly defaultLabelValues: readonly string[];
}

export interface StatsdEncoder extends Encoder {
  readonly tagStyle: StatsdTagStyle;
  /**
   * Event mode: the changes, in order, as StatsD lines packed into payloads of at most
   * `maxPayloadBytes`. `defaults` are the registry's default labels (none when omitted).
   */
  encodeEvents(events: readonly MetricEvent[], defaults?: StatsdDefaultLabels): Uint8Array[];
}

export const STATSD_CONTENT_TYPE = 'text/plain; charset=utf-8';

/**
 * The StatsD encoder; payloads default to 1432 bytes (`PAYLOAD_PRESETS.lan`). It caches rendered
 * names and tags per family and series, so keep one instance per registry.
 */
export function statsdEncoder(options: StatsdEncoderOptions = {}): StatsdEncoder {
  const tagStyle = options.tagStyle ?? 'dogstatsd';
  const maxPayloadBytes = options.maxPayloadBytes ?? PAYLOAD_PRESETS.lan;
  const onOversize = options.onOversize;
  const onSkip = options.onSkip;
  const style = new Style(tagStyle, options.prefix ?? '');
  const observationType: Record<'histogram' | 'summary', StatsdObservationType> = {
    histogram: options.histogramType ?? 'ms',
    summary: options.summaryType ?? 'ms',
  };
  const sources = new WeakMap<MetricSource, SourceEntry>();
  // Batch records follow the registry's families in order; the one-series families event mode
  // sends as gauges get records of their own, so neither disturbs the other's slots.
  const batchFamilies = new FamilyCache<FamilyRecord>();
  const eventFamilies = new FamilyCache<FamilyRecord>();
  const batchHeads = new ByteArena();
  const eventHeads = new ByteArena();
  const buffers = new OutputBuffers();
  let sizeHint = 0;

  function finish(writer: PayloadWriter, skipped: number): Uint8Array[] {
    if (skipped > 0 && onSkip !== undefined) onSkip(skipped);
    const payloads = writer.finish();
    sizeHint = writer.size;
    return payloads;
  }

  return {
    contentType: STATSD_CONTENT_TYPE,
    // Not sliced by default: batch StatsD pushes are many small datagrams, where the extra
    // event-loop turns cost more throughput (measured: 3.3× → 1.9× hot-shots) than they save in
    // latency. A pusher may still slice it with `slicing: { framing: 'messages' }`.
    tagStyle,
    encode(snapshot: Snapshot): Uint8Array[] {
      const writer = new PayloadWriter(maxPayloadBytes, onOversize, { sizeHint, buffers });
      const visit = new GaugeVisit(style, writer, snapshot, batchFamilies, batchHeads);
      for (const family of snapshot.families) visit.family(family);
      const last = snapshot.last !== false;
      batchFamilies.endEncode(last);
      if (last) batchHeads.endPush();
      return finish(writer, visit.skipped);
    },
    recycle: buffers.recycle,
    encodeEvents(events: readonly MetricEvent[], defaults: StatsdDefaultLabels = NO_DEFAULTS): Uint8Array[] {
      const writer = new PayloadWriter(maxPayloadBytes, onOversize, { sizeHint });
      let visit: GaugeVisit | undefined;
      let skipped = 0;
      for (const event of events) {
        const { source, kind, value } = event;
        const type = source.type;
        let statType: string;
        let v = value;
        if (type === 'counter' && kind === 'inc') statType = '|c';
        else if (type === 'gauge' && kind === 'set') statType = '|g';
        else if ((type === 'histogram' || type === 'summary') && kind === 'observe') {
          const t = observationType[type];
          statType = t === 'ms' ? '|ms' : t === 'h' ? '|h' : '|d';
          if (t === 'ms') v = toMilliseconds(value);
        } else {
          // Everything else is sent as the series' current state, as gauges.
          visit ??= new GaugeVisit(style, writer, defaults, eventFamilies, eventHeads);
          visit.family(source.collectSeries(event.labelValues));
          continue;
        }
        if (!Number.isFinite(v)) {
          skipped++;
          continue;
        }
        let entry = sources.get(source);
        if (entry === undefined || entry.labelNames !== source.labelNames || entry.sourceName !== source.name) {
          entry = sourceEntry(style, source);
          sources.set(source, entry);
        }
        if (entry.defaultNames !== defaults.defaultLabelNames || entry.defaultValues !== defaults.defaultLabelValues) {
          const d = applicableDefaults(defaults.defaultLabelNames, defaults.defaultLabelValues, source.labelNames);
          entry.defaultNames = defaults.defaultLabelNames;
          entry.defaultValues = defaults.defaultLabelValues;
          entry.defaults = style.renderTags(d.names, d.values);
        }
        const series = style.series(source.labelNames, event.labelValues, entry.defaults);
        const suffix = type === 'counter' ? SUFFIX_TOTAL : SUFFIX_NONE;
        style.emit(writer, entry.names, suffix, series, '', v, statType, entry.names.ascii && series.ascii);
      }
      eventFamilies.endEncode(true);
      eventHeads.endPush();
      return finish(writer, skipped + (visit?.skipped ?? 0));
    },
  };
}

const EMPTY_BYTES = new Uint8Array(0);

const NO_DEFAULTS: StatsdDefaultLabels = { defaultLabelNames: [], defaultLabelValues: [] };

interface SourceEntry {
  readonly labelNames: readonly string[];
  /** The source's metric name, to notice a different metric behind the same object. */
  readonly sourceName: string;
  readonly names: FamilyNames;
  defaultNames: readonly string[] | undefined;
  defaultValues: readonly string[] | undefined;
  defaults: string;
}

function sourceEntry(style: Style, source: MetricSource): SourceEntry {
  return {
    labelNames: source.labelNames,
    sourceName: source.name,
    names: style.familyNames(source.name),
    defaultNames: undefined,
    defaultValues: undefined,
    defaults: '',
  };
}

/**
 * Batch mode's record of a family (samples.ts): its sanitized sample names (sanitizing is a
 * regex test per name, and a 10k-family registry of one-series gauges spent a quarter of its
 * encode there), its rendered default and extra tags, and its series' tags by slot.
 */
class FamilyRecord extends SampleFamilyRecord<SeriesTags> {
  readonly names: FamilyNames;
  readonly defaults: string;
  readonly extras: ExtraTags;
  /** See `bareLine`: where the bytes before the value are in the arena, and those after it. */
  headStart = 0;
  headEnd = 0;
  tail: Uint8Array = EMPTY_BYTES;
  private lineSuffix = -1;
  private headGeneration = -1;

  constructor(
    private readonly style: Style,
    family: MetricFamily,
    defaults: StatsdDefaultLabels,
  ) {
    super(family, defaults);
    this.names = style.familyNames(family.name);
    const d = familyDefaults(family, defaults);
    this.defaults = style.renderTags(d.names, d.values);
    const extra = extraLabel(family);
    this.extras = extra === undefined ? NO_EXTRAS : style.extraTags(extra);
  }

  tags(labelValues: LabelValues): SeriesTags {
    return this.style.series(this.labelNames, labelValues, this.defaults);
  }

  /**
   * A counter or gauge family without labels (often thousands of one-series families): its
   * lines are `head + value + tail`, both encoded once (`head`, for the sample name `suffix`, into
   * `arena`: see byte-arena.ts) and copied as bytes (PayloadWriter.addNumberLine).
   */
  bareLine(suffix: SampleSuffix, arena: ByteArena): void {
    if (this.lineSuffix === suffix && this.headGeneration === arena.generation) return;
    const tags = this.tags(NO_NAMES);
    this.headStart = arena.add(this.style.before(this.names, suffix, tags, ''));
    this.headEnd = arena.used;
    this.headGeneration = arena.generation;
    this.tail = this.style.bytes(this.style.gaugeEnd(tags));
    this.lineSuffix = suffix;
  }
}

/** Batch mode (and event-mode fallbacks): every sample of a family as a gauge. */
class GaugeVisit extends SampleLines<SeriesTags, FamilyRecord> {
  constructor(
    private readonly style: Style,
    writer: PayloadWriter,
    defaults: StatsdDefaultLabels,
    records: FamilyCache<FamilyRecord>,
    private readonly arena: ByteArena,
  ) {
    super(writer, records, defaults);
  }

  override family(family: MetricFamily): void {
    if (!this.open(family)) return;
    if (family.type !== 'counter' && family.type !== 'gauge') return this.visit(family);
    // The common families directly, without a visitor call per sample.
    const suffix = family.type === 'counter' ? SUFFIX_TOTAL : SUFFIX_NONE;
    const series = family.series;
    const record = this.record;
    if (record.labelled) {
      for (let i = 0; i < series.length; i++) this.emit(suffix, this.tagsAt(series, i), -1, series[i]!.value);
      return;
    }
    const arena = this.arena;
    record.bareLine(suffix, arena);
    arena.note(record.headEnd - record.headStart);
    for (const { value } of series) {
      if (value >= 0 && value < Infinity) {
        this.writer.addNumberLine(arena, record.headStart, record.headEnd, value, record.tail);
      } else this.emit(suffix, record.tags(NO_NAMES), -1, value); // negative, NaN, ±Inf
    }
  }

  sample(suffix: SampleSuffix, labelValues: LabelValues, extra: number, value: number): void {
    this.seriesOf(labelValues);
    this.emit(suffix, this.tags, extra, value);
  }

  info(labelValues: LabelValues, infoNames: readonly string[], infoValues: readonly string[]): void {
    const style = this.style;
    const labelNames = this.record.labelNames;
    const { defaultLabelNames, defaultLabelValues } = this.defaults;
    const d = applicableDefaults(defaultLabelNames, defaultLabelValues, labelNames, infoNames);
    const parts = [
      style.renderTags(labelNames, labelValues),
      style.renderTags(d.names, d.values),
      style.renderTags(infoNames, infoValues),
    ].filter((part) => part !== '');
    const series = style.series(NO_NAMES, NO_NAMES, '');
    style.emit(this.writer, this.record.names, SUFFIX_INFO, series, parts.join(','), 1, '|g', false);
  }

  protected create(family: MetricFamily): FamilyRecord {
    return new FamilyRecord(this.style, family, this.defaults);
  }

  private emit(suffix: SampleSuffix, series: SeriesTags, extra: number, value: number): void {
    if (!Number.isFinite(value)) {
      this.skipped++;
      return;
    }
    const record = this.record;
    const extras = record.extras;
    const tag = extra < 0 ? '' : (extras.tags[extra] ?? '');
    const ascii = record.names.ascii && series.ascii && (extra < 0 || extras.ascii);
    this.style.emit(this.writer, record.names, suffix, series, tag, value, '|g', ascii);
  }
}

/** Seconds → milliseconds, rounded to nanoseconds so that 1.1 s is `1100`, not `1100.0000000000002`. */
function toMilliseconds(seconds: number): number {
  const ms = seconds * 1000;
  // Beyond ~9e9 ms the rounding multiplication would exceed 2^53; such values have no noise to remove.
  return Math.abs(ms) < 9e9 ? Math.round(ms * 1e6) / 1e6 : ms;
}
