// A parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0 text, shared by `push`
// (samples from arguments or stdin) and `listen` (what a job sends to a Pushgateway or a text
// import endpoint). It reads samples the way Prometheus' own parser does (prometheus/common
// expfmt): label values unescape `\\`, `\"` and `\n` and nothing else, values are Go floats
// (`NaN`, `+Inf`, `-Inf`, `1e3`), a sample may end with a timestamp (0.0.4: integer
// milliseconds; OpenMetrics: seconds), and OpenMetrics exemplars (` # {…} v`) are skipped.
// It is forgiving where a debugging tool should be (CRLF, blank lines, a missing `# EOF`).

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export interface ExpositionSample {
  readonly name: string;
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
  readonly timestampMs: number | undefined;
  /** The family the sample belongs to: the `# TYPE`d name it matches, else the sample name. */
  readonly family: string;
  /** The family's `# TYPE` (lower case), undefined without one. */
  readonly type: string | undefined;
  /** The family's `# HELP`, unescaped; undefined without one. */
  readonly help: string | undefined;
  /** 1-based line number in the input. */
  readonly line: number;
}

export class ExpositionError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'ExpositionError';
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const WHOLE_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** Suffixes a sample of a typed family may carry (histogram, summary, counter, info, gauge histogram). */
const FAMILY_SUFFIXES = ['_total', '_created', '_bucket', '_count', '_sum', '_info', '_gcount', '_gsum'];

/** A Go `ParseFloat`-style value: decimal or exponent, `NaN`, `[+-]Inf(inity)`; undefined otherwise. */
export function parseFloatValue(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  const lower = text.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === '+inf' || lower === 'inf' || lower === '+infinity' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return undefined;
}

/**
 * Parses a whole exposition. Throws ExpositionError naming the first bad line. Lines after an
 * OpenMetrics `# EOF` are ignored.
 */
export function parseExposition(text: string, format: ExpositionFormat = 'prometheus'): ExpositionSample[] {
  const types = new Map<string, string>();
  const helps = new Map<string, string>();
  const samples: ExpositionSample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const number = i + 1;
    const line = trimLine(lines[i]!);
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (line === '# EOF') break;
      metadata(line, number, format, types, helps);
      continue;
    }
    samples.push(sample(line, number, format, types, helps));
  }
  return samples;
}

function trimLine(line: string): string {
  return line.replace(/^[ \t]+/, '').replace(/[ \t\r]+$/, '');
}

