// The receiver behind `listen`, usable in-process (the demo starts it): a UDP socket that takes
// StatsD and Influx line protocol (detected per line), and an HTTP server with the endpoints of
// VictoriaMetrics, InfluxDB, the Pushgateway and Prometheus' remote-write receiver. Every
// decoded sample goes to `onSample`; what is not a sample (a bad line, an unknown path, a
// Pushgateway DELETE) goes to `onNotice`. Answers are the real servers' (204, 200, 202, 400…).
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIPv6 } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { InvalidArgumentError } from '../errors.js';
import { parseExposition } from './decode/exposition.js';
import { parseInfluxLines } from './decode/influx-line.js';
import { decodeWriteRequest } from './decode/remote-write.js';
import { MAX_UNCOMPRESSED_BYTES, snappyDecompress } from './decode/snappy.js';
import { looksLikeStatsd, parseStatsdLine, StatsdError } from './decode/statsd.js';
import { routeRequest } from './http-route.js';
import type { Route } from './http-route.js';
import { labelRecord } from './received-sample.js';
import type { ReceivedFormat, ReceivedSample } from './received-sample.js';

export interface ListenerOptions {
  /** UDP port for StatsD and Influx line protocol; 0 picks a free port; undefined: no UDP. */
  readonly udpPort?: number | undefined;
  /** HTTP port; 0 picks a free port; undefined: no HTTP. */
  readonly httpPort?: number | undefined;
  /** Address to bind, default 127.0.0.1 (use 0.0.0.0 or :: to accept pushes from other hosts). */
  readonly host?: string | undefined;
  /** Called for every decoded sample, in arrival order. Must not throw. */
  readonly onSample: (sample: ReceivedSample) => void;
  /** Called with a one-line message for what is not a sample. Default: ignored. Must not throw. */
  readonly onNotice?: ((message: string) => void) | undefined;
}

export interface Listener {
  readonly host: string;
  /** The bound UDP port, undefined without UDP. */
  readonly udpPort: number | undefined;
  /** The bound HTTP port, undefined without HTTP. */
  readonly httpPort: number | undefined;
  /** `udp://HOST:PORT http://HOST:PORT` (only those that run). */
  readonly addresses: string;
  /** Stops both servers, dropping open connections. Never rejects. */
  close(): Promise<void>;
}

/** Largest HTTP body read (VictoriaMetrics' default limit is 32 MiB). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Starts the servers; rejects (with nothing left open) when a port cannot be bound. */
export async function startListener(options: ListenerOptions): Promise<Listener> {
  const { udpPort, httpPort } = options;
  if (udpPort === undefined && httpPort === undefined) {
    throw new InvalidArgumentError('startListener: give udpPort, httpPort or both');
  }
  const host = options.host ?? '127.0.0.1';
  const onNotice = options.onNotice ?? (() => undefined);
  const emit = options.onSample;

  let socket: Socket | undefined;
  let server: Server | undefined;
  try {
    if (udpPort !== undefined) socket = await bindUdp(host, udpPort, emit, onNotice);
    if (httpPort !== undefined) server = await bindHttp(host, httpPort, emit, onNotice);
  } catch (error) {
    await closeAll(socket, server);
    throw error;
  }
  const shown = isIPv6(host) ? `[${host}]` : host;
  const boundUdp = socket?.address().port;
  const boundHttp = (server?.address() as AddressInfo | null | undefined)?.port;
  const addresses = [
    boundUdp === undefined ? '' : `udp://${shown}:${boundUdp}`,
    boundHttp === undefined ? '' : `http://${shown}:${boundHttp}`,
  ]
    .filter((a) => a !== '')
    .join(' ');
  let closed: Promise<void> | undefined;
  return {
    host,
    udpPort: boundUdp,
    httpPort: boundHttp,
    addresses,
    close: () => (closed ??= closeAll(socket, server)),
  };
}

function bindUdp(
  host: string,
  port: number,
  emit: (sample: ReceivedSample) => void,
  onNotice: (message: string) => void,
): Promise<Socket> {
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  socket.on('message', (message) => decodeDatagram(message.toString('utf8'), emit, onNotice));
  return new Promise((resolve, reject) => {
    const failed = (error: Error): void => {
      socket.close();
      reject(error);
    };
    socket.once('error', failed);
    socket.bind(port, host, () => {
      socket.removeListener('error', failed);
      // Later socket errors (none are expected on a bound receiver) must not crash the process.
      socket.on('error', (error) => onNotice(`udp: ${error.message}`));
      resolve(socket);
    });
  });
}

/** One datagram: newline-separated lines, each StatsD or Influx line protocol. */
function decodeDatagram(text: string, emit: (sample: ReceivedSample) => void, onNotice: (m: string) => void): void {
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    if (looksLikeStatsd(line)) {
      try {
        for (const s of parseStatsdLine(line)) {
          emit({ format: 'statsd', via: 'udp', ...s, labels: labelRecord(s.labels) });
        }
      } catch (error) {
        if (!(error instanceof StatsdError)) throw error;
        onNotice(error.message);
      }
      continue;
    }
    const { samples, problems } = parseInfluxLines(line);
    for (const s of samples) emit(influxSample(s, 'udp'));
    for (const problem of problems) onNotice(problem);
  }
}

