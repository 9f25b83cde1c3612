// The pushgateway preset on an in-memory transport: group paths (plain and @base64), methods,
// exact bodies, grouping validation, the refusal of clashing labels, and deleteOnStop.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Counter } from '../../src/metrics/counter.js';
import { Gauge } from '../../src/metrics/gauge.js';
import { Histogram } from '../../src/metrics/histogram.js';
import { Info } from '../../src/metrics/info.js';
import { Enum } from '../../src/metrics/enum.js';
import { Registry } from '../../src/registry.js';
import { HttpStatusError, InvalidArgumentError, PushError } from '../../src/errors.js';
import { pushgateway } from '../../src/presets/pushgateway.js';
import type { PushgatewayOptions } from '../../src/presets/pushgateway.js';
import { groupPath, groupingSegment, needsBase64 } from '../../src/presets/pushgateway-path.js';
import { FakeClock } from '../../src/testing/fake-clock.js';
import { memoryTransport, sendFailed } from '../../src/testing/memory-transport.js';
import type { MemoryTransportOptions } from '../../src/testing/memory-transport.js';
import { guardProcess } from './push-helpers.js';

guardProcess();

const JOBS = '# HELP jobs_total Jobs done\n# TYPE jobs_total counter\njobs_total 2\n';

function setup(overrides: Partial<PushgatewayOptions> = {}, transportOptions: MemoryTransportOptions = {}) {
  const clock = new FakeClock();
  const registry = new Registry({ clock });
  const jobs = new Counter({ name: 'jobs', help: 'Jobs done', registry, clock });
  const transport = memoryTransport(transportOptions);
  const errors: PushError[] = [];
  const pusher = pushgateway({
    url: 'http://pgw.example:9091',
    job: 'nightly',
    registry,
    transport,
    clock,
    intervalMs: 1000,
    selfMetrics: false,
    onError: (error) => errors.push(error),
    ...overrides,
  });
  return { clock, registry, jobs, transport, errors, pusher };
}

/** [method, path] of every send. */
const calls = (transport: ReturnType<typeof memoryTransport>) => transport.sendOptions.map((o) => [o?.method, o?.path]);

describe('pushgateway: the @base64 rule', () => {
  it('keeps RFC 3986 unreserved values plain, base64url-encodes everything else', () => {
    for (const plain of ['nightly', 'a-b_c.d~e', 'A9', '...x', 'x..']) assert.equal(needsBase64(plain), false, plain);
    for (const odd of ['', '.', '..', 'a/b', 'a b', 'ünï', '😀', 'a%2Fb', 'a+b', 'a?b', 'a#b', 'a@b', 'a:b']) {
      assert.equal(needsBase64(odd), true, JSON.stringify(odd));
    }
  });

  it('writes RFC 4648 URL-safe base64 without padding, and = for the empty value', () => {
    assert.equal(groupingSegment('path', 'a/b'), '/path@base64/YS9i');
    assert.equal(groupingSegment('path', ''), '/path@base64/=');
    assert.equal(groupingSegment('path', 'a b'), '/path@base64/YSBi');
    assert.equal(groupingSegment('path', 'ünï'), '/path@base64/w7xuw68');
    // Bytes 0xfb 0xff need the URL-safe alphabet: `-` and `_`, never `+` and `/`.
    assert.equal(groupingSegment('path', '\u00fb\u00ff'), '/path@base64/w7vDvw');
    assert.equal(groupingSegment('path', '?>?'), '/path@base64/Pz4_');
    assert.equal(groupingSegment('path', '.'), '/path@base64/Lg');
    assert.equal(groupingSegment('path', 'plain-1.0'), '/path/plain-1.0');
  });

  it('builds /metrics/job/<job> and the grouping pairs in order, after the prefix', () => {
    assert.equal(groupPath('', 'j', []), '/metrics/job/j');
    assert.equal(groupPath('/pgw', 'a/b', [['instance', 'h1']]), '/pgw/metrics/job@base64/YS9i/instance/h1');
  });
});

