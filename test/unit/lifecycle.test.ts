// The final push on the ways a process ends, checked in real child processes against a real
// loopback HTTP server: the only honest way to see `beforeExit`, signals and exit codes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { guardProcess } from './push-helpers.js';

guardProcess();

const FIXTURE = fileURLToPath(new URL('../fixtures/lifecycle-child.ts', import.meta.url));
const body = (n: number): string => `# HELP jobs_total Jobs done\n# TYPE jobs_total counter\njobs_total ${n}\n`;

interface Received {
  readonly method: string;
  readonly url: string;
  readonly body: string;
}

let server: http.Server;
let received: Received[] = [];
let targetUrl = '';

before(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics/job/lifecycle`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Runs the fixture; `signal` is sent once the child printed `ready`. */
function runChild(scenario: string, options: { signal?: NodeJS.Signals; handleSignals?: boolean } = {}) {
  received = [];
  return new Promise<ChildResult>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      env: {
        ...process.env,
        TARGET_URL: targetUrl,
        SCENARIO: scenario,
        HANDLE_SIGNALS: options.handleSignals === false ? '0' : '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (chunk.includes('ready') && options.signal !== undefined) child.kill(options.signal);
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('lifecycle (child processes)', () => {
  it('natural end: beforeExit pushes once, then the process exits normally', async () => {
    const result = await runChild('natural-end');
    assert.equal(result.stderr, '');
    assert.deepEqual([result.code, result.signal], [0, null]);
    assert.deepEqual(received, [{ method: 'POST', url: '/metrics/job/lifecycle', body: body(3) }]);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} with handleSignals: final push, then the process dies of ${signal} as if we were not there`, async () => {
      const result = await runChild('signal', { signal });
      assert.deepEqual([result.code, result.signal], [null, signal]);
      assert.deepEqual(
        received.map((r) => r.body),
        [body(2)],
      );
    });
  }

  it('SIGTERM without handleSignals: Node default, no final push', async () => {
    const result = await runChild('signal', { signal: 'SIGTERM', handleSignals: false });
    assert.deepEqual([result.code, result.signal], [null, 'SIGTERM']);
    assert.deepEqual(received, []);
  });

  it("SIGTERM when the program has its own listener: we push but do not re-raise; the program's listener decides", async () => {
    const result = await runChild('signal-own-listener', { signal: 'SIGTERM' });
    assert.deepEqual([result.code, result.signal], [42, null]);
    assert.deepEqual(
      received.map((r) => r.body),
      [body(4)],
    );
  });

  it('a throw inside run(): final push, then the original error ends the process as usual', async () => {
    const result = await runChild('throw-in-run');
    assert.deepEqual([result.code, result.signal], [1, null]);
    assert.match(result.stderr, /Error: the job failed/);
    assert.deepEqual(
      received.map((r) => r.body),
      [body(5)],
    );
  });
});
