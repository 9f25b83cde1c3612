// Histogram bucket bounds: the defaults, the two generators every Prometheus client offers, and
// validation. Bounds are checked once at definition so `observe()` can trust them.
import { InvalidArgumentError } from '../errors.js';
import { quote } from '../model/names.js';

/** client_python's defaults (seconds): 5 ms to 10 s. The +Inf bucket is implicit. */
export const DEFAULT_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

function checkCount(fn: string, count: unknown): void {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
    throw new InvalidArgumentError(`${fn}: count must be an integer >= 1, got ${quote(count)}`);
  }
}

/** `count` bounds: start, start + width, … Each is computed as start + i·width, so errors do not accumulate. */
export function linearBuckets(start: number, width: number, count: number): number[] {
  if (typeof start !== 'number' || !Number.isFinite(start)) {
    throw new InvalidArgumentError(`linearBuckets: start must be a finite number, got ${quote(start)}`);
  }
  if (typeof width !== 'number' || !Number.isFinite(width) || width <= 0) {
    throw new InvalidArgumentError(`linearBuckets: width must be a finite number > 0, got ${quote(width)}`);
  }
  checkCount('linearBuckets', count);
  return Array.from({ length: count }, (_, i) => start + i * width);
}

/** `count` bounds: start, start·factor, start·factor², … */
export function exponentialBuckets(start: number, factor: number, count: number): number[] {
  if (typeof start !== 'number' || !Number.isFinite(start) || start <= 0) {
    throw new InvalidArgumentError(`exponentialBuckets: start must be a finite number > 0, got ${quote(start)}`);
  }
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor <= 1) {
    throw new InvalidArgumentError(`exponentialBuckets: factor must be a finite number > 1, got ${quote(factor)}`);
  }
  checkCount('exponentialBuckets', count);
  const bounds = Array.from({ length: count }, (_, i) => start * factor ** i);
  if (!Number.isFinite(bounds[count - 1])) {
    throw new InvalidArgumentError(
      `exponentialBuckets: bounds overflow to Infinity (start ${start}, factor ${factor})`,
    );
  }
  return bounds;
}

/**
 * Validates bucket bounds and returns them frozen: finite, strictly ascending, at least one. A
 * trailing +Inf is accepted and dropped (client_python accepts it; our +Inf bucket is implicit).
 */
export function checkBuckets(metric: string, buckets: unknown): readonly number[] {
  if (!Array.isArray(buckets)) {
    throw new InvalidArgumentError(
      `metric ${quote(metric)}: buckets must be an array of numbers, got ${quote(buckets)}`,
    );
  }
  const bounds = [...(buckets as unknown[])];
  if (bounds.length > 0 && bounds[bounds.length - 1] === Infinity) bounds.pop();
  if (bounds.length === 0) {
    throw new InvalidArgumentError(`metric ${quote(metric)}: buckets must hold at least one finite bound`);
  }
  let previous = -Infinity;
  for (const bound of bounds) {
    if (typeof bound !== 'number' || !Number.isFinite(bound)) {
      throw new InvalidArgumentError(`metric ${quote(metric)}: bucket bound ${quote(bound)} is not a finite number`);
    }
    if (bound <= previous) {
      throw new InvalidArgumentError(
        `metric ${quote(metric)}: buckets must be sorted ascending and unique, got ${quote(bound)} after ${quote(previous)}`,
      );
    }
    previous = bound;
  }
  return Object.freeze(bounds as number[]);
}
