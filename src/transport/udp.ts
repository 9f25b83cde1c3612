// UDP: one connected dgram socket per transport. Connected, because BASELINE 5(a) measured
// `send(buf)` on a connected socket ~30 % faster than `send(buf, port, host)`, and because an
// unconnected send to a host name runs dns.lookup on every datagram (hot-shots #198).
import dgram from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { systemClock } from '../clock.js';
import type { Clock } from '../clock.js';
import { InvalidArgumentError, NetworkError, PayloadTooLargeError } from '../errors.js';
import type { PushError } from '../errors.js';
import { describeErrno } from './errno.js';
import { abortedResult, closedResult, InFlightSends, raceAbort } from './transport.js';
import type { SendFailure, SendOptions, SendResult, Transport } from './transport.js';

export interface ResolvedAddress {
  readonly address: string;
  readonly family: number;
}

/** Resolves a host name to addresses, best first. Rejects with a Node DNS error (ENOTFOUND…). */
export type UdpLookup = (hostname: string, family: 0 | 4 | 6) => Promise<readonly ResolvedAddress[]>;

export interface UdpTransportOptions {
  readonly host: string;
  readonly port: number;
  /** Restrict resolution to IPv4 or IPv6; default 0: the first address the resolver returns. */
  readonly family?: 0 | 4 | 6;
  readonly clock?: Clock;
  /**
   * Minimum time between DNS lookups after the first (default 1000 ms). After a failed lookup
   * it doubles up to `dnsRetryMaxMs`; a successful lookup resets it.
   */
  readonly dnsRetryMs?: number;
  /** Ceiling of the DNS back-off (default 30 000 ms). */
  readonly dnsRetryMaxMs?: number;
  /** Replaces `dns.lookup` (tests, custom resolvers). */
  readonly lookup?: UdpLookup;
  /**
   * Socket errors that arrive on their own, not as the outcome of a send: on a connected socket
   * an ICMP "port unreachable" comes back as ECONNREFUSED after the datagram left. They are
   * also the result of the next send. The hook must not throw (if it does, that is ignored).
   */
  readonly onError?: (error: PushError) => void;
}

/** Largest UDP payload: 65 535 minus the IP and UDP headers (IPv6 jumbograms aside). */
const MAX_DATAGRAM = { 4: 65_507, 6: 65_527 } as const;

interface Connection {
  readonly socket: dgram.Socket;
  readonly address: string;
  readonly family: 4 | 6;
  /** Sends handed to the socket whose callbacks have not run yet. */
  pending: number;
  /** Replaced or shutting down: takes no new sends, closes once `pending` reaches 0. */
  closing: boolean;
  closed: Promise<void> | undefined;
  /** Resolves `closed`; set while the close waits for pending sends. */
  release: (() => void) | undefined;
}

type Link = { readonly ok: true; readonly conn: Connection } | { readonly ok: false; readonly error: NetworkError };

/**
 * Creates a UDP transport. Nothing happens until the first send: then the host is resolved
 * once (skipped for IP literals) and a socket of the matching family is connected.
 *
 * DNS is not repeated for healthy traffic. A network error on the socket (ECONNREFUSED,
 * EHOSTUNREACH…) marks the address as suspect; the next send after `dnsRetryMs` re-resolves
 * (one lookup in flight, shared by every waiting send: no stampede, hot-shots #223/#328) and
 * moves to a new socket when the address changed. A failed re-resolution keeps the old address.
 *
 * The socket is unref'd, so it never keeps a finished process alive; a send in progress is a
 * libuv request and still completes. Every socket has an `error` listener from creation: an
 * unhandled 'error' event would crash the host (hot-shots #31).
 *
 * @throws InvalidArgumentError for a missing host or an invalid port (at creation only).
 */
