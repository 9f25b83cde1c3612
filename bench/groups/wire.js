// Wire benchmarks: Influx line encoding vs @influxdata/influxdb-client, StatsD batch packing and
// sending vs hot-shots, and an HTTP push of Prometheus text vs prom-client's Pushgateway.
// The sinks are separate Node processes (sinks/), started and stopped by PID from here.
import http from 'node:http';
import { setImmediate as turn } from 'node:timers/promises';
import { Point } from '@influxdata/influxdb-client';
import StatsD from 'hot-shots';
import promClient from 'prom-client';
import { need, maybe } from '../lib/ours.js';
import { wholeOp, toMs, median } from '../lib/timing.js';
import { LABELS3, labels3, gaugeValues, byteLength, counterRegistries } from '../lib/fixtures.js';
import { startSink } from '../lib/sinks.js';

const oursIn = (api, reg, Ctor, opts) => new Ctor({ ...opts, registry: reg });

// ---------------------------------------------------------------------------------------------
// Influx line protocol, 10k series (3 tags + 1 float field), per series.
// Ours: registry.collect() + influxLineEncoder().encode() → bytes. Peer: what an influxdb-client
// user writes per series, `new Point(..).tag()×3.floatField()` + `toLineProtocol()`, with the tag
// values and numbers handed over ready-made (no registry, no lookups) and stopping at the line
// strings (no join, no bytes): the comparison is tilted towards the peer, never against it.

