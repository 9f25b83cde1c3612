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
export { Counter } from './metrics/counter.js';
export { Gauge } from './metrics/gauge.js';
export { Histogram } from './metrics/histogram.js';
export { Summary, DEFAULT_PERCENTILES } from './metrics/summary.js';
export { Info } from './metrics/info.js';
export { Enum } from './metrics/enum.js';
export { linearBuckets, exponentialBuckets, DEFAULT_BUCKETS } from './metrics/buckets.js';
export { Registry, pushRegistry } from './registry.js';
export type { RegistryOptions, DefaultLabels, RegistryParts } from './registry.js';
export type { CounterOptions, CounterChild } from './metrics/counter.js';
export type { GaugeOptions, GaugeChild } from './metrics/gauge.js';
export type { HistogramOptions, HistogramChild } from './metrics/histogram.js';
export type { SummaryOptions, SummaryChild } from './metrics/summary.js';
export type { InfoOptions, InfoChild } from './metrics/info.js';
export type { EnumOptions, EnumChild } from './metrics/enum.js';
export type { Metric, MetricOptions, MetricParts } from './metrics/metric.js';
export type {
  LabelValue,
  LabelMap,
  LabelsObject,
  LabelArgs,
  TimeArgs,
  TimerArgs,
  NoLabelNames,
} from './metrics/label-types.js';
export type { ChangeListener, ChangeKind, MetricSource, MetricEvent } from './model/events.js';

// --- encoders
export { PayloadWriter, PAYLOAD_PRESETS } from './encoding/framing.js';
export type { OversizeHandler, PayloadWriterOptions } from './encoding/framing.js';
export type { Encoder, EncoderOptions, SliceFraming } from './encoding/encoder.js';
export { prometheusTextEncoder, PROMETHEUS_TEXT_CONTENT_TYPE } from './encoding/prometheus-text.js';
export { openMetricsEncoder, OPENMETRICS_CONTENT_TYPE } from './encoding/openmetrics.js';
export type { OpenMetricsEncoderOptions } from './encoding/openmetrics.js';
export { formatPrometheusValue, formatOpenMetricsValue, formatLe, formatQuantile } from './encoding/number.js';
export { escapeLabelValue } from './encoding/escape.js';
export { influxLineEncoder, INFLUX_LINE_CONTENT_TYPE } from './encoding/influx-line.js';
export type {
  InfluxLineEncoder,
  InfluxLineEncoderOptions,
  InfluxFlavor,
  InfluxPrecision,
} from './encoding/influx-line.js';
export { statsdEncoder, STATSD_CONTENT_TYPE } from './encoding/statsd.js';
export type {
  StatsdEncoder,
  StatsdEncoderOptions,
  StatsdTagStyle,
  StatsdObservationType,
  StatsdDefaultLabels,
} from './encoding/statsd.js';
export {
  remoteWriteEncoder,
  REMOTE_WRITE_CONTENT_TYPE,
  REMOTE_WRITE_HEADERS,
  DEFAULT_MAX_SERIES_PER_REQUEST,
} from './encoding/remote-write.js';
export type { RemoteWriteEncoder, RemoteWriteEncoderOptions } from './encoding/remote-write.js';

// --- transports
export { httpTransport, DEFAULT_RETRYABLE_STATUSES, HTTP_BODY_EXCERPT_BYTES } from './transport/http.js';
export type { HttpTransportOptions, HttpAuth, HttpTlsOptions, HttpBody, HttpTransport } from './transport/http.js';
export { udpTransport } from './transport/udp.js';
export type { UdpTransportOptions, UdpLookup, ResolvedAddress } from './transport/udp.js';
export { withRetry } from './transport/retry.js';
export type { RetryOptions, RetryInfo, Jitter } from './transport/retry.js';
export type { Transport, SendOptions, SendResult, SendSuccess, SendFailure } from './transport/transport.js';

// --- pushers and presets
export { periodicPusher, DEFAULT_INTERVAL_MS } from './push/periodic-pusher.js';
export type {
  PeriodicPusherOptions,
  PeriodicPusherHooks,
  FinalPushContext,
  SnapshotSource,
} from './push/periodic-pusher.js';
export { streamingPusher, DEFAULT_MAX_BUFFERED_EVENTS, DEFAULT_MAX_PENDING_SENDS } from './push/streaming-pusher.js';
export type {
  StreamingPusherOptions,
  StatsdStreamingOptions,
  InfluxStreamingOptions,
  ChangeSource,
  EventEncoder,
  DefaultLabelSet,
} from './push/streaming-pusher.js';
export type { Pusher } from './push/pusher.js';
export { DEFAULT_SLICE_TARGET_MS } from './push/slicing.js';
export type { SlicingOptions } from './push/slicing.js';
export { DEFAULT_STOP_TIMEOUT_MS } from './push/pusher-base.js';
export type { PusherOptions, EncoderCallbacks, EncoderInput } from './push/pusher-base.js';
export { PUSH_WARNING_TYPE } from './push/default-on-error.js';
export type { PushErrorHandler } from './push/default-on-error.js';
export { selfMetricsRegistry, SELF_METRICS_NAMESPACE, PUSH_DURATION_BUCKETS } from './push/self-metrics.js';
export type { DropReason } from './push/self-metrics.js';
export { influxUdp } from './presets/influx-udp.js';
export type { InfluxUdpOptions } from './presets/influx-udp.js';
export { influxHttp } from './presets/influx-http.js';
export type { InfluxHttpOptions } from './presets/influx-http.js';
export { statsdUdp } from './presets/statsd-udp.js';
export type { StatsdUdpOptions } from './presets/statsd-udp.js';
export { openMetricsHttp } from './presets/openmetrics-http.js';
export type { OpenMetricsHttpOptions, TextFormat } from './presets/openmetrics-http.js';
export { influxUdpStream } from './presets/influx-udp-stream.js';
export type { InfluxUdpStreamOptions } from './presets/influx-udp-stream.js';
export { statsdUdpStream } from './presets/statsd-udp-stream.js';
export type { StatsdUdpStreamOptions } from './presets/statsd-udp-stream.js';
export { pushgateway } from './presets/pushgateway.js';
export type { PushgatewayOptions } from './presets/pushgateway.js';
export { aggregationGateway } from './presets/aggregation-gateway.js';
export type { AggregationGatewayOptions } from './presets/aggregation-gateway.js';
export type { AggregationGaugeMode } from './presets/aggregation-deltas.js';
export { remoteWrite } from './presets/remote-write.js';
export type { RemoteWriteOptions } from './presets/remote-write.js';
export { DEFAULT_PRESET_RETRY_ATTEMPTS } from './presets/preset-options.js';
export type {
  PresetOptions,
  BatchPresetOptions,
  StreamPresetOptions,
  HttpPresetOptions,
  UdpPresetOptions,
} from './presets/preset-options.js';

// --- prom-client bridge
export { fromPromClient, promClientToFamilies } from './bridge/prom-client.js';
export type {
  SyncSnapshotSource,
  PromClientRegistry,
  PromClientMetric,
  PromClientValue,
  PromClientSource,
  PromClientSourceOptions,
} from './bridge/prom-client.js';
