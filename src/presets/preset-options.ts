// What every preset takes, and the checks and wiring they share. A preset is only wiring
// (DESIGN §2): an encoder, a transport and a pusher. This file keeps each preset small by holding
// the parts they have in common: option types, validation with messages that name the preset,
// the option and the (redacted) value, and the HTTP transport with its default retry policy.
import type http from 'node:http';
import type { Clock } from '../clock.js';
import { InvalidArgumentError } from '../errors.js';
import { quote } from '../model/names.js';
import type { PushErrorHandler } from '../push/default-on-error.js';
import { DEFAULT_INTERVAL_MS } from '../push/periodic-pusher.js';
import type { PeriodicPusherOptions, SnapshotSource } from '../push/periodic-pusher.js';
import type { PusherOptions } from '../push/pusher-base.js';
import type { ChangeSource, StatsdStreamingOptions } from '../push/streaming-pusher.js';
import type { Registry } from '../registry.js';
import { redactUrl } from '../redact.js';
import { httpTransport } from '../transport/http.js';
import type { HttpAuth, HttpTlsOptions } from '../transport/http.js';
import { withRetry } from '../transport/retry.js';
import type { RetryOptions } from '../transport/retry.js';
import type { Transport } from '../transport/transport.js';
import { udpTransport } from '../transport/udp.js';
import type { UdpLookup } from '../transport/udp.js';

/** Options every preset takes (batch and streaming). */
export interface PresetOptions {
  /** Time limit of the final push, closing included (default 5000 ms). */
  readonly stopTimeoutMs?: number;
  /**
   * Receives every failure of background work (pushes on the timer, the final push, streaming
   * sends). Default: one `process.emitWarning` per error code and target, at most once a minute.
   */
  readonly onError?: PushErrorHandler;
  /** Final push on SIGTERM/SIGINT, then the signal's default action. Default false. */
  readonly handleSignals?: boolean;
  /** Timers, timeouts and backoff; `FakeClock` in tests. */
  readonly clock?: Clock;
  /** Where the pusher records its self-metrics (default `selfMetricsRegistry`), or `false`. */
  readonly selfMetrics?: Registry | false;
  /**
   * Replaces the transport the preset would build from `url` or `host`/`port`: `memoryTransport()`
   * in tests, or a transport of your own. The preset still sets its per-send method and path
   * (Pushgateway), but builds no retry around it: wrap it with `withRetry` yourself.
   */
  readonly transport?: Transport;
}

/** Options of the batch presets: the registry is pushed whole every `intervalMs`. */
export interface BatchPresetOptions extends PresetOptions {
  /** What to push; default `pushRegistry`. */
  readonly registry?: SnapshotSource;
  /** Time between pushes (default 15 000 ms, the seed's period). */
  readonly intervalMs?: number;
}

/** Options of the streaming presets: every change is sent, coalesced per event-loop turn. */
export interface StreamPresetOptions extends PresetOptions {
  /** What to stream; default `pushRegistry`. */
  readonly registry?: ChangeSource;
  /** Changes that may wait for a flush (default 10 000); beyond that the oldest are dropped and counted. */
  readonly maxBufferedEvents?: number;
  /** Sends in progress beyond which changes are left to accumulate (default 1024). */
  readonly maxPendingSends?: number;
}

/** Options of the HTTP presets. */
export interface HttpPresetOptions extends BatchPresetOptions {
  /**
   * Limit of one HTTP request: gzip + connect + request + whole response (default 10 000 ms).
   * Retries are bounded separately, by `retry.deadlineMs`.
   */
  readonly timeoutMs?: number;
  /** Extra headers on every request (they win over the preset's own). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Basic or bearer auth; wins over userinfo in `url`. */
  readonly auth?: HttpAuth;
  /** Gzip request bodies (`Content-Encoding: gzip`). Default false. */
  readonly gzip?: boolean;
  readonly tls?: HttpTlsOptions;
  /** Your own agent (proxies, shared pools); default: one keep-alive agent per pusher. */
  readonly agent?: http.Agent;
  readonly userAgent?: string;
  /**
   * Retries of a failed request (connection refused or reset, timeout, 429, 502, 503, 504; never
   * another 4xx). Default `{ maxAttempts: 3, deadlineMs: intervalMs }`: a push gives up before
   * the next one is due (that tick would be skipped anyway). Your fields override the defaults;
   * `false` sends each payload once.
   */
  readonly retry?: RetryOptions | false;
}

