// An InfluxDB line protocol reader for the `listen` receiver, naming series the way
// VictoriaMetrics does: `{measurement}_{field}`, or the field key alone when the measurement is
// empty (`,job=x up=1` → `up{job="x"}`, our default encoder flavour). Escapes: a backslash before
// a space, comma, `=`, `"` or another backslash stands for that character (VictoriaMetrics
// unescapes `\\` too); any other backslash is literal. Bad lines are reported one by one and the
// rest of the payload still counts, as VictoriaMetrics does (it answers 204 either way).
import type { InfluxPrecision } from '../../encoding/influx-line.js';
import { parseFloatValue } from './exposition.js';

export interface InfluxSample {
  readonly name: string;
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
  /** `float`, `int`, `uint` or `bool` (line protocol's field types; strings are not samples). */
  readonly fieldType: string;
  readonly timestampMs: number | undefined;
}

export interface InfluxParseResult {
  readonly samples: InfluxSample[];
  /** One message per rejected line or ignored field. */
  readonly problems: string[];
}

const ESCAPABLE = new Set([' ', ',', '=', '"', '\\']);
const TRUE = new Set(['t', 'T', 'true', 'True', 'TRUE']);
const FALSE = new Set(['f', 'F', 'false', 'False', 'FALSE']);
const PER_MS: Record<InfluxPrecision, number> = { ns: 1e6, us: 1e3, ms: 1, s: 1e-3 };

class LineError extends Error {}

export function parseInfluxLines(text: string, precision: InfluxPrecision = 'ns'): InfluxParseResult {
  const samples: InfluxSample[] = [];
  const problems: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    // A leading space is meaningful (an empty measurement); only a blank line is empty.
    if (line.trim() === '' || line.startsWith('#')) continue;
    try {
      parseLine(line, precision, samples, problems);
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      problems.push(`influx: ${error.message}: ${JSON.stringify(line.length > 80 ? line.slice(0, 80) + '…' : line)}`);
    }
  }
  return { samples, problems };
}

function parseLine(line: string, precision: InfluxPrecision, samples: InfluxSample[], problems: string[]): void {
  const s = new Scanner(line);
  const measurement = s.token([',', ' ']);
  const labels: [string, string][] = [];
  while (s.peek() === ',') {
    s.pos++;
    const key = s.token(['=', ',', ' ']);
    if (s.peek() !== '=' || key === '') throw new LineError('bad tag');
    s.pos++;
    const value = s.token([',', ' ']);
    labels.push([key, value]);
  }
  if (s.peek() !== ' ') throw new LineError('missing fields');
  s.skipSpaces();
  const fields: [string, string, boolean][] = [];
  for (;;) {
    const key = s.token(['=', ',', ' ']);
    if (s.peek() !== '=' || key === '') throw new LineError('bad field');
    s.pos++;
    if (s.peek() === '"') fields.push([key, s.quoted(), true]);
    else fields.push([key, s.token([',', ' ']), false]);
    if (s.peek() !== ',') break;
    s.pos++;
  }
  let timestampMs: number | undefined;
  if (s.peek() === ' ') {
    s.skipSpaces();
    const stamp = s.rest();
    if (!/^-?\d+$/.test(stamp)) throw new LineError('bad timestamp');
    timestampMs = Number(stamp) / PER_MS[precision];
  } else if (!s.atEnd()) {
    throw new LineError('unexpected text after the fields');
  }
  for (const [field, text, quoted] of fields) {
    const name = measurement === '' ? field : `${measurement}_${field}`;
    if (quoted) {
      problems.push(`influx: string field ${name} not shown (VictoriaMetrics stores it as 0)`);
      continue;
    }
    const [value, fieldType] = fieldValue(text);
    samples.push({ name, labels, value, fieldType, timestampMs });
  }
}

function fieldValue(text: string): [number, string] {
  if (/^[+-]?\d+i$/.test(text)) return [Number(text.slice(0, -1)), 'int'];
  if (/^\d+u$/.test(text)) return [Number(text.slice(0, -1)), 'uint'];
  if (TRUE.has(text)) return [1, 'bool'];
  if (FALSE.has(text)) return [0, 'bool'];
  const value = parseFloatValue(text);
  if (value === undefined) throw new LineError(`bad field value ${JSON.stringify(text)}`);
  return [value, 'float'];
}

class Scanner {
  pos = 0;
  constructor(private readonly line: string) {}

  peek(): string | undefined {
    return this.line[this.pos];
  }

  atEnd(): boolean {
    return this.pos >= this.line.length;
  }

  rest(): string {
    const rest = this.line.slice(this.pos);
    this.pos = this.line.length;
    return rest;
  }

  skipSpaces(): void {
    while (this.line[this.pos] === ' ') this.pos++;
  }

  /** Unescaped text up to one of `stops` (not consumed) or the end. */
  token(stops: readonly string[]): string {
    let out = '';
    for (;;) {
      const c = this.line[this.pos];
      if (c === undefined || stops.includes(c)) return out;
      this.pos++;
      const next = this.line[this.pos];
      if (c === '\\' && next !== undefined && ESCAPABLE.has(next)) {
        out += next;
        this.pos++;
      } else {
        out += c;
      }
    }
  }

  /** A string field value from its opening quote; `\"` and `\\` are escapes. */
  quoted(): string {
    this.pos++;
    let out = '';
    for (;;) {
      const c = this.line[this.pos++];
      if (c === undefined) throw new LineError('unterminated string field');
      if (c === '"') return out;
      const next = this.line[this.pos];
      if (c === '\\' && (next === '"' || next === '\\')) {
        out += next;
        this.pos++;
      } else {
        out += c;
      }
    }
  }
}
