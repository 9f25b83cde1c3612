// The e2e harness' own behaviour: failure messages, cleanup, port races, the skip path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { freePorts, LOOPBACK } from './harness/ports.js';
import { liveServerCount, RingBuffer, ServerStartError, startProcess, startWithPortRetry } from './harness/process.js';
import { locateServer, missingMessage, serverPath } from './harness/require-server.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('e2e harness', () => {
  it('freePorts: distinct ports; a tcp+udp port is bindable for both', async () => {
    const [a, b, both] = await freePorts(['tcp', 'udp', 'tcp+udp']);
    assert.ok(a && b && both);
    assert.equal(new Set([a, b, both]).size, 3);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(both, LOOPBACK, resolve));
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(both, LOOPBACK, resolve));
    await new Promise<void>((resolve) => socket.close(resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('RingBuffer keeps the last 300 lines and says how many were dropped', () => {
    const ring = new RingBuffer();
    for (let i = 1; i <= 305; i++) ring.push(`line ${i}`);
    const lines = ring.text().split('\n');
    assert.equal(lines[0], '[… 5 earlier lines dropped]');
    assert.equal(lines[1], 'line 6');
    assert.equal(lines.at(-1), 'line 305');
  });

  // Children are small `sh` scripts: they start in milliseconds, even on a loaded machine.
  const sh = (script: string) => ({ command: '/bin/sh', args: ['-c', script] });

  it('startProcess: no ready line in time → ServerStartError, process killed', async () => {
    const before = liveServerCount();
    await assert.rejects(
      startProcess({ name: 'sleeper', ...sh('echo hello; exec sleep 60'), ready: [/never printed/], timeoutMs: 100 }),
      (err: unknown) => {
        assert.ok(err instanceof ServerStartError);
        assert.equal(err.portInUse, false);
        // The output itself is checked in the next test, where its arrival is certain.
        assert.match(err.message, /^sleeper did not become ready: no ready line within 100 ms\n/);
        assert.match(err.message, /--- last output of sleeper ---\n/);
        return true;
      },
    );
    assert.equal(liveServerCount(), before);
  });

  it('startProcess: early exit → error with exit code and output; "address already in use" marks a port race', async () => {
    await assert.rejects(
      startProcess({
        name: 'crasher',
        ...sh("echo starting; echo 'listen tcp 127.0.0.1:1: bind: address already in use' >&2; exit 3"),
        ready: [/^READY$/],
      }),
      (err: unknown) => {
        assert.ok(err instanceof ServerStartError);
        assert.equal(err.portInUse, true);
        assert.match(err.message, /^crasher did not become ready: exited early \(exit code 3\)\n/);
        // stdout and stderr are two pipes, so their relative order is not fixed.
        assert.match(err.message, /\nstarting\n/);
        assert.match(err.message, /\nlisten tcp 127\.0\.0\.1:1: bind: address already in use\n/);
        return true;
      },
    );
  });

  it('startProcess: all ready patterns are needed, in any order, on stdout or stderr', async () => {
    const proc = await startProcess({
      name: 'two-lines',
      ...sh('echo second >&2; echo first; exec sleep 60'),
      ready: [/first/, /second/],
    });
    assert.equal(proc.exited, undefined);
    await proc.stop();
    assert.equal(proc.exited, 'signal SIGTERM');
  });

  it('stop escalates to SIGKILL when SIGTERM is ignored', async () => {
    // An ignored signal stays ignored across exec, so `sleep` ignores SIGTERM too.
    const proc = await startProcess({ name: 'stubborn', ...sh("trap '' TERM; echo up; exec sleep 60"), ready: [/up/] });
    await proc.stop(100);
    assert.equal(proc.exited, 'signal SIGKILL');
  });

  it(
    'startWithPortRetry: a real server that lost its port is started again on a fresh one',
    { skip: locateServer('prometheus-pushgateway') === undefined && missingMessage('prometheus-pushgateway') },
    async () => {
      const blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, LOOPBACK, resolve));
      const taken = (blocker.address() as net.AddressInfo).port;
      const attempts: number[] = [];
      try {
        const proc = await startWithPortRetry(async () => {
          const port = attempts.length === 0 ? taken : ((await freePorts(['tcp']))[0] ?? 0);
          attempts.push(port);
          return startProcess({
            name: 'prometheus-pushgateway',
            command: serverPath('prometheus-pushgateway'),
            args: [`--web.listen-address=${LOOPBACK}:${port}`, '--persistence.file='],
            ready: [/msg="Listening on"/],
          });
        });
        await proc.stop();
        assert.equal(attempts.length, 2);
        assert.equal(attempts[0], taken);
      } finally {
        await new Promise<void>((resolve) => blocker.close(() => resolve()));
      }
    },
  );

  // The two probes are separate node processes: run them side by side.
  describe('a missing server', { concurrency: true }, () => {
    const probe = ['--import', 'tsx', '--test-reporter=tap', 'test/e2e/harness/skip-probe.ts'];
    const env = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
      // NODE_TEST_CONTEXT would make the child report to our runner instead of printing.
      const { NODE_TEST_CONTEXT: _ctx, PPC_E2E_REQUIRED: _req, ...rest } = process.env;
      return { ...rest, PPC_VM_BIN: '/nonexistent/victoria-metrics', ...extra };
    };
    const message = 'e2e skipped: victoria-metrics not installed; run scripts/install-servers.sh';

    it('is skipped with the install hint', async () => {
      const { code, out } = await run(probe, env({}));
      assert.equal(code, 0, out);
      assert.ok(out.split('\n').includes(message), out);
      assert.match(out, /^# skipped 1$/m);
      assert.match(out, /^# fail 0$/m);
    });

    it('fails the run with the same message when PPC_E2E_REQUIRED=1', async () => {
      const { code, out } = await run(probe, env({ PPC_E2E_REQUIRED: '1' }));
      assert.equal(code, 1, out);
      assert.ok(out.includes(`error: '${message}'`), out);
      assert.match(out, /^# fail 1$/m);
    });
  });
});