function influxSample(s: ReturnType<typeof parseInfluxLines>['samples'][number], via: 'udp' | 'http'): ReceivedSample {
  return {
    format: 'influx',
    via,
    name: s.name,
    labels: labelRecord(s.labels),
    value: s.value,
    type: s.fieldType,
    timestampMs: s.timestampMs,
  };
}

function bindHttp(
  host: string,
  port: number,
  emit: (sample: ReceivedSample) => void,
  onNotice: (message: string) => void,
): Promise<Server> {
  const server = createServer((req, res) => {
    const reply = (status: number, body = ''): void => {
      if (res.headersSent) return;
      res.writeHead(status, body === '' ? {} : { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body);
    };
    let route: Route;
    try {
      route = routeRequest(req.method ?? 'GET', req.url ?? '/', req.headers['content-type']);
    } catch {
      reply(400, 'bad request URL');
      return;
    }
    if (route.kind === 'reply') {
      if (route.notice !== undefined) onNotice(route.notice);
      req.resume();
      reply(route.status, route.body);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        onNotice(`http: ${req.method} ${req.url}: body larger than ${MAX_BODY_BYTES} bytes`);
        reply(413, 'request body too large');
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const result = decodeRequest(route, req.headers['content-encoding'], Buffer.concat(chunks), emit, onNotice);
      if (result.error !== undefined) onNotice(`http: ${req.method} ${req.url}: ${result.error}`);
      reply(result.status, result.error ?? '');
    });
    req.on('error', () => undefined);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      server.on('error', (error) => onNotice(`http: ${error.message}`));
      resolve(server);
    });
  });
}

/** Decodes one request body for its route; returns the status to answer and any error text. */
function decodeRequest(
  route: Exclude<Route, { kind: 'reply' }>,
  encoding: string | undefined,
  raw: Buffer,
  emit: (sample: ReceivedSample) => void,
  onNotice: (message: string) => void,
): { status: number; error?: string } {
  let body: Uint8Array;
  const contentEncoding = (encoding ?? '').trim().toLowerCase();
  try {
    if (contentEncoding === 'gzip') body = gunzipSync(raw, { maxOutputLength: MAX_UNCOMPRESSED_BYTES });
    else if (contentEncoding === 'snappy') body = snappyDecompress(raw);
    else if (contentEncoding === '' || contentEncoding === 'identity') body = raw;
    else return { status: 415, error: `unsupported Content-Encoding ${JSON.stringify(encoding)}` };
    // The remote-write body is snappy-compressed whether or not the header says so.
    if (route.kind === 'remote-write' && contentEncoding !== 'snappy') body = snappyDecompress(body);
  } catch (error) {
    return { status: 400, error: `cannot decompress the body: ${message(error)}` };
  }
  try {
    switch (route.kind) {
      case 'influx': {
        const { samples, problems } = parseInfluxLines(utf8(body), route.precision);
        for (const s of samples) emit(influxSample(s, 'http'));
        for (const problem of problems) onNotice(problem);
        return { status: 204 };
      }
      case 'pushgateway': {
        const grouping: (readonly [string, string])[] = [['job', route.grouping.job], ...route.grouping.labels];
        for (const s of parseExposition(utf8(body), route.openMetrics ? 'openmetrics' : 'prometheus')) {
          // The Pushgateway's rule: grouping labels replace same-named labels of the body.
          const labels = s.labels.filter(([name]) => !grouping.some(([g]) => g === name));
          emit(textSample('pushgateway', s, [...labels, ...grouping]));
        }
        return { status: 200 };
      }
      case 'text': {
        const format = route.openMetrics ? 'openmetrics' : 'prometheus';
        for (const s of parseExposition(utf8(body), format)) emit(textSample(format, s, s.labels));
        return { status: 204 };
      }
      case 'remote-write':
        for (const s of decodeWriteRequest(body)) {
          emit({ format: 'remote-write', via: 'http', ...s, labels: labelRecord(s.labels) });
        }
        return { status: 204 };
    }
  } catch (error) {
    // A payload that does not parse (the text parser names the line): what the servers answer.
    return { status: 400, error: message(error) };
  }
}

function textSample(
  format: ReceivedFormat,
  s: ReturnType<typeof parseExposition>[number],
  labels: readonly (readonly [string, string])[],
): ReceivedSample {
  return {
    format,
    via: 'http',
    name: s.name,
    labels: labelRecord(labels),
    value: s.value,
    type: s.type ?? 'untyped',
    timestampMs: s.timestampMs,
  };
}

const decoder = new TextDecoder('utf-8');
function utf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function closeAll(socket: Socket | undefined, server: Server | undefined): Promise<void> {
  const closing: Promise<void>[] = [];
  if (socket !== undefined) {
    closing.push(
      new Promise((resolve) => {
        try {
          socket.close(() => resolve());
        } catch {
          resolve(); // never bound, or already closed
        }
      }),
    );
  }
  if (server !== undefined) {
    server.closeAllConnections();
    closing.push(new Promise((resolve) => server.close(() => resolve())));
  }
  await Promise.all(closing);
}
