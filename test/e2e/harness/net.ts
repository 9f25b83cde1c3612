// Raw clients the e2e tests and server helpers use to talk to the servers: plain node:http,
// node:dgram and node:net, so a failing test never depends on the library under test.
import dgram from 'node:dgram';
import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import net from 'node:net';
import { LOOPBACK } from './ports.js';

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface HttpOptions {
  readonly body?: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

// No keep-alive: every request is independent, and no idle socket outlives a stopped server.
const agent = new http.Agent({ keepAlive: false });

/** One HTTP request; resolves with any status (callers assert it), rejects on network errors. */
export function httpRequest(method: string, url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: { ...(body === undefined ? {} : { 'content-length': String(body.length) }), ...options.headers },
        timeout: options.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Like `httpRequest` but throws unless the status is `expected`; returns the body. */
export async function httpExpect(
  expected: number,
  method: string,
  url: string,
  options: HttpOptions = {},
): Promise<string> {
  const res = await httpRequest(method, url, options);
  if (res.status !== expected) {
    throw new Error(`${method} ${url}: expected HTTP ${expected}, got ${res.status}: ${res.body.slice(0, 500)}`);
  }
  return res.body;
}

/** Sends each payload as one datagram to 127.0.0.1:`port`, in order; resolves once all were sent. */
export async function udpSend(port: number, payloads: string | Uint8Array | readonly (string | Uint8Array)[]) {
  const list = typeof payloads === 'string' || payloads instanceof Uint8Array ? [payloads] : payloads;
  const socket = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(port, LOOPBACK, () => resolve());
    });
    for (const payload of list) {
      await new Promise<void>((resolve, reject) => socket.send(payload, (err) => (err ? reject(err) : resolve())));
    }
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

/** Writes `payload` over one TCP connection to 127.0.0.1:`port`, then closes it and waits for the close. */
export function tcpSend(port: number, payload: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: LOOPBACK, port }, () => socket.end(payload));
    socket.on('error', reject);
    socket.resume();
    socket.on('close', (hadError) => {
      if (!hadError) resolve();
    });
  });
}