/** Options of the UDP presets. */
export interface UdpPresetOptions {
  /** Host name or IP address; resolved once, then again only after a network error. */
  readonly host: string;
  readonly port: number;
  /** Restrict DNS to IPv4 or IPv6; default 0 (the resolver's first answer). */
  readonly family?: 0 | 4 | 6;
  /** Replaces `dns.lookup` (a custom resolver, service discovery, tests). */
  readonly lookup?: UdpLookup;
}

/** Default attempts per request of the HTTP presets (the first one included). */
export const DEFAULT_PRESET_RETRY_ATTEMPTS = 3;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The PusherOptions a preset passes through, without the ones it leaves undefined. */
export function pusherOptions(options: PresetOptions, transport: Transport): PusherOptions {
  const out: Mutable<PusherOptions> = { transport };
  if (options.stopTimeoutMs !== undefined) out.stopTimeoutMs = options.stopTimeoutMs;
  if (options.onError !== undefined) out.onError = options.onError;
  if (options.handleSignals !== undefined) out.handleSignals = options.handleSignals;
  if (options.clock !== undefined) out.clock = options.clock;
  if (options.selfMetrics !== undefined) out.selfMetrics = options.selfMetrics;
  return out;
}

/**
 * What every batch preset gives its periodic pusher besides the encoder (and its own hooks): the
 * options all presets pass through, the registry and the interval the preset has checked. Every
 * preset reuses its snapshots: its encoder and hooks are ours, and none keeps a reused record
 * past its push (the aggregation-gateway deltas keep numbers, label values and histogram bucket
 * arrays; histograms are not reused).
 */
export function batchPusherOptions(
  options: BatchPresetOptions,
  transport: Transport,
  intervalMs: number,
): PusherOptions & Pick<PeriodicPusherOptions, 'registry' | 'intervalMs' | 'reuseSnapshots'> {
  return {
    ...pusherOptions(options, transport),
    ...(options.registry !== undefined && { registry: options.registry }),
    intervalMs,
    reuseSnapshots: true,
  };
}

/** The streaming pusher's own options, without the ones left undefined. */
export function streamOptions(
  options: StreamPresetOptions,
): Pick<StatsdStreamingOptions, 'registry' | 'maxBufferedEvents' | 'maxPendingSends'> {
  const out: Mutable<Pick<StatsdStreamingOptions, 'registry' | 'maxBufferedEvents' | 'maxPendingSends'>> = {};
  if (options.registry !== undefined) out.registry = options.registry;
  if (options.maxBufferedEvents !== undefined) out.maxBufferedEvents = options.maxBufferedEvents;
  if (options.maxPendingSends !== undefined) out.maxPendingSends = options.maxPendingSends;
  return out;
}

/** A StatsD name prefix: any string (the encoder replaces what StatsD cannot carry). */
export function checkPrefix(preset: string, prefix: unknown): string {
  if (prefix === undefined) return '';
  if (typeof prefix !== 'string') {
    throw new InvalidArgumentError(`${preset}: prefix must be a string, got ${quote(prefix)}`);
  }
  return prefix;
}

