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
//  - the exposition ends with `# EOF\n`; with `maxPayloadBytes` EVERY payload ends with it (its
//    bytes counted in the limit), so each parses on its own. A slice of a sliced push other than
//    the last (`snapshot.last === false`) has none, and a `continued` family no metadata.
// Payload splitting (metadata repeated, histogram and summary series kept whole) as in 0.0.4.
// Label order, default labels and the canonical `le`/`quantile` forms are shared with 0.0.4.

import type { MetricFamily } from '../model/snapshot.js';
import type { Encoder, EncoderOptions } from './encoder.js';
import { escapeOpenMetricsHelp } from './escape.js';
import {
  floatLineEnd,
  formatOpenMetricsInteger,
  formatOpenMetricsValue,
  smallFloatLine,
  smallIntegerLine,
} from './number.js';
import { flat } from './series-slots.js';
import { textEncoder } from './text-exposition.js';

export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

export interface OpenMetricsEncoderOptions extends EncoderOptions {
  /** Write `_created` samples for counters, histograms and summaries. Default false. */
  readonly created?: boolean;
}

/**
 * The OpenMetrics 1.0 text encoder. Each encoder instance keeps a cache of rendered label text
 * per series, so reuse one instance for a registry rather than creating one per push.
 */
export function openMetricsEncoder(options: OpenMetricsEncoderOptions = {}): Encoder {
  const format = {
    header,
    value: formatOpenMetricsValue,
    integer: formatOpenMetricsInteger,
    valueLine: smallFloatLine,
    integerLine: smallIntegerLine,
    lineEnd: floatLineEnd,
    created: options.created === true,
    sumWithNegativeBounds: false,
  };
  return textEncoder(OPENMETRICS_CONTENT_TYPE, format, options, '# EOF\n');
}

/** `# TYPE`, `# UNIT` (when set and allowed), `# HELP` (when non-empty), naming the family. */
function header(family: MetricFamily): string {
  const { name, type } = family;
  let text = flat('# TYPE ', name, ' ', type, '\n');
  if (family.unit !== '' && type !== 'info' && type !== 'stateset')
    text += flat('# UNIT ', name, ' ', family.unit, '\n');
  if (family.help !== '') text += flat('# HELP ', name, ' ', escapeOpenMetricsHelp(family.help), '\n');
  return text;
}
