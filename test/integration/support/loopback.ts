// Real loopback servers for transport tests (undici's approach): node:http and node:dgram on
// port 0, no mocking library. Every wait here is on an event (a request, a datagram), never on time.
import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** Resolves when `count()` reaches `n`; `notify()` re-checks. Event-driven, no polling. */
class Waiters {
  private readonly waiting: { n: number; resolve: () => void }[] = [];
  constructor(private readonly count: () => number) {}
  until(n: number): Promise<void> {
    if (this.count() >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push({ n, resolve }));
  }
  notify(): void {
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const w = this.waiting[i];
      if (w !== undefined && this.count() >= w.n) {
        this.waiting.splice(i, 1);
        w.resolve();
      }
    }
  }
}

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
  /** 1-based number of the TCP connection the request came on. */
  readonly connection: number;
}

export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export interface HttpServerHandle {
  readonly server: http.Server;
  readonly port: number;
  /** `http://127.0.0.1:PORT` (or `http://[::1]:PORT`), no trailing slash. */
  readonly origin: string;
  readonly requests: ReceivedRequest[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** Resolves once `n` requests have been received (fully read, for recording servers). */
  requestCount(n: number): Promise<void>;
  close(): Promise<void>;
}

type RawHandler = (req: http.IncomingMessage, res: http.ServerResponse, connection: number) => void;
type Recorder = (request: ReceivedRequest) => void;

function listen(makeHandler: (record: Recorder) => RawHandler, host: string, port = 0): Promise<HttpServerHandle> {
  let connections = 0;
  const connectionIds = new WeakMap<net.Socket, number>();
  const requests: ReceivedRequest[] = [];
  const waiters = new Waiters(() => requests.length);
  const onRequest = makeHandler((request) => {
    requests.push(request);
    waiters.notify();
  });
  const server = http.createServer((req, res) => onRequest(req, res, connectionIds.get(req.socket) ?? 0));
  // Long idle timeout: tests that count connections must not see the server close idle sockets.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: net.Socket) => {
    connections++;
    connectionIds.set(socket, connections);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const bound = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: bound,
        origin: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
        requests,
        connections: () => connections,
        requestCount: (n) => waiters.until(n),
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** A server that reads each request body to the end, records it, then answers with `reply(request)`. */
export function startRecordingServer(
  reply: (request: ReceivedRequest) => Reply = () => ({ status: 204 }),
  host = '127.0.0.1',
  port = 0,
): Promise<HttpServerHandle> {
  return listen(
    (record) => (req, res, connection) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request: ReceivedRequest = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks),
          connection,
        };
        record(request);
        const answer = reply(request);
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
      });
    },
    host,
    port,
  );
}

/**
 * A server whose requests the test handles itself (never answer, reset, stream…). The handler
 * calls `arrived(body?)` when it considers the request received, which feeds `requestCount`.
 */
export function startRawServer(
  onRequest: (req: http.IncomingMessage, res: http.ServerResponse, arrived: (body?: Buffer) => void) => void,
  host = '127.0.0.1',
): Promise<HttpServerHandle> {
  return listen(
    (record) => (req, res, connection) =>
      onRequest(req, res, (body = Buffer.alloc(0)) =>
        record({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, connection }),
      ),
    host,
  );
}

/** A TCP port on 127.0.0.1 that was just bound and released: connecting to it is refused. */
export async function closedTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface UdpSink {
  readonly port: number;
  readonly messages: Buffer[];
  /** Resolves once `n` datagrams have arrived. */
  received(n: number): Promise<void>;
  close(): Promise<void>;
}

export async function startUdpSink(host = '127.0.0.1'): Promise<UdpSink> {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const messages: Buffer[] = [];
  const waiters = new Waiters(() => messages.length);
  socket.on('message', (message) => {
    messages.push(message);
    waiters.notify();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, host, () => resolve());
  });
  return {
    port: socket.address().port,
    messages,
    received: (n) => waiters.until(n),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

/** A UDP port that was just bound and released: datagrams to it draw ICMP port unreachable. */
export async function closedUdpPort(host = '127.0.0.1'): Promise<number> {
  const sink = await startUdpSink(host);
  await sink.close();
  return sink.port;
}

/** True when this machine can bind ::1 (IPv6 loopback); IPv6 tests are skipped otherwise. */
export async function ipv6Available(): Promise<boolean> {
  try {
    const sink = await startUdpSink('::1');
    await sink.close();
    return true;
  } catch {
    return false;
  }
}
