// HTTP(S) push over node:http, not fetch: BASELINE 5(c) measured a 1 KB POST at 123 µs with
// http.request vs 739 µs with Node 20's fetch, on one keep-alive connection. One keep-alive agent
// per transport, because a periodic pusher that opens a connection per push piles up TIME_WAIT
// sockets (prom-client #379).
import http from 'node:http';
import https from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import { urlToHttpOptions } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { HttpStatusError, InvalidArgumentError, NetworkError, PushError, TimeoutError } from '../errors.js';
import { redactUrl } from '../redact.js';
import { describeErrno } from './errno.js';
import { parseRetryAfter } from './retry-after.js';
import { abortedResult, closedResult } from './transport.js';
import type { SendFailure, SendOptions, SendResult, Transport } from './transport.js';

export type HttpAuth = { readonly username: string; readonly password: string } | { readonly bearer: string };

export interface HttpTlsOptions {
  readonly ca?: SecureContextOptions['ca'];
  readonly cert?: SecureContextOptions['cert'];
  readonly key?: SecureContextOptions['key'];
  /** Default true. Turning it off accepts any certificate: test setups only. */
  readonly rejectUnauthorized?: boolean;
}

export interface HttpTransportOptions {
  /** `http://` or `https://`. Userinfo (`https://user:pass@host/…`) becomes basic auth and is removed. */
  readonly url: string | URL;
  /** Default `POST`; a send can override it. */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Default `text/plain; charset=utf-8`. */
  readonly contentType?: string;
  /** Wins over userinfo in the URL. An explicit `Authorization` header wins over both. */
  readonly auth?: HttpAuth;
  /** Gzip bodies (level 1, on the libuv threadpool) and send `Content-Encoding: gzip`. Default false. */
  readonly gzip?: boolean;
  /** Limit for one send: gzip + connect + request + whole response. Default 10 000 ms; Infinity disables. */
  readonly timeoutMs?: number;
  readonly tls?: HttpTlsOptions;
  /** Default `prometheus-push-client`. */
  readonly userAgent?: string;
  /** Your own agent (proxying, shared pools). It is not destroyed by `close()`. */
  readonly agent?: http.Agent;
  /** Statuses worth sending again. Default 429, 502, 503, 504 (OpenTelemetry's set). */
  readonly retryableStatuses?: Iterable<number>;
  /** Every 5xx is retryable too (remote-write spec: "MUST retry 5xx"). Default false. */
  readonly retryOn5xx?: boolean;
  /** Drives the timeout and turns a Retry-After date into a delay. Default: the system clock. */
  readonly clock?: Clock;
}

/**
 * What `send` takes: bytes, or a body in chunks. A sync iterable (an array of chunks) is sent
 * with its Content-Length; an async iterable is sent as it is produced, with chunked transfer
 * encoding, so sending overlaps producing. A chunked body must be re-iterable, each iteration
 * from the first chunk (a request retried on a stale keep-alive socket, or by `withRetry`,
 * iterates it again): an array is, and so is an object whose `[Symbol.asyncIterator]()` starts
 * over; a generator is not, and is sent at most once (a second send fails with
 * ERR_INVALID_ARG). An async body that throws abandons its request (the server never sees a
 * complete body) and the send fails with that error.
 */
export type HttpBody = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/** The transport `httpTransport` returns: a Transport whose `send` also takes a chunked body. */
export interface HttpTransport extends Transport {
  /** Always true: `send` takes an `HttpBody` (pushers stream a sliced push through it). */
  readonly chunkedBody: true;
  send(payload: HttpBody, options?: SendOptions): Promise<SendResult>;
}

/** At most this much of an error response body is kept (HttpStatusError.body). */
export const HTTP_BODY_EXCERPT_BYTES = 1024;
export const DEFAULT_RETRYABLE_STATUSES: readonly number[] = [429, 502, 503, 504];

const BODYLESS_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS']);
/** A reused keep-alive socket that the server had already closed fails with these before any response. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);
const MAX_STALE_RETRIES = 2;
/** Certificate and protocol mismatches are configuration errors: sending again cannot help. */
const PERMANENT_TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_)/;
const gzipAsync = promisify(gzip);

