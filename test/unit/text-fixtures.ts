// Hand-built snapshots shared by the Prometheus text and OpenMetrics encoder tests (so both golden
// sets describe the same data), plus a structural checker for either text format.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MetricFamily, Snapshot } from '../../src/model/snapshot.js';
import { assertGolden } from './golden.js';

export function snapshot(
  families: MetricFamily[],
  defaultLabelNames: string[] = [],
  defaultLabelValues: string[] = [],
): Snapshot {
  return { families, defaultLabelNames, defaultLabelValues, timestampMs: 1_700_000_123_456 };
}

const CREATED = 1_700_000_000;

export const counters = snapshot([
  {
    type: 'counter',
    name: 'jobs_processed',
    help: 'Jobs processed.',
    unit: '',
    labelNames: [],
    series: [{ labelValues: [], value: 0, created: CREATED }],
  },
  {
    // namespace "acme", subsystem "job123", name "requests"
    type: 'counter',
    name: 'acme_job123_requests',
    help: 'External requests',
    unit: '',
    labelNames: ['host', 'service'],
    series: [
      { labelValues: ['h1', 'billing'], value: 5, created: CREATED + 0.25 },
      { labelValues: ['h2', 'search'], value: 0.1 + 0.2, created: CREATED },
    ],
  },
  {
    type: 'counter',
    name: 'acme_job123_cpu_seconds',
    help: 'CPU time spent.',
    unit: 'seconds',
    labelNames: ['mode'],
    series: [
      { labelValues: ['user'], value: 1e21, created: CREATED },
      { labelValues: ['system'], value: 1e-7, created: CREATED },
      { labelValues: ['idle'], value: 123456789.125, created: CREATED },
    ],
  },
]);

export const gauges = snapshot([
  {
    type: 'gauge',
    name: 'queue_depth',
    help: 'Items waiting.',
    unit: '',
    labelNames: ['queue'],
    series: [
      { labelValues: ['int'], value: 42 },
      { labelValues: ['nan'], value: NaN },
      { labelValues: ['pos_inf'], value: Infinity },
      { labelValues: ['neg_inf'], value: -Infinity },
      { labelValues: ['negative'], value: -3.5 },
      { labelValues: ['neg_zero'], value: -0 },
      { labelValues: ['million'], value: 1e6 },
      { labelValues: ['tiny'], value: 5e-324 },
      { labelValues: ['max'], value: Number.MAX_VALUE },
    ],
  },
  {
    // Empty help: no HELP line. OpenMetrics gets a UNIT line.
    type: 'gauge',
    name: 'room_temperature_celsius',
    help: '',
    unit: 'celsius',
    labelNames: [],
    series: [{ labelValues: [], value: 21.5 }],
  },
  {
    // No series: nothing at all is written for this family.
    type: 'gauge',
    name: 'never_set',
    help: 'A gauge without series.',
    unit: '',
    labelNames: ['x'],
    series: [],
  },
]);

export const histograms = snapshot([
  {
    type: 'histogram',
    name: 'request_duration_seconds',
    help: 'Request latency.',
    unit: 'seconds',
    labelNames: ['route'],
    upperBounds: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    series: [
      {
        labelValues: ['/a'],
        bucketCounts: [1, 2, 4, 5, 7, 9, 10, 11, 11, 12, 12, 12],
        sum: 7.25,
        count: 12,
        created: CREATED,
      },
      { labelValues: ['/b'], bucketCounts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], sum: 0, count: 0, created: CREATED },
    ],
  },
  {
    // Bounds spanning both sides of Go's %g switch to exponent form.
    type: 'histogram',
    name: 'payload_bytes',
    help: 'Payload sizes.',
    unit: 'bytes',
    labelNames: [],
    upperBounds: [1e-5, 0.0001, 100000, 1e6, 1e10, 1.1e23],
    series: [{ labelValues: [], bucketCounts: [0, 1, 3, 5, 6, 6, 7], sum: 12345678901.5, count: 7, created: CREATED }],
  },
  {
    // Negative bounds: OpenMetrics forbids _sum (and so _count) for these.
    type: 'histogram',
    name: 'temperature_change_celsius',
    help: 'Temperature changes.',
    unit: 'celsius',
    labelNames: [],
    upperBounds: [-5, -1, 0, 1, 5],
    series: [{ labelValues: [], bucketCounts: [1, 3, 4, 6, 9, 10], sum: -2.5, count: 10, created: CREATED }],
  },
]);