async function influxLine(ctx) {
  const api = await need('Registry', 'Gauge', 'influxLineEncoder');
  const n = ctx.series;
  const values = gaugeValues(n);
  const reg = new api.Registry();
  const g = oursIn(api, reg, api.Gauge, { name: 'jobs_queue_age_seconds', help: 'h', labelNames: LABELS3 });
  const tagSets = [];
  for (let i = 0; i < n; i++) {
    g.labels(labels3(i)).set(values[i]);
    tagSets.push(labels3(i));
  }
  // Both lines carry a nanosecond timestamp: ours the snapshot's (`timestamp: true`; the default
  // leaves stamping to the server), the peer a ready-made string it writes as given (without one,
  // influxdb-client would stamp each point from process.hrtime, a cost we do not want to charge
  // it). Our default flavour (VictoriaMetrics: empty measurement, field = metric name) is kept.
  const enc = api.influxLineEncoder({ timestamp: true });
  const ts = `${Date.now()}000000`;
  const peerLines = new Array(n);
  const res = await wholeOp({
    ...ctx,
    ours: () => enc.encode(reg.collect()),
    peer: () => {
      for (let i = 0; i < n; i++) {
        const t = tagSets[i];
        peerLines[i] = new Point('jobs_queue_age_seconds')
          .tag('method', t.method)
          .tag('path', t.path)
          .tag('status', t.status)
          .floatField('value', values[i])
          .timestamp(ts)
          .toLineProtocol();
      }
      return peerLines;
    },
  });
  const perSeries = (xs) => xs.map((x) => x / n);
  const firstLine = Buffer.from(res.last.ours[0]).toString('utf8').split('\n')[0];
  return {
    ours: perSeries(res.ours),
    peer: perSeries(res.peer),
    ratio: res.ratio,
    notes: [
      `our line: \`${firstLine}\`; influxdb-client: \`${res.last.peer[0]}\``,
      `bytes: ours ${byteLength(res.last.ours).toLocaleString('en')}, influxdb-client ` +
        `${res.last.peer.reduce((s, l) => s + l.length + 1, 0).toLocaleString('en')}`,
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// StatsD batch mode: a registry of 10k gauges, packed into ≤ 1432-byte datagrams and sent to a
// loopback UDP sink (a separate Node process with an 8 MiB receive buffer, one per contender).
// The contenders take turns sending all 10k gauges again and again (see `run` below); a side's
// clock stops when everything it sent has been handed to the kernel. Then the sinks are allowed
// to drain and we compare what each counted with what its side sent.
//
// Ours is what a user gets: the `statsdUdp` preset's `pushNow()` (collect, encode, then the batch
// pusher's sends, self-metrics included). The building blocks (statsdEncoder + udpTransport with
// every send in flight at once) run in the same phases as a diagnostic: the gap between the two
// is the cost of the pusher's way of sending, not of packing.

async function statsdUdp(ctx) {
  const api = await need('Registry', 'Gauge', 'statsdEncoder', 'udpTransport');
  const preset = await maybe('statsdUdp');
  const n = ctx.series;
  const values = gaugeValues(n);
  const names = Array.from({ length: n }, (_, i) => `jobs_queue_depth_${i}`);
  // Ten thousand unlabelled gauges: the StatsD line is then the same for both libraries
  // (`name:value|g`), so the comparison is about packing and sending, not about tag syntax.
  const reg = new api.Registry();
  for (let i = 0; i < n; i++) oursIn(api, reg, api.Gauge, { name: names[i], help: 'h' }).set(values[i]);

  // One sink process per contender, so each side's datagrams are counted apart and the sides can
  // take turns in short slices without waiting for a sink to drain in between.
  const sinks = { ours: await startSink('udp'), blocks: await startSink('udp'), peer: await startSink('udp') };
  const target = (side) => ({ host: '127.0.0.1', port: sinks[side].port });
  const enc = api.statsdEncoder({ maxPayloadBytes: 1432 });
  const transport = api.udpTransport(target('blocks'));
  const pusher = preset?.statsdUdp({ ...target('ours'), registry: reg, maxPayloadBytes: 1432 });
  const client = new StatsD({
    ...target('peer'),
    maxBufferSize: 1432,
    errorHandler: (err) => {
      throw err;
    },
  });

  let failures = 0;
  const pushBlocks = async () => {
    const payloads = enc.encode(reg.collect());
    const results = await Promise.all(payloads.map((p) => transport.send(p)));
    for (const r of results) if (!r.ok) failures++;
  };
  const pushPreset = pusher ? () => pusher.pushNow() : pushBlocks;
  // The same 10k gauges through hot-shots: calls in batches of 500, then one event-loop turn so
  // its sends get out (as in the project's baseline method); flush(cb) at the end of the run.
  const pushPeer = async () => {
    for (let i = 0; i < n; i++) {
      client.gauge(names[i], values[i]);
      if (i % 500 === 499) await turn();
    }
  };
  const flushPeer = () => new Promise((resolve) => client.flush(resolve));
  const noFlush = async () => {};

  // A run gives each side `phaseMs` in all, in SLICES turns of phaseMs / SLICES taken in rotation
  // (ours, blocks, peer, then blocks, peer, ours…): the machine's speed drifts over seconds on a
  // shared host, and short alternating turns let every side run under the same conditions.
  // Each side's clock counts only its own turns, plus its final flush.
  const SLICES = 10;
  const run = async (r, contenders) => {
    for (const side of Object.keys(sinks)) await sinks[side].reset();
    const spent = { ours: 0n, blocks: 0n, peer: 0n };
    const pushes = { ours: 0, blocks: 0, peer: 0 };
    const sliceNs = (ctx.phaseMs * 1e6) / SLICES;
    for (let s = 0; s < SLICES; s++) {
      for (let k = 0; k < contenders.length; k++) {
        const [side, push] = contenders[(r + s + k) % contenders.length];
        const t0 = process.hrtime.bigint();
        do {
          await push();
          pushes[side]++;
        } while (Number(process.hrtime.bigint() - t0) < sliceNs);
        spent[side] += process.hrtime.bigint() - t0;
      }
    }
    const out = {};
    for (const [side, , flush] of contenders) {
      const t0 = process.hrtime.bigint();
      await flush();
      spent[side] += process.hrtime.bigint() - t0;
      const got = await sinks[side].settle('metrics');
      const sent = pushes[side] * n;
      out[side] = {
        rate: sent / (Number(spent[side]) / 1e9),
        received: got.metrics / sent,
        datagrams: got.datagrams,
        sent,
      };
    }
    return out;
  };

  try {
    // Warm-up: a few pushes each, so nothing is timed while being compiled.
    for (let i = 0; i < 3; i++) await pushPreset();
    for (let i = 0; i < 3; i++) await pushBlocks();
    for (let i = 0; i < 3; i++) await pushPeer();
    await flushPeer();
    for (const side of Object.keys(sinks)) await sinks[side].settle('metrics');

    const contenders = [
      ['ours', pushPreset, noFlush],
      ['blocks', pushBlocks, noFlush],
      ['peer', pushPeer, flushPeer],
    ];
    const res = { ours: [], blocks: [], peer: [] };
    for (let r = 0; r < ctx.runs; r++) {
      const out = await run(r, contenders);
      for (const side of Object.keys(res)) res[side].push(out[side]);
    }
    const range = (xs, f) => {
      const v = xs.map(f);
      return `${Math.min(...v).toFixed(4)}–${Math.max(...v).toFixed(4)}`;
    };
    const perDatagram = (xs) =>
      (xs.reduce((s, x) => s + x.sent * x.received, 0) / xs.reduce((s, x) => s + x.datagrams, 0)).toFixed(1);
    const rate = (xs) => `${(median(xs.map((x) => x.rate)) / 1e6).toFixed(2)}M/s`;
    return {
      ours: res.ours.map((x) => x.rate),
      peer: res.peer.map((x) => x.rate),
      ratio: res.ours.map((x, i) => x.rate / res.peer[i].rate),
      notes: [
        `ours measured through ${pusher ? 'the `statsdUdp` preset, `pushNow()`' : 'statsdEncoder + udpTransport (no preset yet)'}` +
          `; building blocks with all sends in flight at once: ${rate(res.blocks)} ` +
          `(${(median(res.blocks.map((x, i) => x.rate / res.peer[i].rate)) || 0).toFixed(2)}× hot-shots)`,
        `received ÷ sent: ours ${range(res.ours, (x) => x.received)}, blocks ${range(res.blocks, (x) => x.received)}, ` +
          `hot-shots ${range(res.peer, (x) => x.received)}` +
          (failures > 0 ? `; ${failures} of the blocks' sends failed` : ''),
        `metrics per datagram: ours ${perDatagram(res.ours)}, hot-shots ${perDatagram(res.peer)}; ` +
          `sink SO_RCVBUF ${sinks.ours.recvBufferSize} B; each run: ${SLICES} turns per side in rotation`,
      ],
    };
  } finally {
    client.close();
    await pusher?.stop();
    await transport.close();
    for (const sink of Object.values(sinks)) sink.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP push of a 10k-series registry (counter, 3 labels) in Prometheus text to a local sink over
// keep-alive. Ours is what a user gets: the `pushgateway` preset's `pushNow()` with method POST
// (collect + prometheusTextEncoder + its retrying httpTransport, self-metrics included); before
// the preset existed, the building blocks. Peer: prom-client
// `new Pushgateway(url, {}, registry).pushAdd()` (also a POST, on Node's keep-alive global agent).
// Each side pushes to its own sink process so requests, bytes and connections are counted apart.

async function httpPush(ctx) {
  const api = await need('Registry', 'Counter', 'prometheusTextEncoder', 'httpTransport');
  const preset = await maybe('pushgateway');
  const n = ctx.series;
  const { reg, preg } = counterRegistries(api, n);

  const [oursSink, peerSink] = [await startSink('http'), await startSink('http')];
  const base = `http://127.0.0.1:${oursSink.port}`;
  let pushOurs;
  let close;
  if (preset) {
    const pusher = preset.pushgateway({ url: base, job: 'bench', method: 'POST', registry: reg });
    pushOurs = () => pusher.pushNow();
    close = () => pusher.stop();
  } else {
    const enc = api.prometheusTextEncoder();
    const transport = api.httpTransport({ url: `${base}/metrics/job/bench` });
    pushOurs = async () => {
      for (const payload of enc.encode(reg.collect())) {
        const r = await transport.send(payload, { method: 'POST' });
        if (!r.ok) throw r.error;
      }
    };
    close = () => transport.close();
  }
  const gateway = new promClient.Pushgateway(`http://127.0.0.1:${peerSink.port}`, {}, preg);
  try {
    const res = await wholeOp({
      ...ctx,
      // HTTP pushes only reach their steady pace after ~1 s (node:http's own paths get
      // optimised, and a new connection starts slower): a bare keep-alive POST of this body took
      // 0.9–1.0 ms in its first 100 ms and 0.3 ms after 1–2 s. A pusher lives for the whole job,
      // so each side warms up for 1 s, not just the 100 ms of the other rows.
      warmupMs: Math.max(ctx.sampleMs, 1000),
      ours: pushOurs,
      peer: () => gateway.pushAdd({ jobName: 'bench' }),
      // Connections opened during warm-up are fine; count what the timed pushes open.
      afterWarmup: async () => {
        await oursSink.reset();
        await peerSink.reset();
      },
    });
    const [o, q] = [await oursSink.stats(), await peerSink.stats()];
    const floor = await sendFloor(ctx, oursSink.port, Math.round(o.bytes / o.requests));
    const peerMs = median(res.peer) / 1e6;
    return {
      ...toMs(res),
      notes: [
        `floor: just sending a ready ${Math.round(o.bytes / o.requests).toLocaleString('en')}-byte body to the same ` +
          `sink (bare node:http keep-alive POST, nothing to collect or encode) takes ${floor.toFixed(2)} ms ` +
          `(median); prom-client's median push ÷ that floor = ${(peerMs / floor).toFixed(1)}×, the most any client ` +
          `could reach here; at 15× a push may take ${(peerMs / 15).toFixed(2)} ms, leaving ` +
          `${(peerMs / 15 - floor).toFixed(2)} ms for collect + encode`,
        `ours measured through ${preset ? 'the `pushgateway` preset (method POST), `pushNow()`' : 'prometheusTextEncoder + httpTransport (no preset yet)'}`,
        `bytes per push: ours ${Math.round(o.bytes / o.requests).toLocaleString('en')}, ` +
          `prom-client ${Math.round(q.bytes / q.requests).toLocaleString('en')}`,
        `new TCP connections during the timed pushes: ours ${o.connections} (${o.requests} requests), ` +
          `prom-client ${q.connections} (${q.requests} requests)`,
      ],
    };
  } finally {
    await close();
    oursSink.stop();
    peerSink.stop();
  }
}

/**
 * The floor of an HTTP push here: a bare keep-alive POST of a ready body of `size` bytes to the
 * sink, until its answer. Median over batches like wholeOp's, in ms.
 */
async function sendFloor(ctx, port, size) {
  const agent = new http.Agent({ keepAlive: true, scheduling: 'lifo' });
  const body = Buffer.alloc(size, 0x61);
  const post = () =>
    new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port,
        path: '/metrics/job/floor',
        method: 'POST',
        agent,
        headers: { 'content-type': 'text/plain', 'content-length': String(size) },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  try {
    const res = await wholeOp({ ...ctx, ours: post, peer: post });
    return median([...res.ours, ...res.peer]) / 1e6;
  } finally {
    agent.destroy();
  }
}

export const rows = {
  'influx-line': {
    title: (ctx) => `Influx line encoding, ${ctx.series / 1000}k series (3 tags + 1 float), per series`,
    unit: 'ns/series',
    target: 4,
    run: influxLine,
  },
  'statsd-udp': {
    title: (ctx) => `StatsD batch, ${ctx.series / 1000}k gauges → loopback UDP sink (maxBufferSize 1432)`,
    unit: 'metrics/s',
    target: 4,
    run: statsdUdp,
  },
  'http-push': {
    title: (ctx) => `HTTP push, ${ctx.series / 1000}k series Prometheus text (vs Pushgateway.pushAdd), per push`,
    unit: 'ms',
    target: 15,
    run: httpPush,
  },
};
