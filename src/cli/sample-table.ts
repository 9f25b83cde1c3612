// How `listen` prints what it receives: one row per sample, in columns wide enough for the
// usual names (a longer cell pushes the rest of its row right rather than being cut), or one
// JSON object per line (`--json`) for scripts.
import { escapeLabelValue } from '../encoding/escape.js';
import { formatPrometheusValue } from '../encoding/number.js';
import type { ReceivedSample } from './received-sample.js';

const WIDTHS = [12, 32, 40, 14] as const;

export const TABLE_HEADER = row(['FORMAT', 'NAME', 'LABELS', 'VALUE', 'TYPE']);

/** `influx        up                      {job="x"}     1             float` */
export function tableRow(sample: ReceivedSample): string {
  return row([
    sample.format,
    sample.name,
    formatLabels(sample.labels),
    formatPrometheusValue(sample.value),
    sample.type,
  ]);
}

/** `{a="x",b="y\"z"}` with the Prometheus text escapes, `{}` when there are none. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels)
    .map(([name, value]) => `${name}="${escapeLabelValue(value)}"`)
    .join(',')}}`;
}

/** One JSON object; non-finite values as their Prometheus spelling (`NaN`, `+Inf`), which JSON lacks. */
export function jsonRow(sample: ReceivedSample): string {
  const { format, via, name, labels, value, type, timestampMs } = sample;
  return JSON.stringify({
    format,
    via,
    name,
    labels,
    value: Number.isFinite(value) ? value : formatPrometheusValue(value),
    type,
    ...(timestampMs !== undefined && { timestampMs }),
  });
}

function row(cells: readonly string[]): string {
  let line = '';
  cells.forEach((cell, i) => {
    const width = WIDTHS[i as 0 | 1 | 2 | 3] ?? 0;
    line += i === cells.length - 1 ? cell : cell.padEnd(width) + '  ';
  });
  return line.trimEnd();
}