/**
 * Creates an HTTP transport. Construction validates everything it can and throws
 * InvalidArgumentError for a bad URL, header or timeout; after that, `send` only resolves.
 *
 * Results: 2xx → ok with the status. Other statuses (3xx included: redirects are not followed,
 * a Pushgateway 301 means a bad path) → HttpStatusError with ≤ 1 KiB of the body, retryable for
 * `retryableStatuses` (and any 5xx with `retryOn5xx`), with `retryAfterMs` from Retry-After.
 * Network errors → NetworkError, retryable except TLS certificate/protocol errors. The timeout →
 * TimeoutError, retryable.
 *
 * Process lifetime: idle keep-alive sockets are unref'd by Node's Agent (`keepSocketAlive`
 * calls `socket.unref()`, `reuseSocket` refs it again), so a pooled connection never keeps a
 * finished process alive, while a request in flight holds a ref'd socket and completes even at
 * `beforeExit`. The timeout timer is unref'd: it only matters while that socket is open.
 */
export function httpTransport(options: HttpTransportOptions): HttpTransport {
  let base: URL;
  try {
    base = new URL(String(options.url));
  } catch (cause) {
    throw new InvalidArgumentError(`httpTransport: invalid url ${redactUrl(String(options.url))}`, { cause });
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new InvalidArgumentError(`httpTransport: url must be http: or https:, got ${redactUrl(base)}`);
  }
  const secure = base.protocol === 'https:';
  const userinfo =
    base.username === '' && base.password === ''
      ? undefined
      : { username: decodeUserinfo(base.username), password: decodeUserinfo(base.password) };
  base.username = '';
  base.password = '';
  const target = redactUrl(base);

  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(timeoutMs > 0)) throw new InvalidArgumentError(`httpTransport: timeoutMs must be > 0, got ${timeoutMs}`);
  const clock = options.clock ?? systemClock;
  const defaultMethod = (options.method ?? 'POST').toUpperCase();
  const useGzip = options.gzip === true;
  const retryable = new Set(options.retryableStatuses ?? DEFAULT_RETRYABLE_STATUSES);
  const retryOn5xx = options.retryOn5xx === true;

  const baseHeaders: Record<string, string> = {
    'content-type': options.contentType ?? 'text/plain; charset=utf-8',
    'user-agent': options.userAgent ?? 'prometheus-push-client',
  };
  const auth = options.auth ?? userinfo;
  if (auth !== undefined) baseHeaders.authorization = authorization(auth);
  const headerProblem = mergeHeaders(baseHeaders, options.headers);
  if (headerProblem !== undefined) throw new InvalidArgumentError(`httpTransport: ${headerProblem}`);
  if (useGzip && options.headers !== undefined && hasHeader(options.headers, 'content-encoding')) {
    throw new InvalidArgumentError('httpTransport: gzip: true sets Content-Encoding itself; drop the header');
  }

  const ownAgent = options.agent === undefined;
  // lifo: the most recently used socket is the least likely to have been closed by the server.
  const agent =
    options.agent ??
    (secure
      ? new https.Agent({ keepAlive: true, scheduling: 'lifo' })
      : new http.Agent({ keepAlive: true, scheduling: 'lifo' }));
  const tls = options.tls ?? {};
  const request = secure ? https.request : http.request;

  let closing = false;
  const inFlight = new Set<Promise<SendResult>>();
  /** One-shot async bodies (generators) already sent once. */
  const spent = new WeakSet<object>();

  function statusFailure(
    status: number,
    body: string,
    retryAfterHeader: string | undefined,
    where: string,
  ): SendFailure {
    const retryAfterMs = parseRetryAfter(retryAfterHeader, clock.now());
    const error = new HttpStatusError(
      status,
      body,
      retryAfterMs === undefined ? { target: where } : { target: where, retryAfterSeconds: retryAfterMs / 1000 },
    );
    const again = retryable.has(status) || (retryOn5xx && status >= 500 && status <= 599);
    return retryAfterMs === undefined
      ? { ok: false, retryable: again, error }
      : { ok: false, retryable: again, error, retryAfterMs };
  }

  function networkFailure(method: string, where: string, cause: unknown): SendFailure {
    const { code, text } = describeErrno(cause);
    if (code.startsWith('ERR_INVALID_') || code === 'ERR_HTTP_INVALID_HEADER_VALUE') {
      return {
        ok: false,
        retryable: false,
        error: new InvalidArgumentError(`${method} ${where}: ${text}`, { target: where, cause }),
      };
    }
    const error = new NetworkError(`${method} ${where} failed: ${text}`, { target: where, cause });
    return { ok: false, retryable: !PERMANENT_TLS_CODE.test(code), error };
  }

  /** Marks a one-shot body (a generator, sync or async) as sent; false when it already was. */
  function firstUse(body: object, iterator: unknown): boolean {
    if (iterator !== body) return true;
    if (spent.has(body)) return false;
    spent.add(body);
    return true;
  }

  async function prepareBody(payload: HttpBody, method: string, where: string): Promise<Body> {
    if (!(payload instanceof Uint8Array)) {
      if (isAsyncIterable(payload)) {
        if (!useGzip) return payload;
        const chunks: Uint8Array[] = [];
        const iterator = payload[Symbol.asyncIterator]();
        if (!firstUse(payload, iterator)) throw oneShotError(method, where);
        try {
          for (let next = await iterator.next(); next.done !== true; next = await iterator.next())
            chunks.push(next.value);
        } catch (error) {
          throw bodyError(method, where, error);
        }
        payload = concat(chunks);
      } else {
        const iterator = payload[Symbol.iterator]();
        if (!firstUse(payload, iterator)) throw oneShotError(method, where);
        let chunks: Uint8Array[];
        try {
          chunks = Array.from({ [Symbol.iterator]: () => iterator });
        } catch (error) {
          throw bodyError(method, where, error);
        }
        if (!useGzip) return chunks;
        payload = concat(chunks);
      }
    }
    if (payload.byteLength === 0 && BODYLESS_METHODS.has(method)) return undefined;
    // Level 1: 3.5× faster than the default for ~20 % more bytes (BASELINE 5(e)); async, so a big
    // body is compressed on the threadpool instead of blocking the event loop (prom-client uses gzipSync).
    if (useGzip && payload.byteLength > 0) return gzipAsync(payload, { level: 1 });
    return payload;
  }

  /**
   * Where a send goes: the redacted URL for messages and node:http's options for it, or the
   * error of a path that leaves the origin. Cached by path: a pusher sends to the same path
   * every push, and parsing, checking and redacting it again cost ~3.5 µs a send.
   */
  const destinations = new Map<string, Destination>();
  const baseDestination: Destination = { where: target, location: urlToHttpOptions(base) };
  function destination(path: string | undefined): Destination | SendFailure {
    if (path === undefined) return baseDestination;
    let found = destinations.get(path);
    if (found !== undefined) return found;
    const url = new URL(path, base);
    if (url.origin !== base.origin || url.username !== '' || url.password !== '') {
      const error = new InvalidArgumentError(`send path ${redactUrl(url)} leaves ${target}`, { target });
      return { ok: false, retryable: false, error };
    }
    found = { where: redactUrl(url), location: urlToHttpOptions(url) };
    if (destinations.size >= MAX_CACHED_PATHS) destinations.clear();
    destinations.set(path, found);
    return found;
  }

  function exchange(payload: HttpBody, sendOptions: SendOptions): Promise<SendResult> {
    const method = (sendOptions.method ?? defaultMethod).toUpperCase();
    const to = destination(sendOptions.path);
    if ('ok' in to) return Promise.resolve(to);
    const { where, location } = to;
    const headers = { ...baseHeaders };
    const problem = mergeHeaders(headers, sendOptions.headers);
    if (problem !== undefined) {
      return Promise.resolve({
        ok: false,
        retryable: false,
        error: new InvalidArgumentError(`${method} ${where}: ${problem}`, { target: where }),
      });
    }
    const signal = sendOptions.signal;

    return new Promise<SendResult>((resolve) => {
      let settled = false;
      let req: http.ClientRequest | undefined;
      let staleRetries = 0;

      const finish = (result: SendResult): void => {
        if (settled) return;
        settled = true;
        timer?.cancel();
        signal?.removeEventListener('abort', onAbort);
        // A server that answered before reading the whole body, a timeout, an abort: the socket
        // may still be writing the body from the caller's memory, which `releasesPayload`
        // promises to leave alone once this resolves. The rest of that body would be discarded
        // anyway; a normal answer comes after the last write, so this never costs a connection.
        if (req !== undefined && !req.writableFinished && !req.destroyed) req.destroy();
        resolve(result);
      };
      const onAbort = (): void => {
        finish(abortedResult(where, signal as AbortSignal));
        req?.destroy();
      };
      // One timer for the whole send, on the injected clock, so tests drive it with FakeClock.
      const timer =
        timeoutMs === Infinity
          ? undefined
          : clock.setTimeout(
              () => {
                const error = new TimeoutError(`${method} ${where} timed out after ${timeoutMs} ms`, { target: where });
                finish({ ok: false, retryable: true, error });
                req?.destroy();
              },
              timeoutMs,
              { unref: true },
            );
      signal?.addEventListener('abort', onAbort, { once: true });

      const start = (body: Body): void => {
        const requestHeaders = { ...headers };
        let streamed: AsyncIterator<Uint8Array> | undefined;
        if (body === undefined) {
          delete requestHeaders['content-type'];
        } else if (body instanceof Uint8Array) {
          requestHeaders['content-length'] = String(body.byteLength);
          if (useGzip && body !== payload) requestHeaders['content-encoding'] = 'gzip';
        } else if (isChunkList(body)) {
          requestHeaders['content-length'] = String(body.reduce((sum, chunk) => sum + chunk.byteLength, 0));
        } else {
          streamed = body[Symbol.asyncIterator]();
          // A generator cannot be replayed: it is never sent twice (a resend would be empty).
          if (!firstUse(body, streamed)) {
            finish({ ok: false, retryable: false, error: oneShotError(method, where) });
            return;
          }
          requestHeaders['transfer-encoding'] = 'chunked';
        }
        let responded = false;
        let current: http.ClientRequest;
        try {
          current = request({ ...location, method, headers: requestHeaders, agent, ...tls });
        } catch (error) {
          finish(networkFailure(method, where, error));
          return;
        }
        req = current;
        current.on('error', (error) => {
          if (settled) return;
          const code = describeErrno(error).code;
          // The server closed an idle keep-alive socket as we reused it: the request never
          // reached it, so one more try on another socket is safe (Node's http docs pattern).
          if (
            !responded &&
            current.reusedSocket &&
            STALE_SOCKET_CODES.has(code) &&
            staleRetries < MAX_STALE_RETRIES &&
            !(body !== undefined && spent.has(body))
          ) {
            staleRetries++;
            start(body);
            return;
          }
          finish(networkFailure(method, where, error));
        });
        current.on('response', (res) => {
          responded = true;
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] = [];
          let kept = 0;
          const ok = status >= 200 && status <= 299;
          // Read every body to the end (discarding what is not kept): an unread body would
          // keep the socket busy and the next push would open a new connection.
          res.on('data', (chunk: Buffer) => {
            if (!ok && kept <= HTTP_BODY_EXCERPT_BYTES) {
              chunks.push(chunk);
              kept += chunk.length;
            }
          });
          const conclude = (): void => {
            if (ok) finish({ ok: true, status });
            else
              finish(statusFailure(status, excerpt(Buffer.concat(chunks)), header(res.headers['retry-after']), where));
          };
          res.on('end', conclude);
          // A body cut short still carries a status: report it, with what arrived of the body.
          res.on('close', conclude);
          res.on('error', () => undefined);
        });
        if (streamed !== undefined) {
          void pump(current, streamed);
        } else if (body !== undefined && isChunkList(body)) {
          for (const chunk of body) if (chunk.byteLength > 0) current.write(chunk);
          current.end();
        } else {
          current.end(body);
        }
      };

      /** Writes each chunk as it comes, then ends the request; a body that throws abandons it. */
      const pump = async (current: http.ClientRequest, chunks: AsyncIterator<Uint8Array>): Promise<void> => {
        try {
          for (;;) {
            const next = await chunks.next();
            if (settled || req !== current) {
              void chunks.return?.();
              return;
            }
            if (next.done === true) break;
            // An empty chunk would read as the end of a chunked body.
            if (next.value.byteLength > 0) current.write(next.value);
          }
          current.end();
        } catch (error) {
          if (req !== current) return;
          finish({ ok: false, retryable: false, error: bodyError(method, where, error) });
          current.destroy();
        }
      };

      prepareBody(payload, method, where).then(
        (body) => {
          if (!settled) start(body);
        },
        (error: unknown) => {
          finish({
            ok: false,
            retryable: false,
            // The body's own failure as it is; otherwise gzip failed.
            error:
              error instanceof PushError
                ? error
                : new PushError('ERR_INTERNAL', `${method} ${where}: gzip failed`, { target: where, cause: error }),
          });
        },
      );
    });
  }

  return {
    target,
    chunkedBody: true,
    // A send settles after the whole answer, or after `finish` stopped the request (above).
    releasesPayload: true,
    send(payload: HttpBody, sendOptions: SendOptions = {}): Promise<SendResult> {
      if (closing) return Promise.resolve(closedResult(target));
      if (sendOptions.signal?.aborted === true) return Promise.resolve(abortedResult(target, sendOptions.signal));
      const result = exchange(payload, sendOptions);
      inFlight.add(result);
      void result.finally(() => inFlight.delete(result));
      return result;
    },
    async close(): Promise<void> {
      closing = true;
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      if (ownAgent) agent.destroy();
    },
  };
}

