// Prometheus text exposition format 0.0.4: what Pushgateway, prom-aggregation-gateway and
// VictoriaMetrics' /api/v1/import/prometheus parse. Pushgateway rejects a whole push for any of:
// a timestamp, CRLF, a missing final newline, a `# TYPE` after the family's samples, a repeated
// series. So: LF only, every line ends with `\n`, HELP and TYPE lead each family's samples, and
// there are never timestamps.
//
// Format choices (each one fixed, because changing it renames series in the stores):
//  - counters are written `x_total` and typed as `# TYPE x_total counter`: the 0.0.4 parser has no
//    `_total` suffix logic, so the TYPE line must name the sample;
//  - no `_created` samples: client_python emits them as extra gauges here, which Pushgateway and
//    VictoriaMetrics would store as separate series;
//  - info is a gauge `x_info{...} 1`, an Enum (stateset) a gauge `x{...,x="state"} 1|0` with one
//    line per state, as client_python writes them in this format;
//  - `le` and `quantile` values use the canonical OpenMetrics rendering (`1.0`, `0.005`, `+Inf`),
//    identical to the OpenMetrics encoder's;
//  - label order and default labels: see label-text.ts;
//  - a family without series writes nothing, not even HELP/TYPE (its header is only emitted with
//    its first sample).

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
import { escapeLabelValue, escapePrometheusHelp } from './escape.js';
import { PayloadWriter } from './framing.js';
import { LabelTextCache, SuffixCache } from './label-text.js';
import { formatLe, formatPrometheusValue, formatQuantile } from './number.js';

export const PROMETHEUS_TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const INF_BUCKET = 'le="+Inf"} ';

/**
 * The Prometheus text 0.0.4 encoder. Each encoder instance keeps a cache of rendered label text
 * per series, so reuse one instance for a registry rather than creating one per push.
 */
export function prometheusTextEncoder(options: EncoderOptions = {}): Encoder {
  const maxPayloadBytes = options.maxPayloadBytes ?? Infinity;
  const onOversize = options.onOversize;
  const labels = new LabelTextCache();
  const leSuffixes = new SuffixCache(formatLe);
  const quantileSuffixes = new SuffixCache(formatQuantile);
  const stateSuffixes = new SuffixCache(escapeLabelValue);

  function writeCounter(w: PayloadWriter, family: CounterFamily): void {
    const name = labels.sampleName(family.name, '_total');
    w.beginGroup(header(name, family.help, 'counter'));
    const defaults = labels.defaultsFor(family.labelNames);
    for (const s of family.series) {
      w.line(labels.sample(family.labelNames, s.labelValues, defaults, name) + formatPrometheusValue(s.value));
    }
  }

  function writeGauge(w: PayloadWriter, family: GaugeFamily): void {
    const name = labels.sampleName(family.name, '');
    w.beginGroup(header(name, family.help, 'gauge'));
    const defaults = labels.defaultsFor(family.labelNames);
    for (const s of family.series) {
      w.line(labels.sample(family.labelNames, s.labelValues, defaults, name) + formatPrometheusValue(s.value));
    }
  }

  function writeHistogram(w: PayloadWriter, family: HistogramFamily): void {
    const { name, upperBounds } = family;
    const bucket = labels.sampleName(name, '_bucket');
    const sum = labels.sampleName(name, '_sum');
    const count = labels.sampleName(name, '_count');
    w.beginGroup(header(name, family.help, 'histogram'));
    const defaults = labels.defaultsFor(family.labelNames, LE);
    const suffixes = leSuffixes.get('le', upperBounds);
    for (const s of family.series) {
      const l = labels.series(family.labelNames, s.labelValues, defaults);
      const open = labels.openSample(family.labelNames, s.labelValues, defaults, bucket);
      const counts = s.bucketCounts;
      for (let i = 0; i < suffixes.length; i++) {
        w.line(open + suffixes[i]! + formatPrometheusValue(counts[i] ?? 0));
      }
      // The +Inf bucket is `count` itself, so the two can never disagree.
      const total = formatPrometheusValue(s.count);
      w.line(open + INF_BUCKET + total);
      w.line(sum + l.closed + ' ' + formatPrometheusValue(s.sum));
      w.line(count + l.closed + ' ' + total);
    }
  }

  function writeSummary(w: PayloadWriter, family: SummaryFamily): void {
    const name = labels.sampleName(family.name, '');
    const sum = labels.sampleName(name, '_sum');
    const count = labels.sampleName(name, '_count');
    w.beginGroup(header(name, family.help, 'summary'));
    const defaults = labels.defaultsFor(family.labelNames, QUANTILE);
    const suffixes = quantileSuffixes.get('quantile', family.quantiles);
    for (const s of family.series) {
      const l = labels.series(family.labelNames, s.labelValues, defaults);
      if (suffixes.length > 0) {
        const open = labels.openSample(family.labelNames, s.labelValues, defaults, name);
        const values = s.quantileValues;
        for (let i = 0; i < suffixes.length; i++) {
          w.line(open + suffixes[i]! + formatPrometheusValue(values[i] ?? NaN));
        }
      }
      w.line(sum + l.closed + ' ' + formatPrometheusValue(s.sum));
      w.line(count + l.closed + ' ' + formatPrometheusValue(s.count));
    }
  }

  function writeInfo(w: PayloadWriter, family: InfoFamily): void {
    const name = labels.sampleName(family.name, '_info');
    w.beginGroup(header(name, family.help, 'gauge'));
    for (const s of family.series) {
      w.line(name + labels.info(family.labelNames, s.labelValues, s.infoNames, s.infoValues) + ' 1');
    }
  }

  function writeStateSet(w: PayloadWriter, family: StateSetFamily): void {
    const name = labels.sampleName(family.name, '');
    w.beginGroup(header(name, family.help, 'gauge'));
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
    contentType: PROMETHEUS_TEXT_CONTENT_TYPE,
    encode(snapshot: Snapshot): Uint8Array[] {
      const writer = new PayloadWriter(maxPayloadBytes, onOversize);
      labels.useDefaults(snapshot.defaultLabelNames, snapshot.defaultLabelValues);
      for (const family of snapshot.families) writeFamily(writer, family);
      return writer.finish();
    },
  };
}

const LE: readonly string[] = ['le'];
const QUANTILE: readonly string[] = ['quantile'];

/** `# HELP` (left out when the help is empty) then `# TYPE`, both naming the sample name. */
function header(name: string, help: string, type: string): string {
  const typeLine = `# TYPE ${name} ${type}\n`;
  return help === '' ? typeLine : `# HELP ${name} ${escapePrometheusHelp(help)}\n${typeLine}`;
}

function unreachable(family: never): void {
  // A family type added to the model without an encoder case: skip it rather than throw.
  void family;
}
