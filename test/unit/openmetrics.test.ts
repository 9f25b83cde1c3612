import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openMetricsEncoder } from '../../src/encoding/openmetrics.js';
import { prometheusTextEncoder } from '../../src/encoding/prometheus-text.js';
import { escapeOpenMetricsHelp } from '../../src/encoding/escape.js';
import {
  formatLe,
  formatOpenMetricsInteger,
  formatOpenMetricsValue,
  formatQuantile,
} from '../../src/encoding/number.js';
import type { MetricFamily, Snapshot } from '../../src/model/snapshot.js';
import { assertGolden, assertGoldenPayloads } from './golden.js';
import {
  checkExposition,
  goldenCaseTests,
  seriesLines,
  slices,
  counters,
  escaping,
  everything,
  histograms,
  infos,
  snapshot,
  statesets,
  summaries,
} from './text-fixtures.js';
import { text } from './encoding-fixtures.js';

const encodeOm = (s: Snapshot, created = false) => {
  const payloads = openMetricsEncoder({ created }).encode(s);
  assert.equal(payloads.length, 1, 'unbounded: one payload');
  return Buffer.from(payloads[0]!).toString('utf8');
};

describe('openMetricsEncoder golden files', () => {
  goldenCaseTests('openmetrics', 'om', 'openmetrics', { eof: true }, (snap) => encodeOm(snap));

  it('created.om: _created samples for counters, histograms and summaries with created: true', () => {
    const out = encodeOm(snapshot([...counters.families, ...histograms.families, ...summaries.families]), true);
    assertGolden('openmetrics/created.om', out);
    checkExposition(out, 'openmetrics', { eof: true });
  });

  it('split-N.om: a family split across payloads repeats its metadata; every payload ends with # EOF', () => {
    const payloads = openMetricsEncoder({ maxPayloadBytes: 1000 }).encode(histograms);
    assertGoldenPayloads('openmetrics/split', 'om', payloads);
  });

  it('sliced-N.om: slices of a sliced push, concatenated, are the whole exposition; # EOF ends the last', () => {
    const encoder = openMetricsEncoder();
    const parts = slices(everything);
    const payloads = parts.flatMap((slice) => encoder.encode(slice));
    assertGoldenPayloads('openmetrics/sliced', 'om', payloads);
    assert.equal(text(payloads).join(''), encodeOm(everything));
    assert.ok(
      text(payloads)
        .slice(0, -1)
        .every((p) => !p.includes('# EOF')),
      'no # EOF before the last slice',
    );
  });
});

describe('openMetricsEncoder payload splitting', () => {
  for (const max of [400, 700, 1432]) {
    it(`keeps every payload within ${max} bytes, each ending with # EOF and parsing on its own`, () => {
      const whole = encodeOm(everything);
      const payloads = text(openMetricsEncoder({ maxPayloadBytes: max }).encode(everything));
      assert.ok(payloads.length > 1, `${payloads.length} payloads`);
      payloads.forEach((payload, i) => {
        assert.ok(Buffer.byteLength(payload) <= max, `payload of ${Buffer.byteLength(payload)} bytes`);
        assert.ok(payload.endsWith('\n# EOF\n'), `payload ${i + 1} of ${payloads.length}`);
        checkExposition(payload, 'openmetrics', { eof: true });
      });
      const samples = (t: string) => t.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      assert.deepEqual(payloads.flatMap(samples), samples(whole));
    });
  }

  it('keeps each histogram and summary series in one payload when it fits in one', () => {
    for (const max of [1000, 1432]) {
      const payloads = text(openMetricsEncoder({ maxPayloadBytes: max, created: true }).encode(everything));
      for (const [, series] of seriesLines(encodeOm(everything, true))) {
        const bytes = series.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
        if (bytes > max - 200) continue; // larger than a payload (with metadata and # EOF): line by line
        const holders = payloads.filter((p) => series.some((line) => p.includes(line + '\n')));
        assert.equal(holders.length, 1, `${max}: ${series[0]}`);
      }
    }
  });

  it('writes no # EOF in any payload of a slice before the last one', () => {
    const payloads = text(openMetricsEncoder({ maxPayloadBytes: 400 }).encode({ ...everything, last: false }));
    assert.ok(payloads.length > 1);
    for (const payload of payloads) assert.ok(!payload.includes('# EOF'), payload);
    assert.deepEqual(openMetricsEncoder().encode({ ...snapshot([]), last: false }), []);
  });
});

