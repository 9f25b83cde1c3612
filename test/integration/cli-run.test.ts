// `prometheus-push-client run`: real child processes of the CLI running real commands, pushing
// to loopback servers in this process.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { NODE, runCli, startCli } from './support/cli.js';
import { closedTcpPort, startRecordingServer, startUdpSink } from './support/loopback.js';
import type { HttpServerHandle, UdpSink } from './support/loopback.js';

interface Sample {
  readonly labels: string;
  readonly value: number;
}

/** `name{labels} value` lines of a Prometheus text body, by name; `# TYPE` lines must say gauge. */
function gauges(body: string): Map<string, Sample> {
  const out = new Map<string, Sample>();
  for (const line of body.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type !== null) {
      assert.equal(type[2], 'gauge', line);
      continue;
    }
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    assert.ok(match, `unexpected line ${JSON.stringify(line)}`);
    out.set(match[1]!, { labels: match[2] ?? '', value: Number(match[3]) });
  }
  return out;
}

function nowSeconds(): number {
  return Date.now() / 1000;
}

describe('cli run', { concurrency: 4, timeout: 120_000 }, () => {
  let server: HttpServerHandle;
  let sink: UdpSink;
  before(async () => {
    server = await startRecordingServer(() => ({ status: 200 }));
    sink = await startUdpSink();
  });
  after(async () => {
    await server.close();
    await sink.close();
  });

  /** The requests that reached the recording server for this test's job. */
  function requestsFor(job: string): typeof server.requests {
    return server.requests.filter((r) => r.url.startsWith(`/metrics/job/${job}`));
  }

  it('runs a successful command, passes its stdout through and pushes the four gauges', async () => {
    const started = nowSeconds();
    const result = await runCli([
      'run',
      '--to',
      `pushgateway+http://127.0.0.1:${server.port}/job/run-ok/instance/ci`,
      '--job',
      'backup',
      '--label',
      'db=main',
      '--label',
      'env=c"i',
      '--',
      NODE,
      '-e',
      "process.stdout.write('child says hi\\n')",
    ]);
    const ended = nowSeconds();
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'child says hi\n');
    assert.equal(result.stderr, '');
    const [request, ...more] = requestsFor('run-ok');
    assert.equal(more.length, 0);
    assert.equal(request?.method, 'POST');
    assert.equal(request.url, '/metrics/job/run-ok/instance/ci');
    const pushed = gauges(request.body.toString());
    const labels = '{db="main",env="c\\"i"}';
    assert.deepEqual(
      [...pushed.keys()],
      [
        'backup_duration_seconds',
        'backup_exit_code',
        'backup_last_run_timestamp_seconds',
        'backup_last_success_timestamp_seconds',
      ],
    );
    for (const sample of pushed.values()) assert.equal(sample.labels, labels);
    assert.ok(pushed.get('backup_duration_seconds')!.value >= 0);
    assert.equal(pushed.get('backup_exit_code')!.value, 0);
    const lastRun = pushed.get('backup_last_run_timestamp_seconds')!.value;
    assert.ok(lastRun >= started - 1 && lastRun <= ended + 1, `${lastRun} not in [${started}, ${ended}]`);
    assert.equal(pushed.get('backup_last_success_timestamp_seconds')!.value, lastRun);
  });

  it('exits with the command’s status and pushes no last_success on failure (HTTP and UDP targets)', async () => {
    const received = sink.messages.length;
    const result = await runCli([
      'run',
      '--to',
      `pushgateway+http://127.0.0.1:${server.port}/job/run-fail`,
      '--to',
      `influx+udp://127.0.0.1:${sink.port}`,
      '--job',
      'failing',
      '--',
      NODE,
      '-e',
      'process.exit(3)',
    ]);
    assert.equal(result.code, 3, result.stderr);
    assert.equal(result.stderr, '');
    const pushed = gauges(requestsFor('run-fail')[0]!.body.toString());
    assert.deepEqual(
      [...pushed.keys()],
      ['failing_duration_seconds', 'failing_exit_code', 'failing_last_run_timestamp_seconds'],
    );
    assert.equal(pushed.get('failing_exit_code')!.value, 3);
    await sink.received(received + 1);
    const lines = sink.messages
      .slice(received)
      .map((m) => m.toString())
      .join('')
      .split('\n')
      .filter((l) => l.startsWith(' failing_'));
    assert.deepEqual(
      lines.map((l) => l.replace(/=[^=]*$/, '')),
      [' failing_duration_seconds', ' failing_exit_code', ' failing_last_run_timestamp_seconds'],
    );
    assert.ok(lines.includes(' failing_exit_code=3'));
  });

  it('dies by the signal that killed the command, after the final push', async () => {
    const result = await runCli([
      'run',
      '--to',
      `pushgateway+http://127.0.0.1:${server.port}/job/run-killed`,
      '--job',
      'killed',
      '--',
      NODE,
      '-e',
      "process.kill(process.pid, 'SIGTERM')",
    ]);
    assert.equal(result.signal, 'SIGTERM', `code ${result.code}, stderr ${result.stderr}`);
    assert.equal(result.code, null);
    const pushed = gauges(requestsFor('run-killed')[0]!.body.toString());
    assert.equal(pushed.get('killed_exit_code')!.value, 143);
    assert.equal(pushed.has('killed_last_success_timestamp_seconds'), false);
  });

  it('forwards SIGTERM to the command, pushes, then dies by SIGTERM itself', async () => {
    const cli = startCli([
      'run',
      '--to',
      `pushgateway+http://127.0.0.1:${server.port}/job/run-forward-term`,
      '--job',
      'waiting',
      '--',
      NODE,
      '-e',
      "console.log('ready'); setInterval(() => {}, 60000)",
    ]);
    await cli.line(/^ready$/);
    cli.child.kill('SIGTERM');
    const result = await cli.exited;
    assert.equal(result.signal, 'SIGTERM', `code ${result.code}, stderr ${result.stderr}`);
    const pushed = gauges(requestsFor('run-forward-term')[0]!.body.toString());
    assert.equal(pushed.get('waiting_exit_code')!.value, 143);
  });

  it('forwards SIGINT to a command that handles it, and exits with the command’s status', async () => {
    const cli = startCli([
      'run',
      '--to',
      `pushgateway+http://127.0.0.1:${server.port}/job/run-forward-int`,
      '--job',
      'graceful',
      '--',
      NODE,
      '-e',
      "process.on('SIGINT', () => { console.log('child got SIGINT'); process.exit(0); }); console.log('ready'); setInterval(() => {}, 60000)",
    ]);
    await cli.line(/^ready$/);
    cli.child.kill('SIGINT');
    const result = await cli.exited;
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'ready\nchild got SIGINT\n');
    const pushed = gauges(requestsFor('run-forward-int')[0]!.body.toString());
    assert.equal(pushed.get('graceful_exit_code')!.value, 0);
    assert.ok(pushed.has('graceful_last_success_timestamp_seconds'));
  });

  it('passes stdin and stderr through to the command', async () => {
    const result = await runCli(
      [
        'run',
        '--to',
        `pushgateway+http://127.0.0.1:${server.port}/job/run-stdio`,
        '--',
        NODE,
        '-e',
        "process.stdin.on('data', (d) => { process.stdout.write('out:' + d); process.stderr.write('err:' + d); })",
      ],
      { stdin: 'line from the test\n' },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'out:line from the test\n');
    assert.equal(result.stderr, 'err:line from the test\n');
  });

  it('names the job after the command by default', async () => {
    const result = await runCli(['run', '--to', `pushgateway+http://127.0.0.1:${server.port}`, '--', NODE, '-e', '']);
    assert.equal(result.code, 0, result.stderr);
    const name = NODE.split('/')
      .pop()!
      .replace(/\.[^.]*$/, '');
    const request = server.requests.find((r) => r.url === `/metrics/job/${name}`);
    assert.ok(request, `no push to /metrics/job/${name}: ${server.requests.map((r) => r.url).join(', ')}`);
    assert.ok(gauges(request.body.toString()).has(`${name}_exit_code`));
  });

  it('reports a failed push on one stderr line without changing the exit status, and hides credentials', async () => {
    const port = await closedTcpPort();
    const result = await runCli([
      'run',
      '--to',
      `pushgateway+http://alice:s3cret@127.0.0.1:${port}/job/x`,
      '--timeout',
      '2',
      '--',
      NODE,
      '-e',
      'process.exit(4)',
    ]);
    assert.equal(result.code, 4);
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /^prometheus-push-client: push to pushgateway\+http:\/\/127\.0\.0\.1:\d+\/job\/x failed: /);
    assert.doesNotMatch(result.stderr, /s3cret|alice/);
  });

  it('exits 127 when the command does not exist, and still pushes', async () => {
    const result = await runCli([
      'run',
      '--to',
      `pushgateway+http://127.0.0.1:${server.port}/job/run-missing`,
      '--job',
      'missing',
      '--',
      './no-such-command-here',
    ]);
    assert.equal(result.code, 127);
    assert.match(result.stderr, /^prometheus-push-client: run: cannot run "\.\/no-such-command-here": .*ENOENT.*\n$/);
    const pushed = gauges(requestsFor('run-missing')[0]!.body.toString());
    assert.equal(pushed.get('missing_exit_code')!.value, 127);
  });

  for (const [title, args, message] of [
    ['a command without --', ['--to', 'statsd://127.0.0.1', 'ls', '-l'], /unknown option -l|put the command after --/],
    ['nothing after --', ['--to', 'statsd://127.0.0.1', '--'], /missing command/],
    ['no --to', ['--', 'true'], /missing --to TARGET/],
    ['an unknown option', ['--bogus', '--', 'true'], /unknown option --bogus/],
    ['a bad target', ['--to', 'ftp://x', '--', 'true'], /unknown scheme ftp:\/\//],
    ['a bad label', ['--to', 'statsd://h', '--label', '1x=y', '--', 'true'], /invalid label name "1x"/],
    ['a bad timeout', ['--to', 'statsd://h', '--timeout', '-1', '--', 'true'], /--timeout/],
  ] as const) {
    it(`exits 2 with one line for ${title}`, async () => {
      const result = await runCli(['run', ...args]);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, /^prometheus-push-client: [^\n]+\n$/);
      assert.match(result.stderr, message);
    });
  }

  it('exits 2 when the command follows a positional without --', async () => {
    const result = await runCli(['run', '--to', 'statsd://127.0.0.1', 'true']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'prometheus-push-client: run: unexpected argument "true": put the command after --\n');
  });

  it('prints its usage with --help', async () => {
    const result = await runCli(['run', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: prometheus-push-client run \[options\] -- COMMAND \[ARGS\.\.\.\]\n/);
    assert.match(result.stdout, /--to TARGET/);
    assert.equal(result.stderr, '');
  });
});
