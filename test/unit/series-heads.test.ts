// The byte path of the text encoders: the one-sample lines (counters, gauges) of a family with
// BYTE_LINES_MIN_SERIES series or more are written from their heads' bytes (series-heads.ts)
// rather than as strings.
// Every case here compares the exact text with lines built from the format's own value rules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prometheusTextEncoder } from '../../src/encoding/prometheus-text.js';
import { openMetricsEncoder } from '../../src/encoding/openmetrics.js';
import { escapeLabelValue } from '../../src/encoding/escape.js';
import { formatOpenMetricsValue, formatPrometheusValue } from '../../src/encoding/number.js';
import { SeriesHeads } from '../../src/encoding/series-heads.js';
import { BYTE_LINES_MIN_SERIES } from '../../src/encoding/text-exposition.js';
import type { GaugeFamily } from '../../src/model/snapshot.js';
import { gauges, snapshot, text } from './encoding-fixtures.js';
import { slices } from './text-fixtures.js';

/** Values that take every branch of the byte path: digits in place, `.0`, and the string fallbacks. */
const VALUES = [
  0,
  -0,
  1,
  7,
  1023,
  1024,
  2 ** 31 - 1,
  2 ** 31,
  -5,
  0.1,
  12.345,
  1 / 3,
  -0.001,
  1e21,
  1.5e300,
  5e-324,
  NaN,
  Infinity,
  -Infinity,
  123456789.125,
];
const LABELS = ['a', 'é', '🙂', 'quote"', 'back\\slash', 'new\nline', ''];

/** A gauge family `g` of BYTE_LINES_MIN_SERIES series (or `size`) with `values` over and over. */
function family(values: readonly number[], size = Math.max(BYTE_LINES_MIN_SERIES, values.length)): GaugeFamily {
  const pairs = Array.from({ length: size }, (_, i) => [
    `${LABELS[i % LABELS.length]}${i}`,
    values[i % values.length]!,
  ]);
  return gauges('g', 'k', pairs as [string, number][]);
}

function expected(fam: GaugeFamily, format: (v: number) => string): string {
  return fam.series.map((s) => `g{k="${escapeLabelValue(s.labelValues[0]!)}"} ${format(s.value)}\n`).join('');
}

