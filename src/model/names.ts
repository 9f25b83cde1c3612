// Name rules shared by every metric type. Checked once, when a metric is defined, so the hot path
// never validates names. Every error names the metric and quotes the offending value (JSON
// quoting makes empty strings and stray whitespace visible).
import { InvalidArgumentError } from '../errors.js';
import type { MetricType } from './snapshot.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// OpenMetrics puts the unit at the end of the name, so it must itself be usable inside a name.
const UNIT = /^[a-zA-Z0-9_]+$/;

/** Quotes a caller-supplied value for an error message. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object') return typeof value; // function, symbol
  try {
    return `object ${JSON.stringify(value)}`;
  } catch {
    return 'object'; // circular
  }
}

export interface NameParts {
  readonly type: MetricType;
  readonly name: unknown;
  readonly namespace?: string | undefined;
  readonly subsystem?: string | undefined;
  readonly unit?: string | undefined;
}

/**
 * namespace_subsystem_name_unit, following client_python: a counter's `_total` and an info's
 * `_info` are stripped (the snapshot never carries them; encoders add them as their format
 * requires), then `_<unit>` is appended unless the name already ends with it.
 * Throws InvalidArgumentError for an empty or invalid result, or a unit on an info/enum.
 */
export function buildFullName(parts: NameParts): string {
  const { type, name, namespace, subsystem, unit } = parts;
  if (typeof name !== 'string' || name === '') {
    throw new InvalidArgumentError(`metric name must be a non-empty string, got ${quote(name)}`);
  }
  let full = name;
  if (subsystem !== undefined && subsystem !== '') full = `${subsystem}_${full}`;
  if (namespace !== undefined && namespace !== '') full = `${namespace}_${full}`;
  if (type === 'counter' && full.endsWith('_total')) full = full.slice(0, -'_total'.length);
  if (type === 'info' && full.endsWith('_info')) full = full.slice(0, -'_info'.length);
  if (unit !== undefined && unit !== '') {
    if (type === 'info' || type === 'stateset') {
      throw new InvalidArgumentError(
        `metric ${quote(full)}: a ${typeName(type)} cannot have a unit, got ${quote(unit)}`,
      );
    }
    if (typeof unit !== 'string' || !UNIT.test(unit)) {
      throw new InvalidArgumentError(`metric ${quote(full)}: invalid unit ${quote(unit)} (must match [a-zA-Z0-9_]+)`);
    }
    if (!full.endsWith(`_${unit}`)) full = `${full}_${unit}`;
  }
  if (!METRIC_NAME.test(full)) {
    throw new InvalidArgumentError(`invalid metric name ${quote(full)} (must match [a-zA-Z_:][a-zA-Z0-9_:]*)`);
  }
  return full;
}

/** The word users know: an Enum is a stateset only on the wire. */
export function typeName(type: MetricType): string {
  return type === 'stateset' ? 'enum' : type;
}

/** True for a usable label name: `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__`. */
export function isValidLabelName(name: unknown): name is string {
  return typeof name === 'string' && LABEL_NAME.test(name) && !name.startsWith('__');
}

/**
 * Checks one label name. `reserved` names the labels an encoder adds for this metric type
 * (histogram `le`, summary `quantile`, enum: the metric's own name).
 */
export function checkLabelName(metric: string, name: unknown, reserved: readonly string[] = []): string {
  if (typeof name !== 'string' || !LABEL_NAME.test(name)) {
    throw new InvalidArgumentError(
      `metric ${quote(metric)}: invalid label name ${quote(name)} (must match [a-zA-Z_][a-zA-Z0-9_]*)`,
    );
  }
  if (name.startsWith('__')) {
    throw new InvalidArgumentError(`metric ${quote(metric)}: label name ${quote(name)} is reserved (starts with "__")`);
  }
  if (reserved.includes(name)) {
    throw new InvalidArgumentError(
      `metric ${quote(metric)}: label name ${quote(name)} is reserved for this metric type`,
    );
  }
  return name;
}

/** Validates a label-name list and returns a frozen copy (it becomes the family's `labelNames`). */
export function checkLabelNames(metric: string, names: unknown, reserved: readonly string[] = []): readonly string[] {
  if (names === undefined) return Object.freeze([]);
  if (!Array.isArray(names)) {
    throw new InvalidArgumentError(`metric ${quote(metric)}: labelNames must be an array, got ${quote(names)}`);
  }
  const seen = new Set<string>();
  for (const name of names as unknown[]) {
    const checked = checkLabelName(metric, name, reserved);
    if (seen.has(checked)) {
      throw new InvalidArgumentError(`metric ${quote(metric)}: duplicate label name ${quote(checked)}`);
    }
    seen.add(checked);
  }
  return Object.freeze([...seen]);
}

/** Label values are strings on every wire; numbers are accepted and stringified once. */
export function labelValueToString(metric: string, label: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new InvalidArgumentError(
    `metric ${quote(metric)}: label ${quote(label)} must be a string or a number, got ${quote(value)}`,
  );
}
