import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prometheusTextEncoder } from '../../src/encoding/prometheus-text.js';
import { escapeLabelValue, escapePrometheusHelp } from '../../src/encoding/escape.js';
import { formatPrometheusValue } from '../../src/encoding/number.js';
import type { PayloadTooLargeError } from '../../src/errors.js';
import type { MetricFamily } from '../../src/model/snapshot.js';
import { assertGoldenPayloads } from './golden.js';
import {
  checkExposition,
  goldenCaseTests,
  seriesLines,
  slices,
  counters,
  defaultLabels,
  everything,
  gauges,
  histograms,
  infos,
  snapshot,
  statesets,
  summaries,
} from './text-fixtures.js';
import { text } from './encoding-fixtures.js';

const encodeText = (s: Parameters<ReturnType<typeof prometheusTextEncoder>['encode']>[0]) => {
  const payloads = prometheusTextEncoder().encode(s);
  assert.equal(payloads.length, 1, 'unbounded: one payload');
  return payloads[0]!;
};

describe('prometheusTextEncoder golden files', () => {
  goldenCaseTests('prometheus-text', 'prom', 'prometheus', { eof: false }, (snap) => encodeText(snap));

  it('split-N.prom: a family split across payloads repeats its HELP and TYPE; no series is split', () => {
    const payloads = prometheusTextEncoder({ maxPayloadBytes: 1000 }).encode(histograms);
    assertGoldenPayloads('prometheus-text/split', 'prom', payloads);
  });

  it('sliced-N.prom: slices of a sliced push, concatenated, are the whole exposition', () => {
    const encoder = prometheusTextEncoder();
    const payloads = slices(everything).flatMap((slice) => encoder.encode(slice));
    assertGoldenPayloads('prometheus-text/sliced', 'prom', payloads);
    assert.equal(text(payloads).join(''), text([encodeText(everything)])[0]);
  });
});

describe('prometheusTextEncoder payload splitting', () => {
  it('keeps each histogram and summary series in one payload when it fits in one', () => {
    for (const max of [700, 1000, 1432, 4000]) {
      const payloads = text(prometheusTextEncoder({ maxPayloadBytes: max }).encode(everything));
      const whole = text([encodeText(everything)])[0]!;
      // The lines of a series: every sample line naming the same route/service/kind label set.
      for (const [, series] of seriesLines(whole)) {
        const bytes = series.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
        if (bytes > max - 200) continue; // larger than a payload (with its header): packed line by line
        const holders = payloads.filter((p) => series.some((line) => p.includes(line + '\n')));
        assert.equal(holders.length, 1, `${max}: ${series[0]}`);
        for (const line of series) assert.ok(holders[0]!.includes(line + '\n'), line);
      }
    }
  });

  it('packs a series larger than a payload line by line, repeating HELP and TYPE', () => {
    const payloads = text(prometheusTextEncoder({ maxPayloadBytes: 400 }).encode(histograms));
    const first = payloads.filter((p) => p.includes('route="/a"'));
    assert.ok(first.length > 1, 'the /a series spans payloads');
    for (const p of first) assert.ok(p.startsWith('# HELP request_duration_seconds '), p);
  });

  for (const max of [400, 700, 1432]) {
    it(`keeps every payload within ${max} bytes, self-contained, with no line lost`, () => {
      const whole = text([encodeText(everything)])[0]!;
      const payloads = text(prometheusTextEncoder({ maxPayloadBytes: max }).encode(everything));
      assert.ok(payloads.length > 1, `${payloads.length} payloads`);
      for (const payload of payloads) {
        assert.ok(Buffer.byteLength(payload) <= max, `payload of ${Buffer.byteLength(payload)} bytes`);
        checkExposition(payload, 'prometheus', { eof: false });
      }
      // Dropping the headers repeated at the top of continuation payloads gives the whole text back.
      const samples = (t: string) => t.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      assert.deepEqual(payloads.flatMap(samples), samples(whole));
      const headers = new Set(payloads.flatMap((p) => p.split('\n').filter((l) => l.startsWith('#'))));
      assert.deepEqual(
        [...headers],
        whole.split('\n').filter((l) => l.startsWith('#')),
      );
    });
  }
});