export function udpTransport(options: UdpTransportOptions): Transport {
  const { host, port } = options;
  if (typeof host !== 'string' || host === '') throw new InvalidArgumentError('udpTransport: host is required');
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new InvalidArgumentError(`udpTransport: port must be an integer in 1..65535, got ${String(port)}`);
  }
  const family = options.family ?? 0;
  const clock = options.clock ?? systemClock;
  const dnsRetryMs = options.dnsRetryMs ?? 1000;
  const dnsRetryMaxMs = Math.max(dnsRetryMs, options.dnsRetryMaxMs ?? 30_000);
  const lookup = options.lookup ?? defaultLookup;
  const literal = isIP(host);
  const target = `udp://${host.includes(':') ? `[${host}]` : host}:${port}`;

  let link: Promise<Link> | undefined;
  /** The settled, healthy connection of `link`: lets a send skip every await (the hot path). */
  let ready: Connection | undefined;
  let nextLookupAt = 0;
  let lookupBackoffMs = dnsRetryMs;
  /** Set by a network error: re-resolve at the next send once `nextLookupAt` has passed. */
  let suspect = false;
  /** An asynchronous socket error not yet reported; the next send returns it. */
  let pendingError: NetworkError | undefined;
  let closing = false;
  const inFlight = new InFlightSends();
  const retired = new Set<Connection>();

  function report(error: PushError): void {
    try {
      options.onError?.(error);
    } catch {
      // A throwing hook runs inside a socket event; rethrowing would crash the host process.
    }
  }

  function networkError(cause: unknown, what: string): NetworkError {
    const { text } = describeErrno(cause);
    return new NetworkError(`UDP ${what} ${target} failed: ${text}`, { target, cause });
  }

  function openSocket(address: string, addressFamily: 4 | 6): Promise<Link> {
    const socket = dgram.createSocket({ type: addressFamily === 6 ? 'udp6' : 'udp4' });
    const conn: Connection = {
      socket,
      address,
      family: addressFamily,
      pending: 0,
      closing: false,
      closed: undefined,
      release: undefined,
    };
    socket.on('error', (error) => {
      // Errors of a replaced socket are history; only the current address matters.
      if (conn.closing) return;
      const pushError = networkError(error, 'socket for');
      pendingError = pushError;
      suspect = true;
      report(pushError);
    });
    socket.unref();
    return new Promise<Link>((resolve) => {
      socket.connect(port, address, (error?: Error) => {
        if (error === undefined) {
          resolve({ ok: true, conn });
          return;
        }
        void closeWhenIdle(conn);
        resolve({ ok: false, error: networkError(error, 'connect to') });
      });
    });
  }

  function backOff(): void {
    nextLookupAt = clock.monotonic() + lookupBackoffMs;
    lookupBackoffMs = Math.min(lookupBackoffMs * 2, dnsRetryMaxMs);
  }

  /** Resolves (unless the host is an IP literal) and connects; keeps `previous` when nothing changed. */
  async function connect(previous: Connection | undefined): Promise<Link> {
    suspect = false;
    let best: ResolvedAddress;
    if (literal !== 0) {
      best = { address: host, family: literal };
    } else {
      try {
        const addresses = await lookup(host, family);
        if (addresses[0] === undefined) {
          throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
        }
        best = addresses[0];
      } catch (error) {
        backOff();
        // Stale-while-refresh: a working socket beats no socket when the resolver hiccups.
        if (previous !== undefined) return { ok: true, conn: previous };
        return { ok: false, error: networkError(error, 'DNS lookup for') };
      }
    }
    const bestFamily = best.family === 6 ? 6 : 4;
    if (previous !== undefined && previous.address === best.address && previous.family === bestFamily) {
      nextLookupAt = clock.monotonic() + dnsRetryMs;
      return { ok: true, conn: previous };
    }
    const next = await openSocket(best.address, bestFamily);
    if (!next.ok) {
      backOff();
      return previous !== undefined ? { ok: true, conn: previous } : next;
    }
    nextLookupAt = clock.monotonic() + dnsRetryMs;
    lookupBackoffMs = dnsRetryMs;
    if (previous !== undefined) {
      retired.add(previous);
      void closeWhenIdle(previous).then(() => retired.delete(previous));
    }
    pendingError = undefined; // it belonged to the old address
    return next;
  }

  function refreshDue(settled: Link): boolean {
    if (closing || clock.monotonic() < nextLookupAt) return false;
    return settled.ok ? suspect && literal === 0 : true;
  }

  /** The link a send uses. At most one lookup/connect is in flight; every waiting send shares it. */
  async function currentLink(): Promise<Link> {
    for (;;) {
      link ??= connect(undefined);
      const awaited = link;
      const settled = await awaited;
      // Another send started a refresh while this one waited: use the newer link.
      if (link !== awaited) continue;
      if (!refreshDue(settled)) {
        ready = settled.ok ? settled.conn : undefined;
        return settled;
      }
      ready = undefined;
      link = connect(settled.ok ? settled.conn : undefined);
    }
  }

  /** Closes the socket once its pending sends are done: closing earlier would cancel them (ECANCELED). */
  function closeWhenIdle(conn: Connection): Promise<void> {
    if (conn.closed === undefined) {
      conn.closing = true;
      conn.closed = new Promise<void>((resolve) => (conn.release = resolve));
      if (conn.pending === 0) shut(conn);
    }
    return conn.closed;
  }

  function shut(conn: Connection): void {
    const release = conn.release;
    if (release === undefined) return;
    conn.release = undefined;
    try {
      conn.socket.close(() => release());
    } catch {
      release(); // already closed (ERR_SOCKET_DGRAM_NOT_RUNNING)
    }
  }

  function transmit(conn: Connection, payload: Uint8Array): Promise<SendResult> {
    return new Promise<SendResult>((resolve) => {
      const done = (error: Error | null): void => {
        conn.pending--;
        if (conn.closing && conn.pending === 0) shut(conn);
        resolve(error === null ? { ok: true } : sendFailure(conn, payload, error));
      };
      conn.pending++;
      try {
        conn.socket.send(payload, done);
      } catch (error) {
        done(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  function sendFailure(conn: Connection, payload: Uint8Array, error: Error): SendFailure {
    const { code } = describeErrno(error);
    if (code === 'EMSGSIZE') {
      const limit = MAX_DATAGRAM[conn.family];
      const excerpt = Buffer.from(payload.subarray(0, 40)).toString('utf8');
      const tooLarge = new PayloadTooLargeError(payload.byteLength, limit, excerpt, { target, cause: error });
      // The shared constructor speaks of lines; here the whole datagram was refused by the OS.
      tooLarge.message = `UDP datagram of ${payload.byteLength} bytes to ${target} refused (EMSGSIZE): over the ${limit}-byte UDP limit or the path MTU; lower maxPayloadBytes`;
      return { ok: false, retryable: false, error: tooLarge };
    }
    suspect = true;
    return { ok: false, retryable: true, error: networkError(error, 'send to') };
  }

  async function sendNow(payload: Uint8Array, signal: AbortSignal | undefined): Promise<SendResult> {
    for (;;) {
      const settled = await raceAbort(currentLink(), signal);
      if (settled === undefined) return abortedResult(target, signal as AbortSignal);
      if (!settled.ok) return { ok: false, retryable: true, error: settled.error };
      // Replaced by a newer address while this send waited: take the new link.
      if (settled.conn.closing) continue;
      if (pendingError !== undefined) return takePendingError(pendingError);
      return transmit(settled.conn, payload);
    }
  }

  /**
   * Like the kernel's pending SO_ERROR: the error is the result of this send, which is not
   * transmitted, so that sending the same payload again (it is retryable) never duplicates it.
   */
  function takePendingError(error: NetworkError): SendFailure {
    pendingError = undefined;
    return { ok: false, retryable: true, error };
  }

  return {
    target,
    // A send settles in dgram's callback, once the kernel has the datagram (or never got it).
    releasesPayload: true,
    send(payload: Uint8Array, sendOptions?: SendOptions): Promise<SendResult> {
      if (closing) return Promise.resolve(closedResult(target));
      const signal = sendOptions?.signal;
      if (signal?.aborted === true) return Promise.resolve(abortedResult(target, signal));
      // Hot path (streaming pushers send per event-loop turn): connected and healthy means no
      // await before the syscall; close() waits for these through the connection's `pending`.
      if (
        ready !== undefined &&
        !ready.closing &&
        pendingError === undefined &&
        !(suspect && literal === 0 && clock.monotonic() >= nextLookupAt)
      ) {
        return transmit(ready, payload);
      }
      return inFlight.track(sendNow(payload, signal));
    },
    async close(): Promise<void> {
      closing = true;
      // Flush: sends waiting for DNS or for the socket still go out before the socket closes.
      while (inFlight.size > 0) await inFlight.allSettled();
      const settled = link === undefined ? undefined : await link;
      const closes = [...retired].map(closeWhenIdle);
      if (settled?.ok === true) closes.push(closeWhenIdle(settled.conn));
      await Promise.all(closes);
    },
  };
}

async function defaultLookup(hostname: string, family: 0 | 4 | 6): Promise<readonly ResolvedAddress[]> {
  // `verbatim`: keep the resolver's order (RFC 6724 on most systems), IPv6 first when preferred.
  return dnsLookup(hostname, { all: true, verbatim: true, family });
}