export const summaries = snapshot([
  {
    type: 'summary',
    name: 'rpc_duration_seconds',
    help: 'RPC latency.',
    unit: 'seconds',
    labelNames: ['service'],
    quantiles: [0.5, 0.9, 0.99, 0.999],
    series: [
      { labelValues: ['auth'], quantileValues: [0.012, 0.05, 0.1, 0.25], sum: 12.5, count: 431, created: CREATED },
      // No observation in the window: every quantile is NaN.
      { labelValues: ['idle'], quantileValues: [NaN, NaN, NaN, NaN], sum: 0, count: 0, created: CREATED },
    ],
  },
  {
    type: 'summary',
    name: 'batch_size',
    help: 'Batch sizes (count and sum only).',
    unit: '',
    labelNames: [],
    quantiles: [],
    series: [{ labelValues: [], quantileValues: [], sum: 1234, count: 17, created: CREATED }],
  },
]);

export const infos = snapshot([
  {
    type: 'info',
    name: 'build',
    help: 'Build information.',
    unit: '',
    labelNames: [],
    series: [{ labelValues: [], infoNames: ['version', 'revision'], infoValues: ['1.2.3', 'abc"def'] }],
  },
  {
    type: 'info',
    name: 'worker',
    help: 'Worker identity.',
    unit: '',
    labelNames: ['worker_id'],
    series: [
      { labelValues: ['w1'], infoNames: ['pool'], infoValues: ['fast'] },
      { labelValues: ['w2'], infoNames: ['pool'], infoValues: ['slow'] },
    ],
  },
]);

export const statesets = snapshot([
  {
    type: 'stateset',
    name: 'job_phase',
    help: 'Current phase of the job.',
    unit: '',
    labelNames: ['kind'],
    states: ['starting', 'running', 'done'],
    series: [
      { labelValues: ['etl'], stateIndex: 1 },
      { labelValues: ['report'], stateIndex: 2 },
    ],
  },
  {
    type: 'stateset',
    name: 'mode',
    help: 'Operating mode.',
    unit: '',
    labelNames: [],
    states: ['a "quoted" state', 'plain'],
    series: [{ labelValues: [], stateIndex: 0 }],
  },
]);

export const escaping = snapshot([
  {
    type: 'gauge',
    name: 'escapes',
    help: 'Help with a backslash \\ a newline\nand "quotes".',
    unit: '',
    labelNames: ['value'],
    series: [
      { labelValues: ['plain'], value: 1 },
      { labelValues: ['quote "q"'], value: 2 },
      { labelValues: ['back\\slash'], value: 3 },
      { labelValues: ['new\nline'], value: 4 },
      { labelValues: ['all three \\ " \n'], value: 5 },
      { labelValues: ['ends with backslash \\'], value: 6 },
      { labelValues: ['unicode ✓ 日本語 é'], value: 7 },
      { labelValues: ['emoji 🚀'], value: 8 },
      { labelValues: [''], value: 9 },
      { labelValues: ['{braces},=commas #hash'], value: 10 },
    ],
  },
]);

/**
 * Registry default labels: appended after the family's own labels; a family's own label of the
 * same name wins; an info label of the same name wins; `le`/`quantile` come last.
 */
