// Escaping for the Prometheus text formats. Most label values and help texts need none, so each
// function tests once with a non-global regex (no lastIndex state) and returns its input as is.

const LABEL_VALUE_SPECIAL = /[\\"\n]/;
const LABEL_VALUE_SPECIAL_ALL = /[\\"\n]/g;
const HELP_SPECIAL = /[\\\n]/;
const HELP_SPECIAL_ALL = /[\\\n]/g;

function escapeChar(char: string): string {
  return char === '\n' ? '\\n' : '\\' + char;
}

/**
 * A label value for Prometheus text 0.0.4 and OpenMetrics alike: `\` → `\\`, `"` → `\"`,
 * newline → `\n`. Nothing else is escaped (a carriage return or any Unicode is legal as is).
 */
export function escapeLabelValue(value: string): string {
  return LABEL_VALUE_SPECIAL.test(value) ? value.replace(LABEL_VALUE_SPECIAL_ALL, escapeChar) : value;
}

/**
 * A `# HELP` text for Prometheus text 0.0.4: only `\` → `\\` and newline → `\n`. Quotes stay
 * literal: the 0.0.4 parser in prometheus/common (hence Pushgateway) rejects any other escape
 * sequence in HELP, `\"` included ("invalid escape sequence"), failing the whole push.
 */
export function escapePrometheusHelp(help: string): string {
  return HELP_SPECIAL.test(help) ? help.replace(HELP_SPECIAL_ALL, escapeChar) : help;
}

/** A `# HELP` text for OpenMetrics, which escapes `"` too (same rule as label values). */
export function escapeOpenMetricsHelp(help: string): string {
  return escapeLabelValue(help);
}
