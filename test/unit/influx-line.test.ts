// Influx line protocol encoder: golden files for both flavours (test/golden/influx/*.lp; payloads
// of one encode are separated by PAYLOAD_SEPARATOR, see encoding-fixtures.ts) plus exact-byte
// checks of each rule. `UPDATE_GOLDEN=1` rewrites the golden files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  escapeInfluxKey,
  escapeInfluxMeasurement,
  escapeVmKey,
  formatTimestamp,
  influxLineEncoder,
} from '../../src/encoding/influx-line.js';
import type { PayloadTooLargeError } from '../../src/errors.js';
import type { MetricFamily } from '../../src/model/snapshot.js';
import {
  ALL_TYPES,
  NASTY,
  TIMESTAMP_MS,
  assertGolden,
  gaugePair,
  gauges,
  lines,
  singleState,
  snapshot,
  text,
} from './encoding-fixtures.js';

describe('influxLineEncoder, victoriametrics flavour', () => {
  it('writes every metric type with an empty measurement (golden)', () => {
    const skipped: number[] = [];
    const encoder = influxLineEncoder({ onSkip: (n) => skipped.push(n) });
    assertGolden('influx/vm-all-types.lp', encoder.encode(ALL_TYPES));
    assert.deepEqual(skipped, [], 'VictoriaMetrics takes inf/nan, nothing is skipped');
  });

  it('escapes nasty tag values so that VictoriaMetrics reads them back exactly (golden)', () => {
    assertGolden('influx/vm-nasty.lp', influxLineEncoder().encode(NASTY));
  });

  it('starts a line without tags with the space that ends the empty measurement', () => {
    const out = influxLineEncoder().encode(snapshot([gauges('g', 'l', [['', 1]])]));
    assert.equal(lines(out), ' g=1\n');
  });

  it('writes the Prometheus sample names unchanged, underscores or not', () => {
    const family: MetricFamily = {
      type: 'counter',
      name: 'x',
      help: '',
      unit: '',
      labelNames: [],
      series: [{ labelValues: [], value: 7, created: 0 }],
    };
    const out = influxLineEncoder().encode(snapshot([family, gauges('up', 'job', [['u', 1]])]));
    assert.equal(lines(out), ' x_total=7\n,job=u up=1\n');
  });

  it('renders non-finite values as inf, -inf, nan', () => {
    const out = influxLineEncoder().encode(
      snapshot([
        gauges('v', 'k', [
          ['p', Infinity],
          ['n', -Infinity],
          ['q', NaN],
        ]),
      ]),
    );
    assert.equal(lines(out), ',k=p v=inf\n,k=n v=-inf\n,k=q v=nan\n');
  });

  it('prefixes a configured measurement (VictoriaMetrics stores measurement_name)', () => {
    const out = influxLineEncoder({ measurement: 'my app' }).encode(snapshot([gauges('g', 'l', [['x', 1]])]));
    assert.equal(lines(out), 'my\\ app,l=x g=1\n');
  });

  it('puts default labels after the family labels; an own label of the same name wins, even empty', () => {
    const out = influxLineEncoder().encode(
      snapshot([gauges('g', 'host', [['own', 1]]), gauges('h', 'job', [['', 2]])], { host: 'dflt', env: 'prod' }),
    );
    assert.equal(lines(out), ',host=own,env=prod g=1\n,host=dflt,env=prod h=2\n');
  });
});

