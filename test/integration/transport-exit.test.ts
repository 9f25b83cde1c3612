// A finished process must exit even though its transports were never closed, and sends started
// at beforeExit must still complete. This needs a real child process and therefore real time:
// the only timer here is a safety bound that kills a child that failed to exit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startRecordingServer, startUdpSink } from './support/loopback.js';

const child = fileURLToPath(new URL('./fixtures/exit-child.ts', import.meta.url));

describe('transports and process lifetime', () => {
  it('never keep a finished process alive, yet finish sends started at beforeExit', async (t) => {
    const server = await startRecordingServer(() => ({ status: 204 }));
    const sink = await startUdpSink();
    t.after(() => Promise.all([server.close(), sink.close()]));

    const proc = spawn(process.execPath, ['--import', 'tsx', child], {
      env: { ...process.env, PPC_HTTP_URL: `${server.origin}/write`, PPC_UDP_PORT: String(sink.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Safety bound only: the server keeps idle connections for 60 s, so a child held by its
    // keep-alive socket would still be running when this fires.
    const guard = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      proc.once('exit', (c, s) => resolve([c, s])),
    );
    clearTimeout(guard);

    assert.equal(signal, null, `the child had to be killed: it did not exit by itself\n${stderr}`);
    assert.equal(code, 0, stderr);
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { label: string; result: unknown });
    assert.deepEqual(new Set(lines.map((l) => l.label)), new Set(['http', 'udp', 'http-beforeExit', 'udp-beforeExit']));
    for (const line of lines) assert.equal((line.result as { ok: boolean }).ok, true, line.label);
    await server.requestCount(2);
    assert.deepEqual(
      server.requests.map((r) => r.body.toString()),
      ['phase 1\n', 'at beforeExit\n'],
    );
    assert.equal(server.connections(), 1, 'the beforeExit request reused the idle keep-alive connection');
    await sink.received(2);
    assert.deepEqual(new Set(sink.messages.map(String)), new Set(['phase:1|c', 'beforeExit:1|c']));
  });
});