describe('openMetricsEncoder format rules', () => {
  it('has the OpenMetrics 1.0.0 content type', () => {
    assert.equal(openMetricsEncoder().contentType, 'application/openmetrics-text; version=1.0.0; charset=utf-8');
  });

  it('ends with # EOF, even when there is nothing else', () => {
    assert.deepEqual(text(openMetricsEncoder().encode(snapshot([]))), ['# EOF\n']);
    assert.ok(encodeOm(counters).endsWith('\n# EOF\n'), 'last line');
  });

  it('writes metadata as TYPE, UNIT, HELP naming the family, counters sampled as _total', () => {
    const out = encodeOm(counters);
    assert.match(
      out,
      /^# TYPE acme_job123_cpu_seconds counter\n# UNIT acme_job123_cpu_seconds seconds\n# HELP acme_job123_cpu_seconds CPU time spent\.\nacme_job123_cpu_seconds_total\{mode="user"\} 1e\+21$/m,
    );
    assert.doesNotMatch(out, /_created/, 'no _created unless asked');
  });

  it('writes _created in seconds after each counter, histogram and summary point when asked', () => {
    const out = encodeOm(snapshot([...counters.families, ...histograms.families, ...summaries.families]), true);
    assert.match(out, /^jobs_processed_total 0\.0\njobs_processed_created 1700000000\.0$/m);
    assert.match(out, /^acme_job123_requests_created\{host="h1",service="billing"\} 1700000000\.25$/m);
    assert.match(
      out,
      /^request_duration_seconds_count\{route="\/a"\} 12\nrequest_duration_seconds_created\{route="\/a"\} 1700000000\.0$/m,
    );
    assert.match(out, /^batch_size_count 17\nbatch_size_created 1700000000\.0$/m);
  });

  it('skips _created when the creation time is unknown', () => {
    const fam: MetricFamily = {
      type: 'counter',
      name: 'c',
      help: '',
      unit: '',
      labelNames: [],
      series: [{ labelValues: [], value: 1, created: 0 }],
    };
    assert.equal(encodeOm(snapshot([fam]), true), '# TYPE c counter\nc_total 1.0\n# EOF\n');
  });

  it('writes integers (bucket counts, _count, states, info) without and floats with a decimal point', () => {
    const out = encodeOm(everything);
    assert.match(out, /^request_duration_seconds_bucket\{route="\/a",instance="host-1",le="0\.005"\} 1$/m);
    assert.match(out, /^request_duration_seconds_count\{route="\/a",instance="host-1"\} 12$/m);
    assert.match(out, /^request_duration_seconds_sum\{route="\/a",instance="host-1"\} 7\.25$/m);
    assert.match(out, /^rpc_duration_seconds_count\{service="auth",instance="host-1"\} 431$/m);
    assert.match(out, /^batch_size_sum\{instance="host-1"\} 1234\.0$/m);
    assert.match(out, /^queue_depth\{queue="int",instance="host-1"\} 42\.0$/m);
    assert.match(out, /^job_phase\{kind="etl",instance="host-1",job_phase="running"\} 1$/m);
    assert.match(out, /^build_info\{instance="host-1",version="1\.2\.3",revision="abc\\"def"\} 1$/m);
  });

  it('drops _sum and _count of a histogram with negative bounds; the +Inf bucket keeps the count', () => {
    const out = encodeOm(histograms);
    assert.match(out, /^temperature_change_celsius_bucket\{le="\+Inf"\} 10\n# EOF$/m);
    assert.doesNotMatch(out, /temperature_change_celsius_(sum|count)/);
  });

  it('types info and stateset natively, without a UNIT line', () => {
    const out = encodeOm(snapshot([...infos.families, ...statesets.families]));
    assert.match(out, /^# TYPE build info\n# HELP build Build information\.\nbuild_info\{/m);
    assert.match(out, /^# TYPE job_phase stateset\n/m);
    const withUnit = encodeOm(snapshot([{ ...infos.families[0]!, unit: 'bytes' }]));
    assert.doesNotMatch(withUnit, /# UNIT/);
  });

  it('escapes quotes in HELP, unlike 0.0.4', () => {
    assert.match(encodeOm(escaping), /^# HELP escapes Help with a backslash \\\\ a newline\\nand \\"quotes\\"\.$/m);
    assert.equal(escapeOpenMetricsHelp('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
  });

  it('renders le and quantile exactly as the Prometheus text encoder does', () => {
    const labelsOf = (out: string) => [...out.matchAll(/(le|quantile)="([^"]*)"/g)].map((m) => m[0]).sort();
    const snap = snapshot([...histograms.families, ...summaries.families]);
    const prom = Buffer.from(prometheusTextEncoder().encode(snap)[0]!).toString('utf8');
    const omLabels = new Set(labelsOf(encodeOm(snap)));
    // Every le/quantile label of the 0.0.4 output exists verbatim in the OpenMetrics output.
    for (const label of labelsOf(prom)) assert.ok(omLabels.has(label), label);
  });
});

describe('OpenMetrics number rendering', () => {
  it('renders le/quantile canonically: Go %g plus .0 (the spec examples)', () => {
    // OpenMetrics "Canonical Numbers": values 0.0 to 10.0 and powers of ten.
    const cases: [number, string][] = [
      [0, '0.0'],
      [-0, '0.0'],
      [0.001, '0.001'],
      [0.002, '0.002'],
      [0.005, '0.005'],
      [0.01, '0.01'],
      [0.1, '0.1'],
      [0.9, '0.9'],
      [0.95, '0.95'],
      [0.99, '0.99'],
      [0.999, '0.999'],
      [1, '1.0'],
      [1.7, '1.7'],
      [2.5, '2.5'],
      [10, '10.0'],
      [1e-10, '1e-10'],
      [1e-9, '1e-09'],
      [1e-7, '1e-07'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [100000, '100000.0'],
      [123456, '123456.0'],
      [1e6, '1e+06'],
      [1234567, '1.234567e+06'],
      [1e10, '1e+10'],
      [1e23, '1e+23'],
      [1.1e23, '1.1e+23'],
      [1e100, '1e+100'],
      [-1, '-1.0'],
      [-0.5, '-0.5'],
      [-1e-5, '-1e-05'],
      [0.1 + 0.2, '0.30000000000000004'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
      [NaN, 'NaN'],
    ];
    for (const [value, expected] of cases) {
      assert.equal(formatLe(value), expected, `le ${value}`);
      assert.equal(formatQuantile(value), expected, `quantile ${value}`);
    }
  });

  it('writes floats with a decimal point or exponent and integers without', () => {
    const floats: [number, string][] = [
      [17, '17.0'],
      [0, '0.0'],
      [-0, '0.0'],
      [0.25, '0.25'],
      [-3, '-3.0'],
      [1e21, '1e+21'],
      [1e-7, '1e-7'],
      [1700000000.5, '1700000000.5'],
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
    ];
    for (const [value, expected] of floats) assert.equal(formatOpenMetricsValue(value), expected, String(value));
    const integers: [number, string][] = [
      [0, '0'],
      [17, '17'],
      [2 ** 53, '9007199254740992'],
      [1.5, '1.5'], // not an integer: written as the float it is, never rounded
    ];
    for (const [value, expected] of integers) assert.equal(formatOpenMetricsInteger(value), expected, String(value));
  });
});
