// Shared by the pusher tests: a guard that no uncaught exception or unhandled rejection happens
// during a test file, an event-loop turn, and readers for exact self-metric values.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import type { Registry } from '../../src/registry.js';

/** Records uncaught exceptions and unhandled rejections for the whole file; asserts none at the end. */
export function guardProcess(): void {
  const seen: unknown[] = [];
  const onUncaught = (error: unknown): void => {
    seen.push(error);
  };
  const onRejection = (reason: unknown): void => {
    seen.push(reason);
  };
  before(() => {
    process.on('uncaughtException', onUncaught);
    process.on('unhandledRejection', onRejection);
  });
  after(() => {
    process.removeListener('uncaughtException', onUncaught);
    process.removeListener('unhandledRejection', onRejection);
    assert.deepEqual(seen, [], 'no uncaught exception or unhandled rejection');
  });
}

/** One event-loop turn: setImmediate callbacks scheduled before this one have run. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The value of one series in `registry`: a counter or gauge's value, a histogram's count.
 * `labels` must list every label of the series.
 */
export function seriesValue(registry: Registry, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = registry.collect().families.find((f) => f.name === name);
  if (family === undefined) return undefined;
  for (const series of family.series) {
    const matches = family.labelNames.every((label, i) => series.labelValues[i] === labels[label]);
    if (!matches || family.labelNames.length !== Object.keys(labels).length) continue;
    if ('value' in series) return series.value;
    if ('count' in series) return series.count;
  }
  return undefined;
}

/** Every series of a family as `{labels} value`, for asserting a whole family at once. */
export function familyValues(registry: Registry, name: string): string[] {
  const family = registry.collect().families.find((f) => f.name === name);
  if (family === undefined) return [];
  return family.series.map((series) => {
    const labels = family.labelNames.map((label, i) => `${label}=${series.labelValues[i]}`).join(',');
    const value = 'value' in series ? series.value : 'count' in series ? series.count : NaN;
    return `{${labels}} ${value}`;
  });
}
