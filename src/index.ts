// The package entry: explicit named exports only (no `export *`), types exported apart.
// Each area keeps to its own section so the file stays easy to review.

// --- errors and utilities
export {
  PushError,
  InvalidArgumentError,
  MetricConflictError,
  HttpStatusError,
  NetworkError,
  TimeoutError,
  PayloadTooLargeError,
  isPushError,
} from './errors.js';
export type { PushErrorCode, PushErrorOptions } from './errors.js';
export { systemClock } from './clock.js';
export type { Clock, Timer, TimerOptions } from './clock.js';
export { redactUrl } from './redact.js';

// --- model
export type {
  Snapshot,
  MetricFamily,
  MetricType,
  LabelValues,
  CounterFamily,
  CounterSeries,
  GaugeFamily,
  GaugeSeries,
  HistogramFamily,
  HistogramSeries,
  SummaryFamily,
  SummarySeries,
  InfoFamily,
  InfoSeries,
  StateSetFamily,
  StateSetSeries,
} from './model/snapshot.js';

// --- metrics and registry

// --- encoders
export { PayloadWriter, PAYLOAD_PRESETS } from './encoding/framing.js';
export type { OversizeHandler } from './encoding/framing.js';

// --- transports

// --- pushers and presets