describe('influxLineEncoder, influxdb flavour', () => {
  it('splits names at the last underscore, skips NaN/Inf and counts them (golden)', () => {
    const skipped: number[] = [];
    const encoder = influxLineEncoder({ flavor: 'influxdb', timestamp: true, onSkip: (n) => skipped.push(n) });
    assertGolden('influx/influxdb-all-types.lp', encoder.encode(ALL_TYPES));
    // up{zone=b} +Inf, up{zone=c} -Inf, up{zone=d} NaN, payload_bytes{quantile=0.5} NaN
    assert.deepEqual(skipped, [4]);
  });

  it('escapes nasty tag values the way InfluxDB 1.x reads them (golden)', () => {
    assertGolden('influx/influxdb-nasty.lp', influxLineEncoder({ flavor: 'influxdb' }).encode(NASTY));
  });

  it('uses the whole name as measurement and field `value` when there is no usable `_`', () => {
    const out = influxLineEncoder({ flavor: 'influxdb' }).encode(
      snapshot([gauges('up', 'k', [['a', 1]]), gauges('_x', 'k', [['b', 2]]), gauges('x_', 'k', [['c', 3]])]),
    );
    assert.equal(lines(out), 'up,k=a value=1\n_x,k=b value=2\nx_,k=c value=3\n');
  });

  it('with a configured measurement, writes the full sample name as the field', () => {
    const family: MetricFamily = {
      type: 'counter',
      name: 'jobs',
      help: '',
      unit: '',
      labelNames: ['q'],
      series: [{ labelValues: ['a'], value: 1, created: 0 }],
    };
    const out = influxLineEncoder({ flavor: 'influxdb', measurement: 'app,x' }).encode(snapshot([family]));
    assert.equal(lines(out), 'app\\,x,q=a jobs_total=1\n');
  });

  it('calls onSkip only when something was skipped', () => {
    const skipped: number[] = [];
    influxLineEncoder({ flavor: 'influxdb', onSkip: (n) => skipped.push(n) }).encode(
      snapshot([gauges('g', 'l', [['a', 1]])]),
    );
    assert.deepEqual(skipped, []);
  });
});

describe('influx escaping', () => {
  it('victoriametrics: space, comma, = escaped; every backslash doubled; CR/LF as \\r \\n', () => {
    assert.equal(escapeVmKey('plain'), 'plain');
    assert.equal(escapeVmKey('a b,c=d'), 'a\\ b\\,c\\=d');
    assert.equal(escapeVmKey('end\\'), 'end\\\\');
    assert.equal(escapeVmKey('C:\\dir'), 'C:\\\\dir');
    assert.equal(escapeVmKey('x\\,y'), 'x\\\\\\,y');
    assert.equal(escapeVmKey('a\nb\rc'), 'a\\nb\\rc');
    assert.equal(escapeVmKey('say "hi"'), 'say\\ "hi"');
  });

  it('influxdb: backslashes kept, a trailing one becomes _', () => {
    assert.equal(escapeInfluxKey('plain'), 'plain');
    assert.equal(escapeInfluxKey('a b,c=d'), 'a\\ b\\,c\\=d');
    assert.equal(escapeInfluxKey('C:\\dir'), 'C:\\dir');
    assert.equal(escapeInfluxKey('x\\,y'), 'x\\\\,y');
    assert.equal(escapeInfluxKey('end\\'), 'end_');
    assert.equal(escapeInfluxKey('end\\\\'), 'end\\_');
    assert.equal(escapeInfluxKey('a\nb\rc'), 'a\\nb\\rc');
    assert.equal(escapeInfluxKey('a\\\n'), 'a\\\\n');
  });

  it('influxdb measurement: only space and comma', () => {
    assert.equal(escapeInfluxMeasurement('a b,c=d'), 'a\\ b\\,c=d');
    assert.equal(escapeInfluxMeasurement('m\\'), 'm_');
  });

  it('never writes a trailing space or a raw newline inside a line', () => {
    for (const flavor of ['victoriametrics', 'influxdb'] as const) {
      for (const timestamp of [false, true]) {
        const out = lines(influxLineEncoder({ flavor, timestamp }).encode(NASTY));
        for (const line of out.slice(0, -1).split('\n')) {
          assert.ok(!line.endsWith(' '), `${flavor}: trailing space in ${JSON.stringify(line)}`);
          assert.ok(!line.includes('\r'), `${flavor}: raw CR in ${JSON.stringify(line)}`);
        }
        assert.equal(out.split('\n').length - 1, NASTY.families[0]!.series.length);
      }
    }
  });
});

describe('influx timestamps', () => {
  it('are off by default', () => {
    const out = influxLineEncoder().encode(snapshot([gauges('g', 'l', [['a', 1]])]));
    assert.equal(lines(out), ',l=a g=1\n');
  });

  it('are appended in each precision, from whole milliseconds', () => {
    const family = gauges('g', 'l', [['a', 1]]);
    const expected = {
      ns: '1700000000123000000',
      us: '1700000000123000',
      ms: '1700000000123',
      s: '1700000000',
    } as const;
    for (const precision of ['ns', 'us', 'ms', 's'] as const) {
      const encoder = influxLineEncoder({ timestamp: true, precision });
      assert.equal(encoder.precision, precision);
      assert.equal(encoder.precisionParam, precision === 'us' ? 'u' : precision);
      const out = encoder.encode({ ...snapshot([family]), timestampMs: TIMESTAMP_MS + 0.9 });
      assert.equal(lines(out), `,l=a g=1 ${expected[precision]}\n`, precision);
    }
  });

  it('defaults to ns and formats the epoch itself', () => {
    assert.equal(influxLineEncoder({ timestamp: true }).precision, 'ns');
    assert.equal(formatTimestamp(0, 'ns'), '0');
    assert.equal(formatTimestamp(999, 's'), '0');
  });
});

