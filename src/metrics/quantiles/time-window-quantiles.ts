import type { Clock } from '../../clock.js';

export interface TimeWindowOptions {
  /** Quantiles in (0, 1), ascending. */
  readonly quantiles: readonly number[];
  /** Observations older than this leave the window (default 600). */
  readonly maxAgeSeconds: number;
  /** The window rotates in this many steps (default 5). */
  readonly ageBuckets: number;
  readonly clock: Clock;
}

/**
 * Quantiles over a sliding time window (PLACEHOLDER: exact, keeps every observation; being
 * replaced by a bounded-memory estimator with the same interface).
 */
export class TimeWindowQuantiles {
  private values: number[] = [];

  constructor(private readonly options: TimeWindowOptions) {}

  observe(value: number): void {
    this.values.push(value);
  }

  /** One value per configured quantile, NaN when the window is empty. */
  query(): number[] {
    const sorted = [...this.values].sort((a, b) => a - b);
    return this.options.quantiles.map((q) =>
      sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!,
    );
  }

  reset(): void {
    this.values = [];
  }
}
