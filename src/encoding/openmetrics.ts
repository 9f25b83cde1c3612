// OpenMetrics 1.0 text: for targets that parse it natively (VictoriaMetrics import, Prometheus
// scrapes of a relay). NOT for Pushgateway: its 0.0.4 parser turns an OpenMetrics counter into two
// untyped families (`x_total`, `x_created`); use the Prometheus text encoder there.
//
// What differs from 0.0.4 (OpenMetrics spec, "Text format"):
//  - metadata order TYPE, UNIT, HELP naming the family (a counter's TYPE has no `_total`); UNIT only
//    when the family has one (never for info and stateset, which must have none); empty HELP left out;
//  - counters `x_total`, info `# TYPE x info` with `x_info` samples, stateset typed natively;
//  - `_created` (seconds since the epoch) for counters, histograms and summaries, only with
//    `created: true`: most stores keep it as one more series;
//  - integers and floats are told apart: bucket counts, `_count`, stateset and info samples are
//    integers (`17`); other values are floats (`17.0`, `0.25`, `NaN`, `+Inf`);
//  - a histogram with a negative bucket bound has no `_sum` (it would not be a counter) and
//    therefore no `_count` either (the spec ties them); its +Inf bucket still carries the count;
//  - the exposition ends with `# EOF\n`: as a trailer, so with `maxPayloadBytes` only the last
//    payload carries it.
// Label order, default labels and the canonical `le`/`quantile` forms are shared with 0.0.4.

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
import type { Encoder, EncoderOptions } from './encoder.js';
import { escapeLabelValue, escapeOpenMetricsHelp } from './escape.js';
import { PayloadWriter } from './framing.js';
import { LabelTextCache, SuffixCache } from './label-text.js';
import { formatLe, formatOpenMetricsInteger, formatOpenMetricsValue, formatQuantile } from './number.js';

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

export interface OpenMetricsEncoderOptions extends EncoderOptions {
  /** Write `_created` samples for counters, histograms and summaries. Default false. */
  readonly created?: boolean;
}

const INF_BUCKET = 'le="+Inf"} ';
const EOF = '# EOF\n';

/**
 * The OpenMetrics 1.0 text encoder. Each encoder instance keeps a cache of rendered label text
 * per series, so reuse one instance for a registry rather than creating one per push.
 */