/** A send's target: redacted for messages, and as node:http request options. */
interface Destination {
  readonly where: string;
  readonly location: http.RequestOptions;
}

/** Distinct send paths remembered (a pusher uses one or two); past this the cache starts over. */
const MAX_CACHED_PATHS = 64;

/** A prepared body: none, bytes, chunks of known total length, or chunks still being produced. */
type Body = Uint8Array | readonly Uint8Array[] | AsyncIterable<Uint8Array> | undefined;

function isChunkList(body: Exclude<Body, undefined>): body is readonly Uint8Array[] {
  return Array.isArray(body);
}

function isAsyncIterable(body: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): body is AsyncIterable<Uint8Array> {
  return typeof (body as Partial<AsyncIterable<Uint8Array>>)[Symbol.asyncIterator] === 'function';
}

/** A body that threw: its own PushError (a pusher's reason for abandoning it), or one wrapping what it threw. */
function bodyError(method: string, where: string, error: unknown): PushError {
  if (error instanceof PushError) return error;
  return new PushError('ERR_INTERNAL', `${method} ${where}: the body failed`, { target: where, cause: error });
}

function oneShotError(method: string, where: string): PushError {
  return new InvalidArgumentError(`${method} ${where}: a one-shot body (a generator) cannot be sent twice`, {
    target: where,
  });
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** URL userinfo is percent-encoded; a malformed escape is kept as typed rather than thrown. */
function decodeUserinfo(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function authorization(auth: HttpAuth): string {
  if ('bearer' in auth) return `Bearer ${auth.bearer}`;
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}

/** Copies `extra` into `into` with lower-case names; returns a problem (never the value: it may be a secret). */
function mergeHeaders(
  into: Record<string, string>,
  extra: Readonly<Record<string, string>> | undefined,
): string | undefined {
  if (extra === undefined) return undefined;
  for (const [name, value] of Object.entries(extra)) {
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, value);
    } catch {
      return `invalid header ${JSON.stringify(name)} (bad name or characters in its value)`;
    }
    into[name.toLowerCase()] = value;
  }
  return undefined;
}

function hasHeader(headers: Readonly<Record<string, string>>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** At most HTTP_BODY_EXCERPT_BYTES of UTF-8, never cutting a character in half. */
export function excerpt(body: Buffer): string {
  if (body.length <= HTTP_BODY_EXCERPT_BYTES) return body.toString('utf8');
  let end = HTTP_BODY_EXCERPT_BYTES;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that crosses the cut.
  while (end > 0 && ((body[end] ?? 0) & 0xc0) === 0x80) end--;
  return body.toString('utf8', 0, end);
}