describe('pushgateway: requests', () => {
  it('PUTs text 0.0.4 to /metrics/job/<job> by default, with the grouping in path order', async () => {
    const { jobs, transport, pusher } = setup({
      grouping: { instance: 'host-1', path: 'a/b', empty: '', space: 'a b', unicode: 'ünï€😀', shard: 3 },
    });
    jobs.inc(2);
    await pusher.pushNow();
    assert.deepEqual(calls(transport), [
      [
        'PUT',
        '/metrics/job/nightly/instance/host-1/path@base64/YS9i/empty@base64/=/space@base64/YSBi' +
          '/unicode@base64/w7xuw6_igqzwn5iA/shard/3',
      ],
    ]);
    assert.deepEqual(transport.texts(), [JOBS]);
    await pusher.stop();
  });

  it('POSTs with method POST; keeps a proxy path prefix and the query string of url', async () => {
    const { jobs, transport, pusher } = setup({ method: 'POST', url: 'https://gw.example/pgw/?token=s3cret' });
    jobs.inc(2);
    await pusher.pushNow();
    assert.deepEqual(calls(transport), [['POST', '/pgw/metrics/job/nightly?token=s3cret']]);
    await pusher.stop();
  });

  it('pushes an empty body when the registry has nothing to show (PUT empties the group)', async () => {
    const registry = new Registry();
    const { transport, pusher } = setup({ registry });
    await pusher.pushNow();
    assert.deepEqual(transport.texts(), ['']);
    await pusher.stop();
  });

  it('never sends timestamps, OpenMetrics or `_created`: counters stay typed for the Pushgateway', async () => {
    const { clock, registry, jobs, transport, pusher } = setup();
    const lat = new Histogram({ name: 'lat', help: 'Latency', unit: 'seconds', buckets: [1], registry, clock });
    jobs.inc(2);
    lat.observe(0.5);
    await pusher.pushNow();
    assert.deepEqual(transport.texts(), [
      JOBS +
        '# HELP lat_seconds Latency\n# TYPE lat_seconds histogram\n' +
        'lat_seconds_bucket{le="1.0"} 1\nlat_seconds_bucket{le="+Inf"} 1\nlat_seconds_sum 0.5\nlat_seconds_count 1\n',
    ]);
    await pusher.stop();
  });
});

describe('pushgateway: deleteOnStop', () => {
  it('DELETEs the group after the final push of stop(), on the same path', async () => {
    const { jobs, transport, pusher } = setup({ deleteOnStop: true, grouping: { instance: '' } });
    pusher.start();
    jobs.inc(2);
    await pusher.stop();
    const path = '/metrics/job/nightly/instance@base64/=';
    assert.deepEqual(calls(transport), [
      ['PUT', path],
      ['DELETE', path],
    ]);
    assert.deepEqual(transport.texts(), [JOBS, '']);
    assert.equal(transport.closed, true);
  });

  it('DELETEs at the end of a run() session that started the pusher, and the job keeps its result', async () => {
    const { jobs, transport, pusher } = setup({ deleteOnStop: true });
    const result = await pusher.run(() => {
      jobs.inc(2);
      return 'done';
    });
    assert.equal(result, 'done');
    assert.deepEqual(calls(transport), [
      ['PUT', '/metrics/job/nightly'],
      ['DELETE', '/metrics/job/nightly'],
    ]);
    await pusher.stop();
  });

  it('still DELETEs when the final push failed, and reports both failures', async () => {
    const status = new HttpStatusError(503, 'busy', { target: 'memory://test' });
    const { transport, errors, pusher } = setup(
      { deleteOnStop: true },
      { results: [sendFailed(status, true), sendFailed(status, true)] },
    );
    pusher.start();
    await pusher.stop();
    assert.deepEqual(
      calls(transport).map(([method]) => method),
      ['PUT', 'DELETE'],
    );
    assert.deepEqual(
      errors.map((e) => e.code),
      ['ERR_HTTP_STATUS', 'ERR_HTTP_STATUS'],
    );
  });

  it('sends no DELETE without deleteOnStop', async () => {
    const { transport, pusher } = setup();
    pusher.start();
    await pusher.stop();
    assert.deepEqual(
      calls(transport).map(([method]) => method),
      ['PUT'],
    );
  });
});

