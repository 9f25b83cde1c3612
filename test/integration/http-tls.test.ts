// httpTransport over TLS against real node:https servers on 127.0.0.1, port 0, with the
// test-only certificates of fixtures/tls (make-certs.sh): a CA, a server certificate for
// 127.0.0.1 and a client certificate, both signed by that CA.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { httpTransport } from '../../src/transport/http.js';
import type { SendFailure, SendResult } from '../../src/transport/transport.js';
import { assertNothingEscapes } from './support/guards.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`fixtures/tls/${name}`, import.meta.url));
const CA = fixture('ca.crt');
const SERVER = { cert: fixture('server.crt'), key: fixture('server.key') };
const CLIENT = { cert: fixture('client.crt'), key: fixture('client.key') };

interface TlsRequest {
  readonly body: Buffer;
  readonly authorization: string | undefined;
  /** The CN of the client certificate, when the server asked for one. */
  readonly clientName: string | undefined;
}

/** An https server answering 200 to everything, recording what arrived. */
async function startTlsServer(
  requireClientCert = false,
): Promise<{ port: number; requests: TlsRequest[]; close(): Promise<void> }> {
  const requests: TlsRequest[] = [];
  const server = https.createServer(
    { ...SERVER, ...(requireClientCert && { ca: CA, requestCert: true, rejectUnauthorized: true }) },
    (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        requests.push({
          body: Buffer.concat(chunks),
          authorization: req.headers.authorization,
          clientName: typeof peer.subject?.CN === 'string' ? peer.subject.CN : undefined,
        });
        res.end();
      });
    },
  );
  server.on('tlsClientError', () => undefined); // a refused handshake is what some tests want
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function failure(result: SendResult): SendFailure {
  assert.equal(result.ok, false, 'expected a failed send');
  return result;
}

const body = new TextEncoder().encode('jobs_total 3\n');

describe('httpTransport over TLS (loopback)', () => {
  assertNothingEscapes();

  it('POSTs to a server whose certificate the CA given in tls.ca signed', async (t) => {
    const server = await startTlsServer();
    const transport = httpTransport({ url: `https://127.0.0.1:${server.port}/w`, tls: { ca: CA } });
    t.after(() => Promise.all([transport.close(), server.close()]));

    assert.deepEqual(await transport.send(body), { ok: true, status: 200 });
    assert.deepEqual(
      server.requests.map((r) => r.body.toString()),
      ['jobs_total 3\n'],
    );
  });

  it('refuses a certificate no trusted CA signed: ERR_NETWORK, not retryable, nothing sent', async (t) => {
    const server = await startTlsServer();
    const transport = httpTransport({ url: `https://127.0.0.1:${server.port}/w` });
    t.after(() => Promise.all([transport.close(), server.close()]));

    const result = failure(await transport.send(body));
    assert.equal(result.error.code, 'ERR_NETWORK');
    assert.equal(result.retryable, false, 'sending again cannot fix a certificate');
    assert.equal(
      result.error.message,
      `POST https://127.0.0.1:${server.port}/w failed: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`,
    );
    assert.equal(server.requests.length, 0);
  });

  it('accepts any certificate with tls.rejectUnauthorized: false (test setups only)', async (t) => {
    const server = await startTlsServer();
    const transport = httpTransport({ url: `https://127.0.0.1:${server.port}/w`, tls: { rejectUnauthorized: false } });
    t.after(() => Promise.all([transport.close(), server.close()]));

    assert.deepEqual(await transport.send(body), { ok: true, status: 200 });
  });

  it('presents the client certificate of tls.cert and tls.key to a server that requires one', async (t) => {
    const server = await startTlsServer(true);
    const withCert = httpTransport({ url: `https://127.0.0.1:${server.port}/w`, tls: { ca: CA, ...CLIENT } });
    const without = httpTransport({ url: `https://127.0.0.1:${server.port}/w`, tls: { ca: CA } });
    t.after(() => Promise.all([withCert.close(), without.close(), server.close()]));

    assert.deepEqual(await withCert.send(body), { ok: true, status: 200 });
    assert.deepEqual(
      server.requests.map((r) => r.clientName),
      ['push-client'],
    );
    const refused = failure(await without.send(body));
    assert.equal(refused.error.code, 'ERR_NETWORK');
    assert.equal(refused.retryable, false);
    assert.equal(
      refused.error.message,
      `POST https://127.0.0.1:${server.port}/w failed: tlsv13 alert certificate required (ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED)`,
    );
    assert.equal(server.requests.length, 1);
  });

  it('sends the basic auth of URL userinfo inside TLS, and never shows the password', async (t) => {
    const server = await startTlsServer();
    const url = `https://push:s3cr%40t@127.0.0.1:${server.port}/w`;
    const transport = httpTransport({ url, tls: { ca: CA } });
    const untrusted = httpTransport({ url });
    t.after(() => Promise.all([transport.close(), untrusted.close(), server.close()]));

    assert.deepEqual(await transport.send(body), { ok: true, status: 200 });
    assert.equal(server.requests[0]?.authorization, `Basic ${Buffer.from('push:s3cr@t').toString('base64')}`);
    assert.equal(transport.target, `https://127.0.0.1:${server.port}/w`);
    const result = failure(await untrusted.send(body));
    assert.doesNotMatch(`${result.error.message} ${result.error.target ?? ''}`, /s3cr|push:/);
  });
});
