// Hand-written Prometheus text 0.0.4 pushed into a real Pushgateway 1.5 and read back through
// /api/v1/metrics.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { httpExpect, httpRequest } from './harness/net.js';
import { requireServer } from './harness/require-server.js';
import { usePushgateway } from './harness/pushgateway.js';
import type { PgwFamily, PgwGroup } from './harness/pushgateway.js';

const skip = requireServer('prometheus-pushgateway');

/** A group's families without the two the Pushgateway adds, and without time stamps. */
function pushedFamilies(group: PgwGroup | undefined): Record<string, Omit<PgwFamily, 'time_stamp'>> {
  assert.ok(group, 'group not found');
  const out: Record<string, Omit<PgwFamily, 'time_stamp'>> = {};
  for (const [name, family] of Object.entries(group.families)) {
    if (name === 'push_time_seconds' || name === 'push_failure_time_seconds') continue;
    const { time_stamp: _ignored, ...rest } = family;
    out[name] = rest;
  }
  return out;
}

const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

describe('Pushgateway 1.5: raw text format', { skip }, () => {
  const server = usePushgateway();

  beforeEach(async () => {
    await server().wipe();
  });

  it('PUT /metrics/job/<job>/instance/<i>: all four types, HELP, escaped and unicode label values', async () => {
    const body = [
      '# HELP e2e_jobs_total Jobs done, with a \\\\ backslash and a\\nnewline.',
      '# TYPE e2e_jobs_total counter',
      'e2e_jobs_total{path="/a b",q="say \\"hi\\"",bs="c:\\\\dir",nl="l1\\nl2",uni="ünï€😀"} 3',
      '# TYPE e2e_temp gauge',
      'e2e_temp{room="k"} -1.5',
      'e2e_temp{room="nan"} NaN',
      '# TYPE e2e_latency histogram',
      'e2e_latency_bucket{le="0.1"} 1',
      'e2e_latency_bucket{le="1.0"} 2',
      'e2e_latency_bucket{le="+Inf"} 3',
      'e2e_latency_sum 4.25',
      'e2e_latency_count 3',
      '# TYPE e2e_size summary',
      'e2e_size{quantile="0.5"} 10',
      'e2e_size{quantile="0.9"} 20',
      'e2e_size_sum 45',
      'e2e_size_count 3',
      '',
    ].join('\n');
    await httpExpect(200, 'PUT', `${server().url}/metrics/job/e2e_put/instance/i1`, { body });
    const group = await server().group({ job: 'e2e_put', instance: 'i1' });
    assert.equal(group?.lastPushSuccessful, true);
    const grouping = { instance: 'i1', job: 'e2e_put' };
    assert.deepEqual(pushedFamilies(group), {
      e2e_jobs_total: {
        type: 'COUNTER',
        help: 'Jobs done, with a \\ backslash and a\nnewline.',
        metrics: [
          {
            labels: { ...grouping, path: '/a b', q: 'say "hi"', bs: 'c:\\dir', nl: 'l1\nl2', uni: 'ünï€😀' },
            value: '3',
          },
        ],
      },
      e2e_temp: {
        type: 'GAUGE',
        metrics: [
          { labels: { ...grouping, room: 'k' }, value: '-1.5' },
          { labels: { ...grouping, room: 'nan' }, value: 'NaN' },
        ],
      },
      e2e_latency: {
        type: 'HISTOGRAM',
        metrics: [{ labels: grouping, buckets: { '0.1': '1', '1': '2', '+Inf': '3' }, count: '3', sum: '4.25' }],
      },
      e2e_size: {
        type: 'SUMMARY',
        metrics: [{ labels: grouping, quantiles: { '0.5': '10', '0.9': '20' }, count: '3', sum: '45' }],
      },
    });
  });

  it('@base64 grouping values: a job with `/`, an empty label value', async () => {
    await httpExpect(200, 'PUT', `${server().url}/metrics/job@base64/${b64url('batch/nightly')}/path@base64/=`, {
      body: 'e2e_b64 1\n',
    });
    const groups = await server().groups();
    assert.deepEqual(
      groups.map((g) => g.labels),
      [{ job: 'batch/nightly', path: '' }],
    );
    assert.deepEqual(pushedFamilies(groups[0]), {
      e2e_b64: { type: 'UNTYPED', metrics: [{ labels: { instance: '', job: 'batch/nightly', path: '' }, value: '1' }] },
    });
  });

  it('PUT replaces the group, POST replaces only same-named metrics; grouping labels win over body labels', async () => {
    const url = `${server().url}/metrics/job/e2e_merge`;
    await httpExpect(200, 'PUT', url, { body: 'e2e_a 1\ne2e_b 2\n' });
    await httpExpect(200, 'POST', url, { body: 'e2e_b{job="other"} 20\ne2e_c 30\n' });
    const values = async () =>
      Object.fromEntries(
        Object.entries(pushedFamilies(await server().group({ job: 'e2e_merge' }))).map(([name, f]) => [
          name,
          f.metrics.map((m) => [m.labels, m.value]),
        ]),
      );
    const labels = { instance: '', job: 'e2e_merge' };
    assert.deepEqual(await values(), {
      e2e_a: [[labels, '1']],
      e2e_b: [[labels, '20']],
      e2e_c: [[labels, '30']],
    });
    await httpExpect(200, 'PUT', url, { body: 'e2e_a 5\n' });
    assert.deepEqual(await values(), { e2e_a: [[labels, '5']] });
  });

  it('rejects with 400: timestamps, a body without its final newline, a duplicate series', async () => {
    const url = `${server().url}/metrics/job/e2e_bad`;
    const cases: [string, string][] = [
      ['e2e_ts 1 1700000000000\n', 'pushed metrics must not have timestamps'],
      ['e2e_nonl 1', 'text format parsing error in line 1: unexpected end of input stream'],
      ['e2e_dup{a="1"} 1\ne2e_dup{a="1"} 2\n', 'was collected before with the same name and label values'],
    ];
    for (const [body, message] of cases) {
      const res = await httpRequest('PUT', url, { body });
      assert.equal(res.status, 400, body);
      assert.ok(res.body.includes(message), `${JSON.stringify(body)}: ${res.body}`);
    }
    // Nothing is stored, but the failed pushes leave a group behind: no metrics of its own,
    // last_push_successful false and push_failure_time_seconds set.
    const group = await server().group({ job: 'e2e_bad' });
    assert.equal(group?.lastPushSuccessful, false);
    assert.deepEqual(pushedFamilies(group), {});
    assert.notEqual(group.families['push_failure_time_seconds']?.metrics[0]?.value, '0');
  });
});