export const defaultLabels = snapshot(
  [
    {
      type: 'counter',
      name: 'requests',
      help: 'Requests.',
      unit: '',
      labelNames: ['service'],
      series: [{ labelValues: ['api'], value: 3, created: CREATED }],
    },
    {
      type: 'counter',
      name: 'overridden',
      help: 'The family has its own region label.',
      unit: '',
      labelNames: ['region', 'service'],
      series: [{ labelValues: ['us', 'api'], value: 1, created: CREATED }],
    },
    {
      type: 'gauge',
      name: 'up',
      help: 'No labels of its own.',
      unit: '',
      labelNames: [],
      series: [{ labelValues: [], value: 1 }],
    },
    {
      type: 'histogram',
      name: 'latency_seconds',
      help: 'Latency.',
      unit: 'seconds',
      labelNames: [],
      upperBounds: [0.1, 1],
      series: [{ labelValues: [], bucketCounts: [1, 2, 3], sum: 2.5, count: 3, created: CREATED }],
    },
    {
      type: 'summary',
      name: 'size_bytes',
      help: 'Sizes.',
      unit: 'bytes',
      labelNames: ['kind'],
      quantiles: [0.5],
      series: [{ labelValues: ['x'], quantileValues: [10], sum: 30, count: 3, created: CREATED }],
    },
    {
      type: 'info',
      name: 'build',
      help: 'The info label "version" beats the default of that name.',
      unit: '',
      labelNames: [],
      series: [{ labelValues: [], infoNames: ['version', 'commit'], infoValues: ['2.0.0', 'abc123'] }],
    },
    {
      type: 'stateset',
      name: 'phase',
      help: 'Phase.',
      unit: '',
      labelNames: [],
      states: ['a', 'b'],
      series: [{ labelValues: [], stateIndex: 0 }],
    },
  ],
  ['instance', 'region', 'version'],
  ['host-1', 'eu "west"', '1.0.0'],
);

/** One family of every type, for structure and payload-splitting tests. */
export const everything = snapshot(
  [
    ...counters.families,
    ...gauges.families,
    ...histograms.families,
    ...summaries.families,
    ...infos.families,
    ...statesets.families,
    ...escaping.families,
  ],
  ['instance'],
  ['host-1'],
);

export type TextFormat = 'prometheus' | 'openmetrics';

/** The snapshots with one golden file each, `<name>.<extension>`, in both text formats. */
export const GOLDEN_CASES = {
  counters,
  gauges,
  histograms,
  summaries,
  infos,
  statesets,
  escaping,
  defaultLabels,
  everything,
};

/**
 * One test per GOLDEN_CASES snapshot: `encode` must give the golden file
 * `<directory>/<name>.<extension>` byte for byte, and an exposition that passes `checkExposition`.
 */
export function goldenCaseTests(
  directory: string,
  extension: string,
  format: TextFormat,
  options: { eof: boolean },
  encode: (snap: Snapshot) => string | Uint8Array,
): void {
  for (const [name, snap] of Object.entries(GOLDEN_CASES)) {
    it(`${name}.${extension}`, () => {
      const out = encode(snap);
      assertGolden(`${directory}/${name}.${extension}`, out);
      checkExposition(typeof out === 'string' ? out : Buffer.from(out).toString('utf8'), format, options);
    });
  }
}

const SUFFIXES: Record<TextFormat, Record<string, readonly string[]>> = {
  prometheus: {
    counter: [''], // the TYPE line already names `x_total`
    gauge: [''],
    histogram: ['_bucket', '_sum', '_count'],
    summary: ['', '_sum', '_count'],
  },
  openmetrics: {
    counter: ['_total', '_created'],
    gauge: [''],
    histogram: ['_bucket', '_sum', '_count', '_created'],
    summary: ['', '_sum', '_count', '_created'],
    info: ['_info'],
    stateset: [''],
  },
};

/**
 * Checks one payload's structure: LF only and a final newline, metadata lines before every
 * sample of their family, at most one TYPE (and HELP/UNIT) per family, every sample belonging to
 * the family whose TYPE precedes it, and exactly `name[{labels}] value` per sample (no timestamp).
 */