export function checkOptionsObject(preset: string, options: unknown): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${preset}: options must be an object, got ${quote(options)}`);
  }
}

export function checkHost(preset: string, host: unknown): string {
  if (typeof host !== 'string' || host.trim() === '') {
    throw new InvalidArgumentError(`${preset}: host must be a non-empty string, got ${quote(host)}`);
  }
  return host;
}

export function checkPort(preset: string, port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidArgumentError(`${preset}: port must be an integer in 1..65535, got ${quote(port)}`);
  }
  return port;
}

/** An http(s) URL; the message shows it redacted (no userinfo, secret query values masked). */
export function checkUrl(preset: string, url: unknown): URL {
  if (typeof url !== 'string' && !(url instanceof URL)) {
    throw new InvalidArgumentError(`${preset}: url must be a string or a URL, got ${quote(url)}`);
  }
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch (cause) {
    throw new InvalidArgumentError(`${preset}: url is not a valid URL: ${quote(redactUrl(String(url)))}`, { cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new InvalidArgumentError(`${preset}: url must be http: or https:, got ${quote(redactUrl(parsed))}`);
  }
  return parsed;
}

/** One of `allowed` (compared as given), or the default when undefined. */
export function checkOneOf<T extends string>(
  preset: string,
  option: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new InvalidArgumentError(
    `${preset}: ${option} must be ${allowed.map((a) => quote(a)).join(' or ')}, got ${quote(value)}`,
  );
}

/** An HTTP method from `allowed`, case-insensitive; returned upper-case. */
export function checkMethod<T extends string>(preset: string, value: unknown, allowed: readonly T[], fallback: T): T {
  const upper = typeof value === 'string' ? value.toUpperCase() : value;
  return checkOneOf(preset, 'method', upper, allowed, fallback);
}

export function checkPositiveNumber(preset: string, option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`${preset}: ${option} must be a finite number > 0, got ${quote(value)}`);
  }
  return value;
}

export function checkPayloadBytes(preset: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${preset}: maxPayloadBytes must be an integer >= 1, got ${quote(value)}`);
  }
  return value;
}

export function checkInterval(preset: string, options: BatchPresetOptions): number {
  return checkPositiveNumber(preset, 'intervalMs', options.intervalMs, DEFAULT_INTERVAL_MS);
}

/** A UDP transport, or the one given in `options.transport`; validates host and port first. */
export function presetUdpTransport(preset: string, options: PresetOptions & UdpPresetOptions): Transport {
  const host = checkHost(preset, options.host);
  const port = checkPort(preset, options.port);
  if (options.transport !== undefined) return options.transport;
  return udpTransport({
    host,
    port,
    ...(options.family !== undefined && { family: options.family }),
    ...(options.lookup !== undefined && { lookup: options.lookup }),
    ...(options.clock !== undefined && { clock: options.clock }),
  });
}

export interface HttpWiring {
  readonly url: URL;
  readonly method: string;
  readonly contentType: string;
  readonly intervalMs: number;
  /** Headers the protocol itself requires; the caller's `headers` win over them. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The User-Agent when the caller gives none (default: httpTransport's). */
  readonly userAgent?: string;
  /** Statuses retried, besides network errors and timeouts (default: httpTransport's). */
  readonly retryableStatuses?: readonly number[];
  /** Retry every 5xx too, for protocols whose spec says so (remote write). */
  readonly retryOn5xx?: boolean;
  /** The encoder compresses the body itself (remote write's snappy): `options.gzip` is ignored. */
  readonly selfCompressed?: boolean;
}

/**
 * The HTTP transport of a preset, wrapped in the default retry policy; or `options.transport` as
 * it is. The URL's userinfo becomes basic auth inside httpTransport and never reaches `target`.
 */
export function presetHttpTransport(options: HttpPresetOptions, wiring: HttpWiring): Transport {
  if (options.transport !== undefined) return options.transport;
  const headers = wiring.headers === undefined ? options.headers : { ...wiring.headers, ...options.headers };
  const userAgent = options.userAgent ?? wiring.userAgent;
  const transport = httpTransport({
    url: wiring.url,
    method: wiring.method,
    contentType: wiring.contentType,
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
    ...(headers !== undefined && { headers }),
    ...(options.auth !== undefined && { auth: options.auth }),
    ...(wiring.selfCompressed !== true && options.gzip !== undefined && { gzip: options.gzip }),
    ...(options.tls !== undefined && { tls: options.tls }),
    ...(options.agent !== undefined && { agent: options.agent }),
    ...(userAgent !== undefined && { userAgent }),
    ...(wiring.retryableStatuses !== undefined && { retryableStatuses: wiring.retryableStatuses }),
    ...(wiring.retryOn5xx !== undefined && { retryOn5xx: wiring.retryOn5xx }),
    ...(options.clock !== undefined && { clock: options.clock }),
  });
  if (options.retry === false) return transport;
  return withRetry(transport, {
    maxAttempts: DEFAULT_PRESET_RETRY_ATTEMPTS,
    deadlineMs: wiring.intervalMs,
    ...(options.clock !== undefined && { clock: options.clock }),
    ...options.retry,
  });
}
