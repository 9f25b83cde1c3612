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

/**
 * `s` with every UTF-16 unit for which `replacement` returns a string replaced by that string
 * (`undefined` keeps the unit). For text a regex test already found special, so a call per unit
 * costs little.
 */
export function replaceUnits(
  s: string,
  replacement: (unit: number, s: string, i: number) => string | undefined,
): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const rep = replacement(s.charCodeAt(i), s, i);
    if (rep === undefined) continue;
    out += s.slice(from, i) + rep;
    from = i + 1;
  }
  return out + s.slice(from);
}
