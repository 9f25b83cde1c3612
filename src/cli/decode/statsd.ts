// A StatsD line reader for the `listen` receiver: `name:value|type[|@rate][|#k:v,…][|T<secs>]`,
// with the tag styles statsd_exporter reads (DogStatsD `|#k:v`, Influx `name,k=v`, Librato
// `name#k=v`, SignalFX `name[k=v]`) and DogStatsD multi-value lines (`name:1:2|d`). A gauge value
// with a sign is a delta to every StatsD server, so it is shown as one (`g (delta)`).
import { parseFloatValue } from './exposition.js';

export interface StatsdSample {
  readonly name: string;
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
  /** The StatsD type and its qualifiers: `c`, `g`, `g (delta)`, `ms@0.1`. */
  readonly type: string;
  readonly timestampMs: number | undefined;
}

export class StatsdError extends Error {
  constructor(message: string, line: string) {
    super(`statsd: ${message}: ${JSON.stringify(line.length > 80 ? line.slice(0, 80) + '…' : line)}`);
    this.name = 'StatsdError';
  }
}

/**
 * Whether a line is StatsD rather than Influx line protocol: a name, a `:`, numeric value(s) (any
 * value for a set), a `|` and a type made of letters. An Influx line has a space before its
 * fields, and its `:`/`|` (if any) sit inside a quoted string field.
 */
export function looksLikeStatsd(line: string): boolean {
  const pipe = line.indexOf('|');
  if (pipe < 0) return false;
  const head = line.slice(0, pipe);
  const colon = head.indexOf(':');
  if (colon <= 0) return false;
  const type = /^([a-z]+)(?:\||$)/.exec(line.slice(pipe + 1))?.[1];
  if (type === undefined) return false;
  return (
    type === 's' ||
    head
      .slice(colon + 1)
      .split(':')
      .every((v) => parseFloatValue(v) !== undefined)
  );
}

/** Parses one line (one sample per value of a multi-value line). Throws StatsdError. */
export function parseStatsdLine(line: string): StatsdSample[] {
  const parts = line.split('|');
  const head = parts[0] ?? '';
  const colon = head.indexOf(':');
  if (colon <= 0) throw new StatsdError('expected name:value', line);
  const baseType = parts[1] ?? '';
  if (!/^[a-z]+$/.test(baseType)) throw new StatsdError('expected |type', line);
  const { name, labels } = nameAndTags(head.slice(0, colon), line);
  let rate = '';
  let timestampMs: number | undefined;
  for (const extra of parts.slice(2)) {
    if (extra.startsWith('@')) {
      if (parseFloatValue(extra.slice(1)) === undefined) throw new StatsdError('bad sample rate', line);
      rate = extra;
    } else if (extra.startsWith('#')) {
      for (const tag of splitTags(extra.slice(1))) {
        const at = tag.indexOf(':');
        labels.push(at < 0 ? [tag, ''] : [tag.slice(0, at), tag.slice(at + 1)]);
      }
    } else if (/^T\d+$/.test(extra)) {
      timestampMs = Number(extra.slice(1)) * 1000;
    }
    // Other DogStatsD extras (`c:` container id, `e:`, `card:`) carry no sample data.
  }
  const samples: StatsdSample[] = [];
  for (const text of head.slice(colon + 1).split(':')) {
    const value = parseFloatValue(text);
    if (value === undefined && baseType !== 's') throw new StatsdError(`bad value ${JSON.stringify(text)}`, line);
    const delta = baseType === 'g' && (text.startsWith('+') || text.startsWith('-'));
    const type = baseType + rate + (delta ? ' (delta)' : '');
    samples.push({ name, labels, value: value ?? NaN, type, timestampMs });
  }
  return samples;
}

function nameAndTags(key: string, line: string): { name: string; labels: [string, string][] } {
  const labels: [string, string][] = [];
  const pairs = (text: string): void => {
    for (const tag of splitTags(text)) {
      const eq = tag.indexOf('=');
      if (eq <= 0) throw new StatsdError(`bad tag ${JSON.stringify(tag)}`, line);
      labels.push([tag.slice(0, eq), tag.slice(eq + 1)]);
    }
  };
  const open = key.indexOf('[');
  if (open >= 0) {
    const close = key.indexOf(']', open);
    if (close < 0) throw new StatsdError('unclosed [ in the name', line);
    pairs(key.slice(open + 1, close));
    return { name: key.slice(0, open) + key.slice(close + 1), labels };
  }
  const hash = key.indexOf('#');
  const comma = key.indexOf(',');
  const at = hash >= 0 ? hash : comma;
  if (at < 0) return { name: key, labels };
  pairs(key.slice(at + 1));
  return { name: key.slice(0, at), labels };
}

function splitTags(text: string): string[] {
  return text.split(',').filter((tag) => tag !== '');
}