describe('influx framing', () => {
  it('is one payload by default', () => {
    assert.equal(influxLineEncoder().encode(ALL_TYPES).length, 1);
  });

  it('packs whole lines into 512-byte payloads (golden)', () => {
    const payloads = influxLineEncoder({ maxPayloadBytes: 512 }).encode(ALL_TYPES);
    assert.ok(payloads.length > 1);
    for (const p of payloads) assert.ok(p.byteLength <= 512);
    assertGolden('influx/vm-all-types-512.lp', payloads);
    assert.equal(lines(payloads), lines(influxLineEncoder().encode(ALL_TYPES)));
  });

  it('reports a line longer than the payload limit as ERR_PAYLOAD_TOO_LARGE and drops only it', () => {
    const errors: PayloadTooLargeError[] = [];
    const encoder = influxLineEncoder({ maxPayloadBytes: 1432, onOversize: (e) => errors.push(e) });
    const out = encoder.encode(
      snapshot([
        gauges('g', 'l', [
          ['a', 1],
          ['x'.repeat(1500), 2],
          ['b', 3],
        ]),
      ]),
    );
    // The lines around the dropped one stay in one payload.
    assert.deepEqual(text(out), [',l=a g=1\n,l=b g=3\n']);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.code, 'ERR_PAYLOAD_TOO_LARGE');
    assert.equal(errors[0]?.limit, 1432);
    assert.equal(errors[0]?.bytes, ',l= g=2\n'.length + 1500);
  });

  it('counts bytes, not UTF-16 units', () => {
    // ',l=é g=1\n' is 10 bytes: two such lines fit 20 bytes, not 18.
    const out = influxLineEncoder({ maxPayloadBytes: 19 }).encode(
      snapshot([
        gauges('g', 'l', [
          ['é', 1],
          ['é', 2],
        ]),
      ]),
    );
    assert.deepEqual(text(out), [',l=é g=1\n', ',l=é g=2\n']);
    // In the name (' é=1\n' is 6 bytes, 5 units) and in a state tag.
    const named = influxLineEncoder({ maxPayloadBytes: 11 }).encode(gaugePair('é'));
    assert.deepEqual(text(named), [' é=1\n', ' é=2\n']);
    const state = singleState('s', 'ü');
    // ',s=ü s=1\n' is 10 bytes, 9 units.
    const stated = influxLineEncoder({ maxPayloadBytes: 19 }).encode(snapshot([state, state]));
    assert.deepEqual(text(stated), [',s=ü s=1\n', ',s=ü s=1\n']);
    // In a default label.
    const defaulted = influxLineEncoder({ maxPayloadBytes: 19 }).encode(gaugePair('g', { d: 'é' }));
    assert.deepEqual(text(defaulted), [',d=é g=1\n', ',d=é g=2\n']);
  });
});

describe('influx series cache', () => {
  it('gives the same bytes on the second encode and notices new default labels', () => {
    const encoder = influxLineEncoder();
    const first = lines(encoder.encode(ALL_TYPES));
    assert.equal(lines(encoder.encode(ALL_TYPES)), first);
    const changed = { ...ALL_TYPES, defaultLabelValues: ['h2', 'batch', 'never'] };
    assert.equal(lines(encoder.encode(changed)), first.replaceAll('host=h1', 'host=h2'));
  });

  it('re-renders a series whose label names changed', () => {
    const encoder = influxLineEncoder();
    const values = ['v'];
    assert.equal(
      lines(encoder.encode(snapshot([{ ...gauges('g', 'a', []), series: [{ labelValues: values, value: 1 }] }]))),
      ',a=v g=1\n',
    );
    assert.equal(
      lines(encoder.encode(snapshot([{ ...gauges('g', 'b', []), series: [{ labelValues: values, value: 1 }] }]))),
      ',b=v g=1\n',
    );
  });
});
