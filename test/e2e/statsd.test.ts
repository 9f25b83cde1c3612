// Hand-written StatsD lines sent to a real Etsy statsd 0.9.0, read back from its flush events.
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tcpSend, udpSend } from './harness/net.js';
import { requireServer } from './harness/require-server.js';
import { startStatsd } from './harness/statsd.js';
import { useServer } from './harness/use-server.js';

const skip = requireServer('statsd');

describe('Etsy statsd 0.9: raw lines', { skip }, () => {
  const server = useServer('statsd', startStatsd);
  // Bad lines a test sends on purpose (and checks itself); every other line must parse.
  let expectedBadLines = 0;

  afterEach(() => {
    // statsd drops a bad line silently; its own statsd.bad_lines_seen counter is the only trace.
    assert.equal(server().badLinesSeen(), expectedBadLines);
  });

  it('counters: summed across packets and flushes, sample rates, several values per line', async () => {
    const window = server().window();
    await udpSend(server().udpPort, [
      'e2e.count:1|c\ne2e.count:2|c',
      'e2e.count:3|c',
      'e2e.rate:2|c|@0.5',
      'e2e.multi:1|c:2|c',
    ]);
    const totals = await window.received(5);
    assert.deepEqual(totals.counters, { 'e2e.count': 6, 'e2e.rate': 4, 'e2e.multi': 3 });
    assert.equal(totals.badLines, 0);
  });

  it('gauges: absolute values, +/- deltas, a negative value on a new gauge', async () => {
    const window = server().window();
    // One datagram: the order of lines is kept.
    await udpSend(server().udpPort, 'e2e.gauge:10|g\ne2e.gauge:+5|g\ne2e.gauge:-3|g\ne2e.neg:-7|g\ne2e.float:0.25|g');
    const totals = await window.received(5);
    assert.deepEqual(totals.gauges, { 'e2e.gauge': 12, 'e2e.neg': -7, 'e2e.float': 0.25 });
  });

  it('timers: raw values and the computed timer data', async () => {
    const window = server().window();
    await udpSend(server().udpPort, 'e2e.lat:100|ms\ne2e.lat:300|ms\ne2e.lat:200|ms\ne2e.lat:400|ms');
    const totals = await window.received(4);
    assert.deepEqual(totals.timers, { 'e2e.lat': [100, 200, 300, 400] });
    // All four arrive in one datagram, hence in one flush.
    const data = totals.flushes.find((f) => f.timer_data['e2e.lat'] !== undefined)?.timer_data['e2e.lat'];
    assert.ok(data);
    assert.deepEqual(
      {
        count: data['count'],
        lower: data['lower'],
        upper: data['upper'],
        sum: data['sum'],
        mean: data['mean'],
        median: data['median'],
        count_90: data['count_90'],
        upper_90: data['upper_90'],
        mean_90: data['mean_90'],
      },
      { count: 4, lower: 100, upper: 400, sum: 1000, mean: 250, median: 250, count_90: 4, upper_90: 400, mean_90: 250 },
    );
  });

  it('DogStatsD tags `|#k:v` become graphite tags in the key; other tag styles are mangled', async () => {
    const window = server().window();
    await udpSend(server().udpPort, [
      'e2e.tagged:1|c|#env:prod,region:eu-west',
      'e2e.tagged:2|c|@0.5|#env:prod,region:eu-west',
      'e2e.tg:5|g|#flag,k:v:w',
      // Influx-style tags are not understood: the sanitizer deletes `,` and keeps `=`.
      'e2e.influx,env=prod:1|c',
    ]);
    const totals = await window.received(4);
    assert.deepEqual(totals.counters, { 'e2e.tagged;env=prod;region=eu-west': 5, 'e2e.influxenv=prod': 1 });
    // A tag without a value stays bare; only a tag's first `:` becomes `=`, later ones are deleted.
    assert.deepEqual(totals.gauges, { 'e2e.tg;flag;k=vw': 5 });
  });

  it('sets and the TCP listener (newline-delimited)', async () => {
    const window = server().window();
    await tcpSend(server().tcpPort, 'e2e.users:alice|s\ne2e.users:bob|s\ne2e.users:alice|s\ne2e.tcp:7|c\n');
    const totals = await window.received(4);
    assert.deepEqual(totals.sets, { 'e2e.users': ['alice', 'bob'] });
    assert.deepEqual(totals.counters, { 'e2e.tcp': 7 });
  });

  it('bad lines are dropped and counted in statsd.bad_lines_seen (so the check after each test is live)', async () => {
    const window = server().window();
    await udpSend(server().udpPort, 'e2e.bad:abc|c\ne2e.bad:-5|ms\ne2e.ok:1|c');
    const totals = await window.received(3);
    expectedBadLines += 2;
    assert.equal(totals.badLines, 2);
    assert.deepEqual(totals.counters, { 'e2e.ok': 1 });
    assert.deepEqual(totals.timers, {});
  });
});