describe('prometheusTextEncoder format rules', () => {
  it('has the 0.0.4 content type', () => {
    assert.equal(prometheusTextEncoder().contentType, 'text/plain; version=0.0.4; charset=utf-8');
  });

  it('types a counter by its _total sample name and writes no _created', () => {
    const out = text([encodeText(counters)])[0]!;
    assert.match(out, /^# TYPE jobs_processed_total counter$/m);
    assert.match(out, /^jobs_processed_total 0$/m);
    assert.doesNotMatch(out, /_created/);
  });

  it('writes the +Inf bucket from count, then _sum and _count, with canonical le values', () => {
    const out = text([encodeText(histograms)])[0]!;
    assert.match(out, /request_duration_seconds_bucket\{route="\/a",le="1\.0"\} 11\n/);
    assert.match(out, /request_duration_seconds_bucket\{route="\/a",le="10\.0"\} 12\n/);
    assert.match(
      out,
      /request_duration_seconds_bucket\{route="\/a",le="\+Inf"\} 12\nrequest_duration_seconds_sum\{route="\/a"\} 7\.25\nrequest_duration_seconds_count\{route="\/a"\} 12\n/,
    );
    // 0.0.4 keeps _sum and _count even with negative bounds.
    assert.match(out, /^temperature_change_celsius_sum -2\.5$/m);
    assert.match(out, /temperature_change_celsius_bucket\{le="-1\.0"\} 3\n/);
  });

  it('writes summaries with NaN quantiles when empty and no quantile lines when it has none', () => {
    const out = text([encodeText(summaries)])[0]!;
    assert.match(out, /^rpc_duration_seconds\{service="idle",quantile="0\.999"\} NaN$/m);
    assert.match(out, /^# TYPE batch_size summary\nbatch_size_sum 1234\nbatch_size_count 17\n/m);
  });

  it('writes info as a gauge x_info and a stateset as a gauge with one line per state', () => {
    const out = text([encodeText(snapshot([...infos.families, ...statesets.families]))])[0]!;
    assert.match(out, /^# TYPE build_info gauge\nbuild_info\{version="1\.2\.3",revision="abc\\"def"\} 1$/m);
    assert.match(
      out,
      /^job_phase\{kind="etl",job_phase="starting"\} 0\njob_phase\{kind="etl",job_phase="running"\} 1\njob_phase\{kind="etl",job_phase="done"\} 0$/m,
    );
  });

  it('omits HELP when empty and writes nothing for a family without series', () => {
    const out = text([encodeText(gauges)])[0]!;
    assert.match(out, /^# TYPE room_temperature_celsius gauge\nroom_temperature_celsius 21\.5$/m);
    assert.doesNotMatch(out, /HELP room_temperature_celsius/);
    assert.doesNotMatch(out, /never_set/);
  });

  it('renders non-finite values as NaN, +Inf, -Inf', () => {
    const out = text([encodeText(gauges)])[0]!;
    assert.match(out, /^queue_depth\{queue="nan"\} NaN$/m);
    assert.match(out, /^queue_depth\{queue="pos_inf"\} \+Inf$/m);
    assert.match(out, /^queue_depth\{queue="neg_inf"\} -Inf$/m);
  });

  it('returns no payload for an empty snapshot', () => {
    assert.deepEqual(prometheusTextEncoder().encode(snapshot([])), []);
  });

  it('passes a carriage return inside a label value through (the format has no escape for it)', () => {
    const fam: MetricFamily = {
      type: 'gauge',
      name: 'g',
      help: '',
      unit: '',
      labelNames: ['v'],
      series: [{ labelValues: ['a\rb'], value: 1 }],
    };
    assert.deepEqual(text(prometheusTextEncoder().encode(snapshot([fam]))), ['# TYPE g gauge\ng{v="a\rb"} 1\n']);
  });

  it('reports and drops a line larger than maxPayloadBytes, keeping the rest', () => {
    const errors: PayloadTooLargeError[] = [];
    const fam: MetricFamily = {
      type: 'gauge',
      name: 'g',
      help: '',
      unit: '',
      labelNames: ['v'],
      series: [
        { labelValues: ['short'], value: 1 },
        { labelValues: ['x'.repeat(100)], value: 2 },
        { labelValues: ['short2'], value: 3 },
      ],
    };
    const out = prometheusTextEncoder({ maxPayloadBytes: 60, onOversize: (e) => errors.push(e) }).encode(
      snapshot([fam]),
    );
    // The lines around the dropped one stay in one payload.
    assert.deepEqual(text(out), ['# TYPE g gauge\ng{v="short"} 1\ng{v="short2"} 3\n']);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.code, 'ERR_PAYLOAD_TOO_LARGE');
  });
});

describe('prometheusTextEncoder label handling', () => {
  const gauge = (labelNames: string[], labelValues: string[]): MetricFamily => ({
    type: 'gauge',
    name: 'g',
    help: '',
    unit: '',
    labelNames,
    series: [{ labelValues, value: 1 }],
  });

  it('puts default labels after the family labels and lets the family label of the same name win', () => {
    const out = text([encodeText(defaultLabels)])[0]!;
    assert.match(
      out,
      /^requests_total\{service="api",instance="host-1",region="eu \\"west\\"",version="1\.0\.0"\} 3$/m,
    );
    assert.match(out, /^overridden_total\{region="us",service="api",instance="host-1",version="1\.0\.0"\} 1$/m);
    assert.match(out, /^build_info\{instance="host-1",region="eu \\"west\\"",version="2\.0\.0",commit="abc123"\} 1$/m);
    assert.match(
      out,
      /^latency_seconds_bucket\{instance="host-1",region="eu \\"west\\"",version="1\.0\.0",le="0\.1"\} 1$/m,
    );
  });

  it('drops a default label named le, quantile or like a stateset family on those families only', () => {
    const fams: MetricFamily[] = [
      { ...gauge([], []), name: 'plain' },
      {
        type: 'histogram',
        name: 'h',
        help: '',
        unit: '',
        labelNames: [],
        upperBounds: [1],
        series: [{ labelValues: [], bucketCounts: [0, 0], sum: 0, count: 0, created: 0 }],
      },
      {
        type: 'summary',
        name: 's',
        help: '',
        unit: '',
        labelNames: [],
        quantiles: [0.5],
        series: [{ labelValues: [], quantileValues: [NaN], sum: 0, count: 0, created: 0 }],
      },
      {
        type: 'stateset',
        name: 'phase',
        help: '',
        unit: '',
        labelNames: [],
        states: ['a'],
        series: [{ labelValues: [], stateIndex: 0 }],
      },
    ];
    const out = text([encodeText(snapshot(fams, ['le', 'quantile', 'phase'], ['L', 'Q', 'P']))])[0]!;
    assert.match(out, /^plain\{le="L",quantile="Q",phase="P"\} 1$/m);
    assert.match(out, /^h_bucket\{quantile="Q",phase="P",le="1\.0"\} 0$/m);
    assert.match(out, /^h_sum\{quantile="Q",phase="P"\} 0$/m);
    assert.match(out, /^s\{le="L",phase="P",quantile="0\.5"\} NaN$/m);
    assert.match(out, /^phase\{le="L",quantile="Q",phase="a"\} 1$/m);
  });

  it('follows changes of the default labels between encodes on the same encoder', () => {
    const encoder = prometheusTextEncoder();
    const fam = gauge(['a'], ['x']);
    const first = text(encoder.encode(snapshot([fam], ['job'], ['one'])));
    const second = text(encoder.encode(snapshot([fam], ['job'], ['two'])));
    const third = text(encoder.encode(snapshot([fam])));
    assert.deepEqual(first, ['# TYPE g gauge\ng{a="x",job="one"} 1\n']);
    assert.deepEqual(second, ['# TYPE g gauge\ng{a="x",job="two"} 1\n']);
    assert.deepEqual(third, ['# TYPE g gauge\ng{a="x"} 1\n']);
  });

  it('gives the same bytes on every encode of the same snapshot (cached label text)', () => {
    const encoder = prometheusTextEncoder();
    const first = text(encoder.encode(everything));
    assert.deepEqual(text(encoder.encode(everything)), first);
    assert.deepEqual(text(prometheusTextEncoder().encode(everything)), first);
  });

  it('does not confuse series that share a label-values array across families', () => {
    const shared = ['v'];
    const fams: MetricFamily[] = [
      { type: 'gauge', name: 'a', help: '', unit: '', labelNames: ['x'], series: [{ labelValues: shared, value: 1 }] },
      { type: 'gauge', name: 'b', help: '', unit: '', labelNames: ['y'], series: [{ labelValues: shared, value: 2 }] },
      {
        type: 'stateset',
        name: 'c',
        help: '',
        unit: '',
        labelNames: ['y'],
        states: ['s'],
        series: [{ labelValues: shared, stateIndex: 0 }],
      },
    ];
    const out = text(prometheusTextEncoder().encode(snapshot(fams, ['c'], ['d'])));
    assert.deepEqual(out, [
      '# TYPE a gauge\na{x="v",c="d"} 1\n# TYPE b gauge\nb{y="v",c="d"} 2\n# TYPE c gauge\nc{y="v",c="s"} 1\n',
    ]);
  });

  it('follows series removed, inserted and reordered between encodes (label text cached by position)', () => {
    const encoder = prometheusTextEncoder();
    const [a, b, c, d] = [['a'], ['b'], ['c'], ['d']];
    const fam = (...values: string[][]): MetricFamily => ({
      type: 'gauge',
      name: 'g',
      help: '',
      unit: '',
      labelNames: ['k'],
      series: values.map((labelValues, i) => ({ labelValues, value: i })),
    });
    const expect = (...values: string[][]) =>
      '# TYPE g gauge\n' + values.map((v, i) => `g{k="${v[0]}"} ${i}\n`).join('');
    for (const order of [[a, b, c], [a, c], [b, a, c], [a, d, c], [d], [a, b, c, d], [c, b, a]]) {
      assert.deepEqual(text(encoder.encode(snapshot([fam(...order)]))), [expect(...order)]);
    }
  });

  it('gives the same bytes for whole snapshots, marked slices and unmarked pieces on one encoder', () => {
    const encoder = prometheusTextEncoder();
    const whole = text(encoder.encode(everything))[0]!;
    for (let round = 0; round < 2; round++) {
      assert.equal(text(slices(everything).flatMap((slice) => encoder.encode(slice))).join(''), whole);
      assert.equal(text(encoder.encode(everything))[0], whole);
      // A pusher that sends every slice on its own leaves pieces unmarked: each has its metadata.
      const unmarked = slices(everything, 1, 1).map((slice) => ({
        ...slice,
        last: true,
        families: slice.families.map((family) => ({ ...family, continued: false })),
      }));
      const samples = (t: string) => t.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      assert.deepEqual(samples(text(unmarked.flatMap((slice) => encoder.encode(slice))).join('')), samples(whole));
    }
  });

  it('accepts a freshly built labelNames array with the same names', () => {
    const encoder = prometheusTextEncoder();
    const values = ['1'];
    const once = text(encoder.encode(snapshot([gauge(['n'], values)])));
    const again = text(encoder.encode(snapshot([gauge(['n'], values)])));
    const renamed = text(encoder.encode(snapshot([gauge(['m'], values)])));
    assert.deepEqual(again, once);
    assert.deepEqual(renamed, ['# TYPE g gauge\ng{m="1"} 1\n']);
  });
});

describe('Prometheus text helpers', () => {
  it('escapes label values: backslash, quote, newline only', () => {
    assert.equal(escapeLabelValue('plain ✓'), 'plain ✓');
    assert.equal(escapeLabelValue('a\\b"c\nd'), 'a\\\\b\\"c\\nd');
    assert.equal(escapeLabelValue('\\'), '\\\\');
    assert.equal(escapeLabelValue(''), '');
  });

  it('escapes 0.0.4 HELP: backslash and newline, never quotes', () => {
    assert.equal(escapePrometheusHelp('say "hi"'), 'say "hi"');
    assert.equal(escapePrometheusHelp('a\\b\nc'), 'a\\\\b\\nc');
  });

  it('formats sample values in a form Go ParseFloat reads back', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [42, '42'],
      [-3.5, '-3.5'],
      [0.1 + 0.2, '0.30000000000000004'],
      [1e21, '1e+21'],
      [1e-7, '1e-7'],
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
    ];
    for (const [value, expected] of cases) assert.equal(formatPrometheusValue(value), expected, String(value));
  });
});