export function checkExposition(text: string, format: TextFormat, options: { eof: boolean }): void {
  assert.ok(!text.includes('\r'), 'no carriage return anywhere');
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (format === 'openmetrics' && options.eof) assert.equal(lines.pop(), '# EOF', 'last line is # EOF');
  assert.ok(!lines.includes('# EOF'), '# EOF only as the very last line');
  const typed = new Set<string>();
  const metaSeen = new Set<string>();
  let family: { name: string; type: string } | undefined;
  let samplesInFamily = 0;
  let helpAwaitingType: string | undefined;
  for (const line of lines) {
    const meta = /^# (TYPE|HELP|UNIT) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      assert.ok(!metaSeen.has(`${kind} ${name}`), `one ${kind} per family: ${line}`);
      metaSeen.add(`${kind} ${name}`);
      if (kind === 'TYPE') {
        assert.ok(helpAwaitingType === undefined || helpAwaitingType === name, `HELP and TYPE name one family`);
        helpAwaitingType = undefined;
        assert.ok(!typed.has(name), `family ${name} is not split`);
        typed.add(name);
        family = { name, type: rest };
        samplesInFamily = 0;
      } else if (format === 'openmetrics') {
        // TYPE, UNIT, HELP, then samples.
        assert.equal(family?.name, name, `${kind} follows the TYPE of ${name}`);
        assert.equal(samplesInFamily, 0, `${kind} of ${name} before its samples`);
      } else {
        // 0.0.4 convention: HELP immediately before the TYPE of the same family.
        assert.equal(kind, 'HELP', 'no UNIT lines in 0.0.4');
        assert.ok(!typed.has(name), `HELP of ${name} before its TYPE`);
        helpAwaitingType = name;
      }
      continue;
    }
    assert.equal(helpAwaitingType, undefined, `a TYPE line follows HELP: ${line}`);
    assert.ok(!line.startsWith('#'), `no other comment lines: ${line}`);
    const sample =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*\})? (\S+)$/.exec(line);
    assert.ok(sample, `sample line is "name{labels} value" with no timestamp: ${line}`);
    assert.ok(family, `a TYPE line precedes the first sample: ${line}`);
    const name = sample[1]!;
    const allowed = (SUFFIXES[format][family.type] ?? ['']).map((suffix) => family!.name + suffix);
    assert.ok(allowed.includes(name), `sample ${name} belongs to family ${family.name} (${family.type})`);
    samplesInFamily++;
  }
}

/**
 * The snapshot as a pusher slices it for one request body: every family in pieces of at most
 * `perPiece` series (later pieces marked `continued`), `perSlice` pieces a slice, `last: false` on
 * every slice but the last.
 */
export function slices(whole: Snapshot, perPiece = 2, perSlice = 3): Snapshot[] {
  const pieces: MetricFamily[] = [];
  for (const family of whole.families) {
    const series = family.series as readonly unknown[];
    for (let from = 0; from === 0 || from < series.length; from += perPiece) {
      const piece = { ...family, series: series.slice(from, from + perPiece) } as MetricFamily;
      pieces.push(from > 0 ? { ...piece, continued: true } : piece);
    }
  }
  const out: Snapshot[] = [];
  for (let i = 0; i < pieces.length; i += perSlice) {
    const last = i + perSlice >= pieces.length;
    out.push({ ...whole, families: pieces.slice(i, i + perSlice), ...(last ? {} : { last: false }) });
  }
  return out;
}

/**
 * The sample lines of each histogram and summary series in an exposition: lines grouped by
 * family name and labels, without `le`/`quantile` and the `_bucket`/`_sum`/`_count`/`_created`
 * suffixes.
 */
export function seriesLines(text: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*?)(_bucket|_sum|_count|_created)?(\{.*\})? \S+$/.exec(line);
    if (sample === null || line.startsWith('#')) continue;
    const labels = (sample[3] ?? '').replace(/,?(le|quantile)="[^"]*"/, '').replace('{,', '{');
    const key = sample[1]! + (labels === '{}' ? '' : labels);
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  for (const [key, lines] of groups) {
    if (!lines.some((line) => /_bucket|quantile=|_sum/.test(line))) groups.delete(key);
  }
  return groups;
}
