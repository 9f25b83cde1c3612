// The pushgateway preset against a real Pushgateway 1.5: every metric type read back typed and
// exact through /api/v1/metrics; PUT vs POST semantics; deleteOnStop; @base64 grouping values;
// the refusal of clashing labels; a 400 body reaching onError; and the Pushgateway restarted on
// the same port in the middle of a job.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter } from '../../src/metrics/counter.js';
import { Gauge } from '../../src/metrics/gauge.js';
import { Registry } from '../../src/registry.js';
import type { PushError } from '../../src/errors.js';
import { pushgateway } from '../../src/presets/pushgateway.js';
import { httpExpect } from './harness/net.js';
import { freePorts, LOOPBACK } from './harness/ports.js';
import { makeTempDir, removeTempDir, startProcess } from './harness/process.js';
import type { ServerProcess } from './harness/process.js';
import { usePushgateway } from './harness/pushgateway.js';
import type { PgwFamily, PgwMetric } from './harness/pushgateway.js';
import { requireServer, serverPath } from './harness/require-server.js';
import { presetMetrics, record } from './presets-metrics.js';

const skip = requireServer('prometheus-pushgateway');

const labelKey = (m: PgwMetric) => JSON.stringify(Object.entries(m.labels).sort());

/** Families as pushed: without the Pushgateway's own two, time stamps dropped, metrics sorted. */
function pushed(
  families: Readonly<Record<string, PgwFamily>> | undefined,
): Record<string, Omit<PgwFamily, 'time_stamp'>> {
  const out: Record<string, Omit<PgwFamily, 'time_stamp'>> = {};
  for (const [name, { time_stamp: _t, ...family }] of Object.entries(families ?? {})) {
    if (name === 'push_time_seconds' || name === 'push_failure_time_seconds') continue;
    out[name] = { ...family, metrics: [...family.metrics].sort((a, b) => (labelKey(a) < labelKey(b) ? -1 : 1)) };
  }
  return out;
}

/** A Pushgateway on a port of our choosing, so that it can be restarted on the same one. */
async function pushgatewayOn(port: number): Promise<{ url: string; proc: ServerProcess; stop(): Promise<void> }> {
  const dir = await makeTempDir('pgw-restart');
  const proc = await startProcess({
    name: 'prometheus-pushgateway',
    command: serverPath('prometheus-pushgateway'),
    cwd: dir,
    args: [`--web.listen-address=${LOOPBACK}:${port}`, '--persistence.file=', '--log.level=info'],
    ready: [/msg="Listening on"/],
  });
  return {
    url: `http://${LOOPBACK}:${port}`,
    proc,
    async stop() {
      try {
        await proc.stop();
      } finally {
        await removeTempDir(dir);
      }
    },
  };
}

