// Hand-written Influx line protocol, Prometheus text and OpenMetrics bodies pushed into a real
// VictoriaMetrics 1.79 and read back exactly through /api/v1/export. These pin down what the
// server does with each byte, independently of the library's encoders.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { httpExpect, tcpSend, udpSend } from './harness/net.js';
import { requireServer } from './harness/require-server.js';
import type { ExportedSeries } from './harness/victoria-metrics.js';
import { useVictoriaMetrics } from './harness/victoria-metrics.js';

const skip = requireServer('victoria-metrics');

/** Whole seconds in ms, so ms/ns timestamps in the payloads convert exactly. */
const T = Math.floor(Date.now() / 1000) * 1000;

const series = (metric: Record<string, string>, value: number, timestamp = T): ExportedSeries => ({
  metric,
  values: [value],
  timestamps: [timestamp],
});

describe('VictoriaMetrics 1.79: raw payloads', { skip }, () => {
  // Rows a test rejects on purpose (and checks itself); every other row must be accepted.
  const expectedInvalid = { influx: 0, prometheus: 0 };
  const server = useVictoriaMetrics(expectedInvalid);

  afterEach(async () => {
    // VM drops invalid lines but still answers 204; its error log is the per-test trace.
    assert.deepEqual(await server().takeRejectedLines(), []);
  });

  it('Influx line over HTTP: {measurement}_{field} names, field types, exact values', async () => {
    const body =
      [
        `e2e_http,host=a usage=1.5,idle=2i,count=7u,up=true,down=false,neg=-1.5e3,big=1e21,small=1e-20 ${T}`,
        `e2e_http_inf,host=a pos=inf,neg=-Inf ${T}`,
      ].join('\n') + '\n';
    await httpExpect(204, 'POST', `${server().url}/write?precision=ms`, { body });
    await server().sync();
    assert.deepEqual(await server().export('{__name__=~"e2e_http_.*",host="a"}'), [
      series({ __name__: 'e2e_http_big', host: 'a' }, 1e21),
      series({ __name__: 'e2e_http_count', host: 'a' }, 7),
      series({ __name__: 'e2e_http_down', host: 'a' }, 0),
      series({ __name__: 'e2e_http_idle', host: 'a' }, 2),
      series({ __name__: 'e2e_http_inf_neg', host: 'a' }, -Infinity),
      series({ __name__: 'e2e_http_inf_pos', host: 'a' }, Infinity),
      series({ __name__: 'e2e_http_neg', host: 'a' }, -1500),
      series({ __name__: 'e2e_http_small', host: 'a' }, 1e-20),
      series({ __name__: 'e2e_http_up', host: 'a' }, 1),
      series({ __name__: 'e2e_http_usage', host: 'a' }, 1.5),
    ]);
  });

  it('Influx line over HTTP: escaped and unicode tag values, escaped names, ?db label', async () => {
    const body =
      [
        // Escapes in tag values: space, comma and `=` need a backslash; a quote does not; a lone
        // backslash before an ordinary char is literal; `\\` is unescaped to one backslash by VM
        // (InfluxDB 1.6 keeps both, see influxdb.test.ts).
        String.raw`e2e_nasty,space=a\ b,comma=a\,b,eq=a\=b,quote=a"b,bs=a\b,bsbs=a\\b,uni=ünï€😀 v=1 ${T}`,
        String.raw`e2e\ esc\,m,tag\ k=v f\ k=2 ${T}`,
        `e2e_db_tag,db=fromtag v=3 ${T}`,
        `e2e_db_param v=4 ${T}`,
      ].join('\n') + '\n';
    await httpExpect(204, 'POST', `${server().url}/write?precision=ms&db=fromparam`, { body });
    await server().sync();
    assert.deepEqual(await server().export('{__name__="e2e_nasty_v"}'), [
      series(
        {
          __name__: 'e2e_nasty_v',
          bs: 'a\\b',
          bsbs: 'a\\b',
          comma: 'a,b',
          db: 'fromparam',
          eq: 'a=b',
          quote: 'a"b',
          space: 'a b',
          uni: 'ünï€😀',
        },
        1,
      ),
    ]);
    assert.deepEqual(await server().export('{__name__="e2e esc,m_f k"}'), [
      series({ __name__: 'e2e esc,m_f k', db: 'fromparam', 'tag k': 'v' }, 2),
    ]);
    // A `db` tag in the line wins over ?db=.
    assert.deepEqual(await server().export('{__name__=~"e2e_db_.*"}'), [
      series({ __name__: 'e2e_db_param_v', db: 'fromparam' }, 4),
      series({ __name__: 'e2e_db_tag_v', db: 'fromtag' }, 3),
    ]);
  });

  it('Influx line over HTTP: empty measurement gives the bare field name', async () => {
    const body =
      [
        `,job=x,le=0.5 e2e_empty_bucket=1 ${T}`,
        `,job=x,le=+Inf e2e_empty_bucket=3 ${T}`,
        `,job=x e2e_empty_sum=4.5,e2e_empty_count=3i ${T}`,
      ].join('\n') + '\n';
    await httpExpect(204, 'POST', `${server().url}/write?precision=ms`, { body });
    await server().sync();
    assert.deepEqual(await server().export('{__name__=~"e2e_empty_.*"}'), [
      series({ __name__: 'e2e_empty_bucket', job: 'x', le: '+Inf' }, 3),
      series({ __name__: 'e2e_empty_bucket', job: 'x', le: '0.5' }, 1),
      series({ __name__: 'e2e_empty_count', job: 'x' }, 3),
      series({ __name__: 'e2e_empty_sum', job: 'x' }, 4.5),
    ]);
  });

  it('Influx line over UDP: several datagrams, nasty tags, empty measurement, ns timestamps', async () => {
    const ns = `${T}000000`;
    await udpSend(server().influxPort, [
      String.raw`e2e_udp,space=a\ b,comma=a\,b,eq=a\=b,quote=a"b,uni=ünï€😀 v=1.25 ${ns}` + '\n',
      `,job=udp e2e_udp_total=7 ${ns}\n,job=udp e2e_udp_other=-2 ${ns}\n`,
    ]);
    assert.deepEqual(await server().exportWhenIngested('{__name__=~"e2e_udp.*"}', 3), [
      series({ __name__: 'e2e_udp_other', job: 'udp' }, -2),
      series({ __name__: 'e2e_udp_total', job: 'udp' }, 7),
      series({ __name__: 'e2e_udp_v', comma: 'a,b', eq: 'a=b', quote: 'a"b', space: 'a b', uni: 'ünï€😀' }, 1.25),
    ]);
  });

  it('Influx line over TCP: lines without a timestamp get the arrival time, no db label', async () => {
    const before = Date.now();
    await tcpSend(server().influxPort, 'e2e_tcp,k=v f=1\ne2e_tcp,k=w f=2\n');
    const got = await server().exportWhenIngested('{__name__="e2e_tcp_f"}', 2);
    const after = Date.now();
    assert.deepEqual(
      got.map((s) => ({ metric: s.metric, values: s.values })),
      [
        { metric: { __name__: 'e2e_tcp_f', k: 'v' }, values: [1] },
        { metric: { __name__: 'e2e_tcp_f', k: 'w' }, values: [2] },
      ],
    );
    for (const s of got) {
      const ts = s.timestamps[0] ?? 0;
      assert.ok(ts >= before - 1000 && ts <= after, `timestamp ${ts} not in [${before - 1000}, ${after}]`);
    }
  });

  it('Influx line: a trailing space after the fields drops the line (counted as invalid, still 204)', async () => {
    await httpExpect(204, 'POST', `${server().url}/write?precision=ms`, {
      body: `e2e_trailing,k=v f=1 \ne2e_trailing_ok,k=v f=2 ${T}\n`,
    });
    expectedInvalid.influx += 1;
    assert.deepEqual(await server().takeRejectedLines(), [
      'cannot unmarshal InfluxDB line "e2e_trailing,k=v f=1 ": cannot parse timestamp "": cannot parse int64 from empty string; skipping it',
    ]);
    await server().sync();
    assert.deepEqual(await server().export('{__name__=~"e2e_trailing.*"}'), [
      series({ __name__: 'e2e_trailing_ok_f', k: 'v' }, 2),
    ]);
  });

  it('Prometheus text via /api/v1/import/prometheus: label escapes, histograms, ms timestamps', async () => {
    const body = [
      '# HELP e2e_prom_requests_total Requests "quoted" \\ and\\nnewline.',
      '# TYPE e2e_prom_requests_total counter',
      `e2e_prom_requests_total{path="/a b",q="say \\"hi\\"",bs="c:\\\\dir",nl="line1\\nline2",uni="ünï€😀"} 3 ${T}`,
      '# TYPE e2e_prom_latency histogram',
      `e2e_prom_latency_bucket{le="0.1"} 1 ${T}`,
      `e2e_prom_latency_bucket{le="1.0"} 2 ${T}`,
      `e2e_prom_latency_bucket{le="+Inf"} 3 ${T}`,
      `e2e_prom_latency_sum 4.25 ${T}`,
      `e2e_prom_latency_count 3 ${T}`,
      `e2e_prom_special{kind="inf"} +Inf ${T}`,
      `e2e_prom_special{kind="neginf"} -Inf ${T}`,
      '',
    ].join('\n');
    await httpExpect(204, 'POST', `${server().url}/api/v1/import/prometheus?extra_label=source=e2e`, { body });
    await server().sync();
    assert.deepEqual(await server().export('{__name__=~"e2e_prom_.*"}'), [
      series({ __name__: 'e2e_prom_latency_bucket', le: '+Inf', source: 'e2e' }, 3),
      series({ __name__: 'e2e_prom_latency_bucket', le: '0.1', source: 'e2e' }, 1),
      series({ __name__: 'e2e_prom_latency_bucket', le: '1.0', source: 'e2e' }, 2),
      series({ __name__: 'e2e_prom_latency_count', source: 'e2e' }, 3),
      series({ __name__: 'e2e_prom_latency_sum', source: 'e2e' }, 4.25),
      series(
        {
          __name__: 'e2e_prom_requests_total',
          bs: 'c:\\dir',
          nl: 'line1\nline2',
          path: '/a b',
          q: 'say "hi"',
          source: 'e2e',
          uni: 'ünï€😀',
        },
        3,
      ),
      series({ __name__: 'e2e_prom_special', kind: 'inf', source: 'e2e' }, Infinity),
      series({ __name__: 'e2e_prom_special', kind: 'neginf', source: 'e2e' }, -Infinity),
    ]);
  });

  it('OpenMetrics via /api/v1/import/prometheus: _total and _created kept as plain series, # EOF accepted', async () => {
    const created = T / 1000 - 60;
    const body = [
      '# TYPE e2e_om_jobs counter',
      '# HELP e2e_om_jobs Jobs "done".',
      `e2e_om_jobs_total{q="a\\"b"} 5 ${T / 1000}`,
      `e2e_om_jobs_created{q="a\\"b"} ${created} ${T / 1000}`,
      '# TYPE e2e_om_temp gauge',
      '# UNIT e2e_om_temp celsius',
      `e2e_om_temp{room="k"} 21.5 ${T / 1000}.25`,
      '# EOF',
      '',
    ].join('\n');
    await httpExpect(204, 'POST', `${server().url}/api/v1/import/prometheus`, {
      body,
      headers: { 'content-type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' },
    });
    await server().sync();
    // OpenMetrics timestamps are seconds; VM 1.79 reads them right (it takes small integer or
    // fractional values as seconds), so they come back as ms.
    assert.deepEqual(await server().export('{__name__=~"e2e_om_.*"}'), [
      series({ __name__: 'e2e_om_jobs_created', q: 'a"b' }, created),
      series({ __name__: 'e2e_om_jobs_total', q: 'a"b' }, 5),
      series({ __name__: 'e2e_om_temp', room: 'k' }, 21.5, T + 250),
    ]);
  });
});
