// The sample flattening shared by the line encoders: names, extra labels, default-label rules.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SampleSuffix, SampleVisitor } from '../../src/encoding/samples.js';
import {
  SAMPLE_SUFFIXES,
  applicableDefaults,
  extraLabel,
  sampleLabelNames,
  sampleSuffixes,
  visitSamples,
} from '../../src/encoding/samples.js';
import type { LabelValues, MetricFamily } from '../../src/model/snapshot.js';
import { ALL_TYPES } from './encoding-fixtures.js';

/** Renders each sample as `name{labels} value` for readable assertions. */
function flatten(family: MetricFamily): string[] {
  const out: string[] = [];
  const extra = extraLabel(family);
  const labels = (values: LabelValues) => family.labelNames.map((n, i) => `${n}=${values[i]}`);
  const visitor: SampleVisitor = {
    sample(suffix: SampleSuffix, labelValues: LabelValues, index: number, value: number) {
      const all = labels(labelValues);
      if (index >= 0) all.push(`${extra!.name}=${extra!.values[index]}`);
      out.push(`${family.name}${SAMPLE_SUFFIXES[suffix]}{${all.join(',')}} ${value}`);
    },
    info(labelValues, infoNames, infoValues) {
      const all = [...labels(labelValues), ...infoNames.map((n, i) => `${n}=${infoValues[i]}`)];
      out.push(`${family.name}_info{${all.join(',')}} 1`);
    },
  };
  visitSamples(family, visitor);
  return out;
}

function family(name: string): MetricFamily {
  const found = ALL_TYPES.families.find((f) => f.name === name);
  assert.ok(found);
  return found;
}

describe('visitSamples', () => {
  it('counter: x_total', () => {
    assert.deepEqual(flatten(family('jobs_processed')), [
      'jobs_processed_total{queue=mail,job=own-job} 42',
      'jobs_processed_total{queue=sms,job=} 0.5',
    ]);
  });

  it('histogram: cumulative buckets with canonical le, +Inf = count, then sum and count', () => {
    assert.deepEqual(flatten(family('latency_seconds')), [
      'latency_seconds_bucket{method=GET,le=0.005} 1',
      'latency_seconds_bucket{method=GET,le=1.0} 3',
      'latency_seconds_bucket{method=GET,le=10.0} 4',
      'latency_seconds_bucket{method=GET,le=+Inf} 5',
      'latency_seconds_sum{method=GET} 12.75',
      'latency_seconds_count{method=GET} 5',
    ]);
  });

  it('summary: quantiles (NaN kept for the encoder to judge), sum, count', () => {
    assert.deepEqual(flatten(family('payload_bytes')), [
      'payload_bytes{quantile=0.5} NaN',
      'payload_bytes{quantile=0.99} 2048',
      'payload_bytes_sum{} -7',
      'payload_bytes_count{} 3',
    ]);
  });

  it('info: x_info with its labels, an info label named like an own label dropped', () => {
    assert.deepEqual(flatten(family('build')), ['build_info{component=api,version=1.2.3,host=build-host} 1']);
  });

  it('stateset: one sample per state, 1 for the current one', () => {
    assert.deepEqual(flatten(family('phase')), [
      'phase{phase=starting} 0',
      'phase{phase=running} 1',
      'phase{phase=done} 0',
    ]);
  });

  it('a family without series: nothing', () => {
    assert.deepEqual(flatten(family('never_used')), []);
  });

  it('uses exactly the suffixes sampleSuffixes() announces (encoders prepare only those names)', () => {
    for (const f of ALL_TYPES.families) {
      const used = new Set<number>();
      visitSamples(f, {
        sample: (suffix) => void used.add(suffix),
        info: () => void used.add(5),
      });
      if (f.series.length > 0) assert.deepEqual([...used].sort(), [...sampleSuffixes(f)].sort(), f.type);
    }
  });

  it('caches the rendered bounds by the identity of the bounds array', () => {
    const histogram = family('latency_seconds');
    assert.equal(extraLabel(histogram), extraLabel(histogram));
    assert.equal(extraLabel(family('up')), undefined);
  });
});

describe('default labels', () => {
  it('drops defaults named like a family label or a label the samples add', () => {
    assert.deepEqual(sampleLabelNames(family('latency_seconds')), ['le']);
    assert.deepEqual(sampleLabelNames(family('payload_bytes')), ['quantile']);
    assert.deepEqual(sampleLabelNames(family('phase')), ['phase']);
    assert.deepEqual(sampleLabelNames(family('up')), []);
    const d = applicableDefaults(['host', 'job', 'le'], ['h', 'j', 'x'], ['job'], ['le']);
    assert.deepEqual(d, { names: ['host'], values: ['h'] });
  });

  it('returns the given arrays when nothing is dropped', () => {
    const names = ['host'];
    const values = ['h'];
    const d = applicableDefaults(names, values, ['zone']);
    assert.equal(d.names, names);
    assert.equal(d.values, values);
  });
});