describe('pushgateway preset against Pushgateway 1.5', { skip }, () => {
  const server = usePushgateway();
  let errors: PushError[] = [];
  const common = () => ({ selfMetrics: false as const, onError: (e: PushError) => errors.push(e) });

  beforeEach(async () => {
    errors = [];
    await server().wipe();
  });

  it('PUT (default): every metric type stored typed, with exact values', async () => {
    const p = 'ppg_put';
    const m = presetMetrics(p);
    const pusher = pushgateway({ url: server().url, job: p, registry: m.registry, ...common() });
    const result = await pusher.run(() => {
      record(m);
      return 42;
    });
    assert.equal(result, 42);
    await pusher.stop();
    assert.deepEqual(errors, []);
    const group = await server().group({ job: p });
    assert.equal(group?.lastPushSuccessful, true);
    const l = (labels: Record<string, string>) => ({ ...labels, env: 'e2e', instance: '', job: p });
    assert.deepEqual(pushed(group?.families), {
      [`${p}_requests_total`]: {
        type: 'COUNTER',
        help: 'Requests.',
        metrics: [
          { labels: l({ code: '200' }), value: '3' },
          { labels: l({ code: '500' }), value: '1.5' },
        ],
      },
      [`${p}_temperature_celsius`]: {
        type: 'GAUGE',
        help: 'Temperature.',
        metrics: [{ labels: l({}), value: '-2.25' }],
      },
      [`${p}_latency_seconds`]: {
        type: 'HISTOGRAM',
        help: 'Latency.',
        metrics: [{ labels: l({}), buckets: { '0.1': '1', '1': '2', '+Inf': '3' }, count: '3', sum: '2.55' }],
      },
      [`${p}_size_bytes`]: {
        type: 'SUMMARY',
        help: 'Sizes.',
        metrics: [{ labels: l({}), quantiles: { '0.5': '2.5', '0.9': '4' }, count: '4', sum: '10' }],
      },
      [`${p}_build_info`]: {
        type: 'GAUGE',
        help: 'Build.',
        metrics: [{ labels: l({ version: '1.2.3' }), value: '1' }],
      },
      [`${p}_phase`]: {
        type: 'GAUGE',
        help: 'Phase.',
        metrics: [
          { labels: l({ [`${p}_phase`]: 'done' }), value: '0' },
          { labels: l({ [`${p}_phase`]: 'running' }), value: '1' },
          { labels: l({ [`${p}_phase`]: 'starting' }), value: '0' },
        ],
      },
    });
  });

  it('POST merges families into the group; PUT replaces the whole group', async () => {
    const job = 'ppg_methods';
    const first = new Registry();
    new Counter({ name: 'ppg_first', registry: first }).inc(1);
    const second = new Registry();
    new Counter({ name: 'ppg_second', registry: second }).inc(2);
    for (const registry of [first, second]) {
      const pusher = pushgateway({ url: server().url, job, method: 'POST', registry, ...common() });
      pusher.start();
      await pusher.stop();
    }
    const names = async () => Object.keys(pushed((await server().group({ job }))?.families)).sort();
    assert.deepEqual(await names(), ['ppg_first_total', 'ppg_second_total']);
    const put = pushgateway({ url: server().url, job, registry: second, ...common() });
    put.start();
    await put.stop();
    assert.deepEqual(await names(), ['ppg_second_total']);
    assert.deepEqual(errors, []);
  });

  it('deleteOnStop: the group exists while the job runs and is gone after stop()', async () => {
    const job = 'ppg_delete';
    const registry = new Registry();
    const jobs = new Counter({ name: 'ppg_delete_jobs', registry });
    const pusher = pushgateway({ url: server().url, job, deleteOnStop: true, registry, ...common() });
    pusher.start();
    jobs.inc(3);
    await pusher.pushNow();
    assert.equal((await server().group({ job }))?.families['ppg_delete_jobs_total']?.metrics[0]?.value, '3');
    await pusher.stop();
    assert.equal(await server().group({ job }), undefined);
    assert.deepEqual(errors, []);
  });

  it('@base64 grouping: a job with `/`, and empty, dotted, spaced and Unicode values arrive exactly', async () => {
    const job = 'nightly/ppg';
    const grouping = { path: '/var/tmp', empty: '', dots: '..', text: 'a b+c', unicode: 'ünï€😀', plain: 'h-1.x' };
    const registry = new Registry();
    new Gauge({ name: 'ppg_b64', registry }).set(7);
    const pusher = pushgateway({ url: server().url, job, grouping, registry, ...common() });
    pusher.start();
    await pusher.stop();
    assert.deepEqual(errors, []);
    const group = await server().group({ job, ...grouping });
    assert.ok(group, `group not found in ${JSON.stringify((await server().groups()).map((g) => g.labels))}`);
    assert.equal(group.families['ppg_b64']?.metrics[0]?.value, '7');
  });

  it('a metric carrying a grouping label is refused (ERR_INVALID_ARG), nothing is stored', async () => {
    const job = 'ppg_clash';
    const registry = new Registry();
    new Gauge({ name: 'ppg_clash', labelNames: ['instance'], registry }).labels({ instance: 'other' }).set(1);
    const pusher = pushgateway({ url: server().url, job, grouping: { instance: 'h1' }, registry, ...common() });
    const result = await pusher.run(() => 'the job result');
    assert.equal(result, 'the job result');
    await pusher.stop();
    assert.deepEqual(
      errors.map((e) => e.code),
      ['ERR_INVALID_ARG', 'ERR_INVALID_ARG'],
    );
    assert.match(
      errors[0]?.message ?? '',
      /metric "ppg_clash" has the label "instance", which the grouping key sets to "h1"/,
    );
    assert.equal(await server().group({ job, instance: 'h1' }), undefined);
  });

  it('the Pushgateway’s 400 body reaches onError (a type conflict with another group)', async () => {
    await httpExpect(200, 'PUT', `${server().url}/metrics/job/ppg_other`, {
      body: '# TYPE ppg_conflict_total gauge\nppg_conflict_total 1\n',
    });
    const registry = new Registry();
    new Counter({ name: 'ppg_conflict', registry }).inc();
    const pusher = pushgateway({ url: server().url, job: 'ppg_conflict', registry, ...common() });
    pusher.start();
    await pusher.stop();
    assert.deepEqual(
      errors.map((e) => [e.code, (e as { status?: number }).status]),
      [['ERR_HTTP_STATUS', 400]],
    );
    assert.match(errors[0]?.message ?? '', /pushed metrics are invalid or inconsistent with existing metrics/);
  });

  it('restarted on the same port mid-job: the push while it is down fails, the next one restores the full values', async () => {
    const [port] = await freePorts(['tcp']);
    assert.ok(port !== undefined);
    let gw = await pushgatewayOn(port);
    try {
      const registry = new Registry();
      const jobs = new Counter({ name: 'ppg_restart_jobs', registry });
      const pusher = pushgateway({
        url: gw.url,
        job: 'ppg_restart',
        registry,
        ...common(),
        retry: { initialDelayMs: 5 },
      });
      const result = await pusher.run(async () => {
        jobs.inc(3);
        await pusher.pushNow();
        await gw.stop(); // the Pushgateway goes away (it keeps nothing on disk)…
        jobs.inc(2);
        return 'the job result';
      }); // …so the final push of the session fails
      assert.equal(result, 'the job result');
      assert.deepEqual(
        errors.map((e) => e.code),
        ['ERR_NETWORK'],
      );
      gw = await pushgatewayOn(port); // …and comes back, empty, on the same port
      jobs.inc(1);
      await pusher.pushNow();
      const body = JSON.parse(await httpExpect(200, 'GET', `${gw.url}/api/v1/metrics`)) as {
        data: { labels: Record<string, string>; ppg_restart_jobs_total?: PgwFamily }[];
      };
      assert.deepEqual(
        body.data.map((g) => [g.labels, g.ppg_restart_jobs_total?.metrics[0]?.value]),
        [[{ job: 'ppg_restart' }, '6']],
      );
      await pusher.stop();
      assert.equal(errors.length, 1);
    } finally {
      await gw.stop();
    }
  });
});