describe('pushgateway: metrics that carry a grouping label are refused at push time', () => {
  it('refuses a metric labelled `job` through pushNow() (nothing sent), naming metric and label', async () => {
    const { clock, registry, transport, pusher } = setup();
    new Gauge({ name: 'clash', labelNames: ['job'], registry, clock }).labels({ job: 'other' }).set(1);
    await assert.rejects(pusher.pushNow(), (error: unknown) => {
      assert.ok(error instanceof InvalidArgumentError);
      assert.equal(error.code, 'ERR_INVALID_ARG');
      assert.match(error.message, /metric "clash" has the label "job", which the grouping key sets to "nightly"/);
      return true;
    });
    assert.equal(transport.payloads.length, 0);
    await pusher.stop();
  });

  it('reports a clash with a grouping label to onError on the timer, and pushes once it is gone', async () => {
    const { clock, registry, jobs, transport, errors, pusher } = setup({ grouping: { instance: 'h1' } });
    const clash = new Counter({ name: 'by_instance', labelNames: ['instance'], registry, clock });
    clash.labels({ instance: 'x' }).inc();
    jobs.inc(2);
    pusher.start();
    await clock.advance(1000);
    assert.equal(transport.payloads.length, 0);
    assert.deepEqual(
      errors.map((e) => [e.code, /metric "by_instance" has the label "instance"/.test(e.message)]),
      [['ERR_INVALID_ARG', true]],
    );
    registry.unregister(clash);
    await clock.advance(1000);
    assert.deepEqual(transport.texts(), [JOBS]);
    await pusher.stop();
  });

  it('refuses registry default labels, info labels, enum labels and `le` that clash', async () => {
    type Build = (registry: Registry, clock: FakeClock) => void;
    const cases: [string, Build, Partial<PushgatewayOptions>][] = [
      [
        'the registry (default labels) has the label "instance"',
        (r) => r.setDefaultLabels({ instance: 'i' }),
        { grouping: { instance: 'h' } },
      ],
      [
        'metric "build" has the label "job"',
        (r, c) => new Info({ name: 'build', registry: r, clock: c }).info({ job: 'x' }),
        {},
      ],
      [
        'metric "state" has the label "region"',
        (r, c) =>
          new Enum({ name: 'state', labelNames: ['region'], states: ['a'], registry: r, clock: c })
            .labels({ region: 'x' })
            .state('a'),
        { grouping: { region: 'eu' } },
      ],
      [
        'metric "state" has the label "state"',
        (r, c) => new Enum({ name: 'state', states: ['a'], registry: r, clock: c }).state('a'),
        { grouping: { state: 's' } },
      ],
      [
        'metric "h" has the label "le"',
        (r, c) => new Histogram({ name: 'h', buckets: [1], registry: r, clock: c }).observe(1),
        { grouping: { le: '1' } },
      ],
    ];
    for (const [expected, build, overrides] of cases) {
      const { clock, registry, transport, pusher } = setup(overrides);
      build(registry, clock);
      await assert.rejects(pusher.pushNow(), (error: unknown) => {
        assert.ok(error instanceof PushError && error.code === 'ERR_INVALID_ARG', String(error));
        assert.ok(error.message.includes(expected), `${expected}: ${error.message}`);
        return true;
      });
      assert.equal(transport.payloads.length, 0, expected);
      await pusher.stop();
    }
  });
});

describe('pushgateway: option validation', () => {
  const base = { url: 'http://pgw:9091', job: 'j', transport: memoryTransport() };
  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['missing job', { job: undefined }, /^pushgateway: job must be a non-empty string, got undefined$/],
    ['empty job', { job: '' }, /^pushgateway: job must be a non-empty string, got ""$/],
    ['bad grouping name', { grouping: { '1bad': 'v' } }, /invalid grouping label name "1bad"/],
    ['reserved grouping name', { grouping: { __x: 'v' } }, /invalid grouping label name "__x"/],
    ['job in grouping', { grouping: { job: 'v' } }, /grouping must not contain "job"/],
    ['grouping value', { grouping: { a: null } }, /grouping label "a" must be a string or a finite number, got null/],
    ['grouping array', { grouping: ['a'] }, /grouping must be an object/],
    ['method', { method: 'GET' }, /^pushgateway: method must be "PUT" or "POST", got "GET"$/],
    ['url', { url: 'ftp://user:pw@h/x' }, /^pushgateway: url must be http: or https:, got "ftp:\/\/h\/x"$/],
    ['bad url', { url: 'not a url' }, /^pushgateway: url is not a valid URL: "not a url"$/],
    [
      'group url',
      { url: 'http://u:secret@pgw:9091/metrics/job/x' },
      /^pushgateway: url must be the Pushgateway's base URL .*got "http:\/\/pgw:9091\/metrics\/job\/x"/,
    ],
    ['intervalMs', { intervalMs: 0 }, /^pushgateway: intervalMs must be a finite number > 0, got 0$/],
  ];
  for (const [what, overrides, message] of invalid) {
    it(`throws InvalidArgumentError for ${what}`, () => {
      assert.throws(
        () => pushgateway({ ...base, ...overrides }),
        (error: unknown) => {
          assert.ok(error instanceof InvalidArgumentError);
          assert.match(error.message, message);
          assert.doesNotMatch(error.message, /secret|pw@/);
          return true;
        },
      );
    });
  }

  it('accepts method in lower case', async () => {
    const transport = memoryTransport();
    const p = pushgateway({
      ...base,
      transport,
      method: 'post' as 'POST',
      registry: new Registry(),
      selfMetrics: false,
    });
    await p.pushNow();
    assert.equal(transport.sendOptions[0]?.method, 'POST');
    await p.stop();
  });
});