export function openMetricsEncoder(options: OpenMetricsEncoderOptions = {}): Encoder {
  const maxPayloadBytes = options.maxPayloadBytes ?? Infinity;
  const onOversize = options.onOversize;
  const withCreated = options.created === true;
  const labels = new LabelTextCache();
  const leSuffixes = new SuffixCache(formatLe);
  const quantileSuffixes = new SuffixCache(formatQuantile);
  const stateSuffixes = new SuffixCache(escapeLabelValue);

  /** Writes `x_created` unless disabled or the creation time is unknown (not a positive number). */
  function created(w: PayloadWriter, name: string, closedLabels: string, seconds: number): void {
    if (withCreated && seconds > 0 && Number.isFinite(seconds)) {
      w.line(name + closedLabels + ' ' + formatOpenMetricsValue(seconds));
    }
  }

  function writeCounter(w: PayloadWriter, family: CounterFamily): void {
    const total = labels.sampleName(family.name, '_total');
    const createdName = labels.sampleName(family.name, '_created');
    w.beginGroup(header(family, 'counter'));
    const defaults = labels.defaultsFor(family.labelNames);
    for (const s of family.series) {
      w.line(labels.sample(family.labelNames, s.labelValues, defaults, total) + formatOpenMetricsValue(s.value));
      if (withCreated) {
        // Looked up only when needed: counter entries otherwise hold just the `_total` prefix.
        created(w, createdName, labels.series(family.labelNames, s.labelValues, defaults).closed, s.created);
      }
    }
  }

  function writeGauge(w: PayloadWriter, family: GaugeFamily): void {
    const name = labels.sampleName(family.name, '');
    w.beginGroup(header(family, 'gauge'));
    const defaults = labels.defaultsFor(family.labelNames);
    for (const s of family.series) {
      w.line(labels.sample(family.labelNames, s.labelValues, defaults, name) + formatOpenMetricsValue(s.value));
    }
  }

  function writeHistogram(w: PayloadWriter, family: HistogramFamily): void {
    const { name, upperBounds } = family;
    const bucket = labels.sampleName(name, '_bucket');
    const sum = labels.sampleName(name, '_sum');
    const count = labels.sampleName(name, '_count');
    const createdName = labels.sampleName(name, '_created');
    // Bounds are ascending, so the first one tells whether any is negative.
    const withSum = !((upperBounds[0] ?? 0) < 0);
    w.beginGroup(header(family, 'histogram'));
    const defaults = labels.defaultsFor(family.labelNames, LE);
    const suffixes = leSuffixes.get('le', upperBounds);
    for (const s of family.series) {
      const l = labels.series(family.labelNames, s.labelValues, defaults);
      const open = labels.openSample(family.labelNames, s.labelValues, defaults, bucket);
      const counts = s.bucketCounts;
      for (let i = 0; i < suffixes.length; i++) {
        w.line(open + suffixes[i]! + formatOpenMetricsInteger(counts[i] ?? 0));
      }
      // The +Inf bucket is `count` itself, so the two can never disagree.
      const total = formatOpenMetricsInteger(s.count);
      w.line(open + INF_BUCKET + total);
      if (withSum) {
        w.line(sum + l.closed + ' ' + formatOpenMetricsValue(s.sum));
        w.line(count + l.closed + ' ' + total);
      }
      created(w, createdName, l.closed, s.created);
    }
  }

  function writeSummary(w: PayloadWriter, family: SummaryFamily): void {
    const name = labels.sampleName(family.name, '');
    const sum = labels.sampleName(name, '_sum');
    const count = labels.sampleName(name, '_count');
    const createdName = labels.sampleName(name, '_created');
    w.beginGroup(header(family, 'summary'));
    const defaults = labels.defaultsFor(family.labelNames, QUANTILE);
    const suffixes = quantileSuffixes.get('quantile', family.quantiles);
    for (const s of family.series) {
      const l = labels.series(family.labelNames, s.labelValues, defaults);
      if (suffixes.length > 0) {
        const open = labels.openSample(family.labelNames, s.labelValues, defaults, name);
        const values = s.quantileValues;
        for (let i = 0; i < suffixes.length; i++) {
          // NaN when the window is empty: the spec's value for "no events".
          w.line(open + suffixes[i]! + formatOpenMetricsValue(values[i] ?? NaN));
        }
      }
      w.line(sum + l.closed + ' ' + formatOpenMetricsValue(s.sum));
      w.line(count + l.closed + ' ' + formatOpenMetricsInteger(s.count));
      created(w, createdName, l.closed, s.created);
    }
  }

  function writeInfo(w: PayloadWriter, family: InfoFamily): void {
    const name = labels.sampleName(family.name, '_info');
    w.beginGroup(header(family, 'info'));
    for (const s of family.series) {
      w.line(name + labels.info(family.labelNames, s.labelValues, s.infoNames, s.infoValues) + ' 1');
    }
  }

  function writeStateSet(w: PayloadWriter, family: StateSetFamily): void {
    const name = labels.sampleName(family.name, '');
    w.beginGroup(header(family, 'stateset'));
    const defaults = labels.defaultsFor(family.labelNames, [name]);
    const suffixes = stateSuffixes.get(name, family.states);
    for (const s of family.series) {
      const open = labels.openSample(family.labelNames, s.labelValues, defaults, name);
      for (let i = 0; i < suffixes.length; i++) {
        w.line(open + suffixes[i]! + (i === s.stateIndex ? '1' : '0'));
      }
    }
  }

  function writeFamily(w: PayloadWriter, family: MetricFamily): void {
    switch (family.type) {
      case 'counter':
        return writeCounter(w, family);
      case 'gauge':
        return writeGauge(w, family);
      case 'histogram':
        return writeHistogram(w, family);
      case 'summary':
        return writeSummary(w, family);
      case 'info':
        return writeInfo(w, family);
      case 'stateset':
        return writeStateSet(w, family);
      default:
        return unreachable(family);
    }
  }

  return {
    contentType: OPENMETRICS_CONTENT_TYPE,
    encode(snapshot: Snapshot): Uint8Array[] {
      const writer = new PayloadWriter(maxPayloadBytes, onOversize);
      labels.useDefaults(snapshot.defaultLabelNames, snapshot.defaultLabelValues);
      for (const family of snapshot.families) writeFamily(writer, family);
      writer.trailer(EOF);
      return writer.finish();
    },
  };
}

const LE: readonly string[] = ['le'];
const QUANTILE: readonly string[] = ['quantile'];

/** `# TYPE`, `# UNIT` (when set and allowed), `# HELP` (when non-empty), naming the family. */
function header(family: MetricFamily, type: string): string {
  let text = `# TYPE ${family.name} ${type}\n`;
  if (family.unit !== '' && type !== 'info' && type !== 'stateset') text += `# UNIT ${family.name} ${family.unit}\n`;
  if (family.help !== '') text += `# HELP ${family.name} ${escapeOpenMetricsHelp(family.help)}\n`;
  return text;
}

function unreachable(family: never): void {
  // A family type added to the model without an encoder case: skip it rather than throw.
  void family;
}