describe('text encoders: lines written as bytes', () => {
  it('Prometheus text: every kind of value and label, exactly as the format spells it', () => {
    const fam = family(VALUES);
    const encoder = prometheusTextEncoder();
    for (let round = 0; round < 2; round++) {
      assert.deepEqual(text(encoder.encode(snapshot([fam]))), [
        '# TYPE g gauge\n' + expected(fam, formatPrometheusValue),
      ]);
    }
  });

  it('OpenMetrics: an integral value gets .0, the others are as in Prometheus text', () => {
    const fam = family(VALUES);
    assert.deepEqual(text(openMetricsEncoder().encode(snapshot([fam]))), [
      '# TYPE g gauge\n' + expected(fam, formatOpenMetricsValue) + '# EOF\n',
    ]);
  });

  it('follows series removed, inserted and reordered between encodes', () => {
    const encoder = prometheusTextEncoder();
    const n = BYTE_LINES_MIN_SERIES;
    const keys = Array.from({ length: n + 2 }, (_, i) => [`s${i}`]);
    const fam = (order: number[]): GaugeFamily => ({
      ...gauges('g', 'k', []),
      series: order.map((key, i) => ({ labelValues: keys[key]!, value: i })),
    });
    const all = Array.from({ length: n }, (_, i) => i);
    const orders = [
      all,
      [...all.slice(0, 2), ...all.slice(3), n], // one removed, one added at the end
      [n + 1, ...all.slice(0, 2), ...all.slice(3), n], // one inserted at the front
      [...all].reverse(),
      [2], // a small family already written as bytes stays on the byte path
      [...all, n, n + 1],
    ];
    for (const order of orders) {
      const want = '# TYPE g gauge\n' + order.map((key, i) => `g{k="s${key}"} ${i}\n`).join('');
      assert.deepEqual(text(encoder.encode(snapshot([fam(order)]))), [want]);
    }
  });

  it('concatenated slices (small continued pieces included) equal the whole body, push after push', () => {
    const small = gauges('h', 'k', [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const whole = snapshot([family(VALUES), small, { ...family([4, 5], 2 * BYTE_LINES_MIN_SERIES), name: 'i' }], {
      job: 'x',
    });
    const encoder = prometheusTextEncoder();
    const body = text(encoder.encode(whole))[0]!;
    for (const [perPiece, perSlice] of [
      [BYTE_LINES_MIN_SERIES, 1],
      [BYTE_LINES_MIN_SERIES + 1, 2],
      [3, 2],
      [1000, 1],
    ]) {
      for (let round = 0; round < 2; round++) {
        const parts = slices(whole, perPiece, perSlice).flatMap((slice) => encoder.encode(slice));
        assert.equal(text(parts).join(''), body, `pieces of ${perPiece}, round ${round}`);
      }
    }
  });

  it('bounded payloads: byte lines are packed whole, HELP and TYPE lead every payload', () => {
    const fam: GaugeFamily = { ...family(VALUES), help: 'Some help.' };
    const header = '# HELP g Some help.\n# TYPE g gauge\n';
    const maxPayloadBytes = 120;
    const payloads = text(prometheusTextEncoder({ maxPayloadBytes }).encode(snapshot([fam])));
    assert.ok(payloads.length > 3, `${payloads.length} payloads`);
    for (const payload of payloads) {
      assert.ok(payload.startsWith(header), payload);
      assert.ok(Buffer.byteLength(payload) <= maxPayloadBytes, payload);
    }
    const samples = payloads.map((p) => p.slice(header.length)).join('');
    assert.equal(samples, expected(fam, formatPrometheusValue));
  });

  it('a family whose series keep changing: exact lines at every push', () => {
    assert.ok(churn(0).length >= BYTE_LINES_MIN_SERIES);
    const encoder = prometheusTextEncoder();
    for (let push = 0; push < 50; push++) {
      const ids = churn(push);
      const body = text(encoder.encode(snapshot([churnFamily(ids)])))[0]!;
      assert.equal(body, '# TYPE g gauge\n' + ids.map((id) => `${churnHead(id)}${id}\n`).join(''));
    }
  });
});

describe('SeriesHeads', () => {
  it('compacts its bytes when series keep changing, instead of growing without bound', () => {
    const first = churnFamily(churn(0));
    const record = new SeriesHeads(first, '', 'g');
    const headBytes = Buffer.byteLength(churnHead(1000));
    let peak = 0;
    for (let push = 0; push < 300; push++) {
      const fam = churnFamily(churn(push));
      record.startFamily(false);
      const base = record.begin(fam);
      let read = 0;
      fam.series.forEach((s, i) => {
        const head = record.at(base + i, fam.series, i);
        assert.equal(SeriesHeads.text(head), churnHead(Number(s.labelValues[0]!.split('-')[1])));
        read += head.length;
      });
      record.read(read);
      peak = Math.max(peak, record.appendedBytes);
    }
    const live = 100 * headBytes;
    // Over twice a push's heads (and at least 16 KiB) it compacts to exactly the live heads.
    assert.ok(peak > 2 * live, `peak ${peak}: the churn did append`);
    assert.ok(peak <= Math.max(2 * live, 16 * 1024) + 10 * headBytes, `peak ${peak}, live ${live}`);
  });

  it('keeps appending without compacting while the series stay the same', () => {
    const fam = churnFamily(Array.from({ length: 100 }, (_, i) => i));
    const record = new SeriesHeads(fam, '', 'g');
    for (let push = 0; push < 3; push++) {
      record.startFamily(false);
      const base = record.begin(fam);
      let read = 0;
      for (let i = 0; i < fam.series.length; i++) read += record.at(base + i, fam.series, i).length;
      record.read(read);
      assert.equal(record.appendedBytes, read);
    }
  });
});

/** 100 series ids, a tenth of them new at every push (a job labelling by batch id, say). */
function churn(push: number): number[] {
  return Array.from({ length: 100 }, (_, i) => (i < 90 ? i : 1000 + push * 10 + i));
}

const churnLabel = (id: number) => `series-${id}-${'x'.repeat(40)}`;
const churnHead = (id: number) => `g{k="${churnLabel(id)}"} `;

/** One label-values array per series id, kept across pushes as a metric keeps its series'. */
const churnKeys = new Map<number, readonly string[]>();

function churnFamily(ids: readonly number[]): GaugeFamily {
  const keyOf = (id: number) => churnKeys.get(id) ?? churnKeys.set(id, [churnLabel(id)]).get(id)!;
  return { ...gauges('g', 'k', []), series: ids.map((id) => ({ labelValues: keyOf(id), value: id })) };
}
