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
//    its first sample); a `continued` family (a later slice of a sliced push) writes no HELP/TYPE;
//  - with `maxPayloadBytes`, HELP and TYPE are repeated at the top of a payload that starts inside
//    a family, and a histogram or summary series is never split across payloads unless it is
//    larger than one payload (see PayloadWriter).

import type { MetricFamily } from '../model/snapshot.js';
import type { Encoder, EncoderOptions } from './encoder.js';
import { escapePrometheusHelp } from './escape.js';
import { decimalLineEnd, formatPrometheusValue, smallIntegerLine } from './number.js';
import { flat } from './series-slots.js';
import { textEncoder } from './text-exposition.js';
import type { TextFormat } from './text-exposition.js';

export const PROMETHEUS_TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The Prometheus text 0.0.4 encoder. Each encoder instance keeps a cache of rendered label text
 * per series, so reuse one instance for a registry rather than creating one per push.
 */
export function prometheusTextEncoder(options: EncoderOptions = {}): Encoder {
  return textEncoder(PROMETHEUS_TEXT_CONTENT_TYPE, FORMAT, options);
}

const FORMAT: TextFormat = {
  header,
  value: formatPrometheusValue,
  integer: formatPrometheusValue,
  valueLine: smallIntegerLine,
  integerLine: smallIntegerLine,
  lineEnd: decimalLineEnd,
  created: false,
  sumWithNegativeBounds: true,
};

/** `# HELP` (left out when the help is empty) then `# TYPE`, naming `x_total` for a counter, `x_info` for an info. */
function header(family: MetricFamily): string {
  const { type, name } = family;
  const named = type === 'counter' ? flat(name, '_total') : type === 'info' ? flat(name, '_info') : name;
  // Info and stateset have no type of their own in 0.0.4: gauges, as client_python writes them.
  const typeLine = flat('# TYPE ', named, ' ', type === 'info' || type === 'stateset' ? 'gauge' : type, '\n');
  return family.help === '' ? typeLine : flat('# HELP ', named, ' ', escapePrometheusHelp(family.help), '\n', typeLine);
}