function metadata(
  line: string,
  number: number,
  format: ExpositionFormat,
  types: Map<string, string>,
  helps: Map<string, string>,
): void {
  const match = /^#[ \t]+(HELP|TYPE)[ \t]+([^ \t]+)(?:[ \t]+(.*))?$/.exec(line);
  if (match === null) return; // any other comment (UNIT included) carries nothing we show
  const [, keyword, name = '', rest = ''] = match;
  if (!WHOLE_METRIC_NAME.test(name)) {
    throw new ExpositionError(number, `invalid metric name ${JSON.stringify(name)} in # ${keyword}`);
  }
  if (keyword === 'TYPE') {
    const type = rest.trim().toLowerCase();
    if (!/^[a-z]+$/.test(type)) throw new ExpositionError(number, `invalid type ${JSON.stringify(rest)} for ${name}`);
    if (types.has(name)) throw new ExpositionError(number, `second # TYPE line for ${name}`);
    types.set(name, type);
  } else {
    // HELP escapes: `\\` and `\n`; OpenMetrics also `\"` (0.0.4 keeps a quote as it is).
    const escapes = format === 'openmetrics' ? /\\(\\|n|")/g : /\\(\\|n)/g;
    helps.set(
      name,
      rest.replace(escapes, (_, c: string) => (c === 'n' ? '\n' : c)),
    );
  }
}

function sample(
  line: string,
  number: number,
  format: ExpositionFormat,
  types: ReadonlyMap<string, string>,
  helps: ReadonlyMap<string, string>,
): ExpositionSample {
  const fail = (message: string): never => {
    throw new ExpositionError(number, message);
  };
  const name = METRIC_NAME.exec(line)?.[0] ?? fail(`expected a metric name at ${JSON.stringify(line.slice(0, 20))}`);
  let pos = name.length;
  const labels: [string, string][] = [];
  // Blanks may separate the name from its labels, as Prometheus' own parser allows.
  const brace = /^[ \t]*\{/.exec(line.slice(pos));
  if (brace !== null) {
    pos = parseLabels(line, pos + brace[0].length, labels, fail);
  }
  const rest = line.slice(pos);
  if (!/^[ \t]/.test(rest)) fail(`expected a space and a value after ${name}`);
  // An OpenMetrics exemplar (` # {…} value`) follows the value and timestamp: not shown.
  const body = format === 'openmetrics' ? rest.replace(/[ \t]+#[ \t].*$/, '') : rest;
  const fields = body.trim().split(/[ \t]+/);
  if (fields.length > 2) fail(`unexpected ${JSON.stringify(fields.slice(2).join(' '))} after the value of ${name}`);
  const [valueText = '', timestampText] = fields;
  const value = parseFloatValue(valueText) ?? fail(`invalid value ${JSON.stringify(valueText)} for ${name}`);
  let timestampMs: number | undefined;
  if (timestampText !== undefined) {
    timestampMs =
      format === 'openmetrics'
        ? secondsTimestamp(timestampText)
        : /^-?\d+$/.test(timestampText)
          ? Number(timestampText)
          : undefined;
    if (timestampMs === undefined) fail(`invalid timestamp ${JSON.stringify(timestampText)} for ${name}`);
  }
  const family = familyOf(name, types);
  return { name, labels, value, timestampMs, family, type: types.get(family), help: helps.get(family), line: number };
}

function secondsTimestamp(text: string): number | undefined {
  const seconds = parseFloatValue(text);
  return seconds === undefined || !Number.isFinite(seconds) ? undefined : Math.round(seconds * 1000);
}

/** Reads `name="value",…}` from `pos` (just after `{`); returns the position after `}`. */
function parseLabels(line: string, pos: number, labels: [string, string][], fail: (m: string) => never): number {
  const skipSpaces = (): void => {
    while (line[pos] === ' ' || line[pos] === '\t') pos++;
  };
  for (;;) {
    skipSpaces();
    if (line[pos] === '}') return pos + 1;
    const label = LABEL_NAME.exec(line.slice(pos))?.[0] ?? fail(`expected a label name at column ${pos + 1}`);
    pos += label.length;
    skipSpaces();
    if (line[pos] !== '=') fail(`expected = after label ${label}`);
    pos++;
    skipSpaces();
    if (line[pos] !== '"') fail(`expected " to open the value of label ${label}`);
    pos++;
    let value = '';
    for (;;) {
      const c = line[pos];
      if (c === undefined) fail(`unterminated value of label ${label}`);
      pos++;
      if (c === '"') break;
      if (c === '\\') {
        const next = line[pos++];
        if (next === '\\' || next === '"') value += next;
        else if (next === 'n') value += '\n';
        else fail(`invalid escape \\${next ?? ''} in the value of label ${label}`);
        continue;
      }
      value += c;
    }
    if (labels.some(([n]) => n === label)) fail(`label ${label} appears twice`);
    labels.push([label, value]);
    skipSpaces();
    if (line[pos] === ',') {
      pos++;
      continue;
    }
    if (line[pos] === '}') return pos + 1;
    fail(`expected , or } after the value of label ${label}`);
  }
}

/** The TYPEd family a sample name belongs to: itself, or its name minus a family suffix. */
function familyOf(name: string, types: ReadonlyMap<string, string>): string {
  if (types.has(name)) return name;
  for (const suffix of FAMILY_SUFFIXES) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      if (types.has(base)) return base;
    }
  }
  return name;
}
