// Push-side benchmarks (issue 5 §8): how long one periodic push of 100k series blocks the event
// loop, the CPU a push costs, and streaming StatsD throughput. Ours and the peer run in the same
// (fresh) process, interleaved run by run; sinks are separate Node processes (sinks/).
import { setImmediate as turn } from 'node:timers/promises';
import StatsD from 'hot-shots';
import promClient from 'prom-client';
import { need, maybe } from '../lib/ours.js';
import { median, latencies } from '../lib/timing.js';
import { LABELS3, labels3, counterRegistries } from '../lib/fixtures.js';
import { startSink } from '../lib/sinks.js';
import { longestBlock, cpuOf } from '../lib/loop.js';

/** An encoder that counts its encode() calls (one per slice), keeping the wrapped one's declarations. */
function countingEncoder(inner) {
  const counter = { calls: 0 };
  const encoder = Object.create(inner);
  encoder.encode = (snapshot) => {
    counter.calls++;
    return inner.encode(snapshot);
  };
  return { encoder, counter };
}

const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

// ---------------------------------------------------------------------------------------------
// Largest event-loop block during one periodic push of 100k counter series (3 labels) as
// Prometheus text over HTTP to a loopback sink. Ours: periodicPusher + prometheusTextEncoder +
// httpTransport with `slicing: { framing: 'body' }` (collect + encode in slices, one per
// event-loop turn, the body streamed with chunked encoding while the next slice is encoded).
// Peer: prom-client `Pushgateway.pushAdd()`, whose `registry.metrics()` renders the whole
// registry in one synchronous stretch. The block is measured directly (a setImmediate probe: the
// longest gap between two loop iterations); the target is absolute: ≤ 20 ms for ours.

async function pushEventLoop(ctx) {
  const api = await need('Registry', 'Counter', 'prometheusTextEncoder', 'httpTransport', 'periodicPusher');
  const preset = await maybe('pushgateway');
  const n = ctx.heapSeries;
  const { reg, preg } = counterRegistries(api, n);
  const [oursSink, peerSink, presetSink] = [await startSink('http'), await startSink('http'), await startSink('http')];
  const { encoder, counter: slices } = countingEncoder(api.prometheusTextEncoder());
  const ours = api.periodicPusher({
    registry: reg,
    encoder,
    transport: api.httpTransport({ url: `http://127.0.0.1:${oursSink.port}/metrics/job/bench` }),
    slicing: { framing: 'body' },
    sendOptions: { method: 'POST' },
    selfMetrics: false,
  });
  const gateway = new promClient.Pushgateway(`http://127.0.0.1:${peerSink.port}`, {}, preg);
  const pushPreset = preset?.pushgateway({
    url: `http://127.0.0.1:${presetSink.port}`,
    job: 'bench',
    method: 'POST',
    registry: reg,
    selfMetrics: false,
  });
  const pushOurs = async () => {
    const before = slices.calls;
    await ours.pushNow();
    return slices.calls - before;
  };
  const pushPeer = () => gateway.pushAdd({ jobName: 'bench' });
  try {
    // The very first push: label text is rendered and cached for every series, code is cold.
    const cold = await longestBlock(pushOurs);
    for (let i = 0; i < 3; i++) {
      await pushOurs();
      await pushPeer();
    }
    const res = { ours: [], peer: [], oursHist: [], peerHist: [], oursWall: [], peerWall: [], slices: [] };
    for (let r = 0; r < ctx.runs; r++) {
      const order = r % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours'];
      for (const side of order) {
        const m = await longestBlock(side === 'ours' ? pushOurs : pushPeer);
        res[side].push(m.blockMs);
        res[`${side}Hist`].push(m.histogramMaxMs);
        res[`${side}Wall`].push(m.wallMs);
        if (side === 'ours') res.slices.push(m.result);
      }
    }
    let presetNote = 'the `pushgateway` preset is not available';
    if (pushPreset !== undefined) {
      for (let i = 0; i < 2; i++) await pushPreset.pushNow();
      const blocks = [];
      for (let i = 0; i < Math.max(3, Math.min(ctx.runs, 5)); i++) {
        blocks.push((await longestBlock(() => pushPreset.pushNow())).blockMs);
      }
      presetNote =
        `the \`pushgateway\` preset as wired today: largest block ${fmt(median(blocks))} ms ` +
        `(${encoder.sliceFraming === undefined ? 'prometheusTextEncoder declares no sliceFraming, so it is not sliced' : `encoder sliceFraming '${encoder.sliceFraming}'`})`;
    }
    const o = await oursSink.stats();
    const q = await peerSink.stats();
    return {
      ours: res.ours,
      peer: res.peer,
      ratio: res.ours.map((x, i) => res.peer[i] / x),
      notes: [
        `ours: periodicPusher + prometheusTextEncoder + httpTransport, slicing { framing: 'body' }; ` +
          `${median(res.slices)} slices per push (median); wall time per push ${fmt(median(res.oursWall))} ms, ` +
          `prom-client ${fmt(median(res.peerWall))} ms`,
        `first (cold) push of ours: largest block ${fmt(cold.blockMs)} ms in ${cold.result} slices ` +
          `(every series' label text rendered and cached; code not yet optimised)`,
        `monitorEventLoopDelay (1 ms resolution) max: ours ${fmt(median(res.oursHist))} ms, ` +
          `prom-client ${fmt(median(res.peerHist))} ms (it only sees the delays of its own timer)`,
        presetNote,
        `bytes per push: ours ${Math.round(o.bytes / o.requests).toLocaleString('en')}, ` +
          `prom-client ${Math.round(q.bytes / q.requests).toLocaleString('en')}`,
      ],
    };
  } finally {
    await ours.stop();
    await pushPreset?.stop();
    oursSink.stop();
    peerSink.stop();
    presetSink.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// CPU per push: process.cpuUsage() (user + system, every thread of this process: V8's helper
// threads and the libuv pool included) across one push, from the call until the sink's answer,
// for a 10k-series counter registry as Prometheus text. Ours: the `pushgateway` preset's
// `pushNow()` (method POST, what a user gets), or the building blocks before the preset existed.
// Peer: prom-client `Pushgateway.pushAdd()`. Each run times a batch of pushes per side (≥ 3 and
// ≥ sampleMs), the batch's figure being its median push. The sinks' CPU is not counted (they are
// other processes).

async function pushCpu(ctx) {
  const api = await need('Registry', 'Counter', 'prometheusTextEncoder', 'httpTransport', 'periodicPusher');
  const preset = await maybe('pushgateway');
  const n = ctx.series;
  const { reg, preg } = counterRegistries(api, n);
  const [oursSink, peerSink] = [await startSink('http'), await startSink('http')];
  const base = `http://127.0.0.1:${oursSink.port}`;
  const ours = preset
    ? preset.pushgateway({ url: base, job: 'bench', method: 'POST', registry: reg })
    : api.periodicPusher({
        registry: reg,
        encoder: api.prometheusTextEncoder(),
        transport: api.httpTransport({ url: `${base}/metrics/job/bench` }),
        sendOptions: { method: 'POST' },
      });
  const gateway = new promClient.Pushgateway(`http://127.0.0.1:${peerSink.port}`, {}, preg);
  const sides = { ours: () => ours.pushNow(), peer: () => gateway.pushAdd({ jobName: 'bench' }) };
  const batch = async (fn) => {
    const cpu = [];
    const wall = [];
    const start = performance.now();
    while (cpu.length < 3 || performance.now() - start < ctx.sampleMs) {
      const m = await cpuOf(fn);
      cpu.push(m.cpuMs);
      wall.push(m.wallMs);
    }
    return { cpu: median(cpu), wall: median(wall) };
  };
  try {
    await batch(sides.ours);
    await batch(sides.peer);
    const res = { ours: [], peer: [], oursWall: [], peerWall: [] };
    for (let r = 0; r < ctx.runs; r++) {
      for (const side of r % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours']) {
        const m = await batch(sides[side]);
        res[side].push(m.cpu);
        res[`${side}Wall`].push(m.wall);
      }
    }
    return {
      ours: res.ours,
      peer: res.peer,
      ratio: res.ours.map((x, i) => res.peer[i] / x),
      notes: [
        `ours measured through ${preset ? 'the `pushgateway` preset (method POST), `pushNow()`' : 'periodicPusher + prometheusTextEncoder + httpTransport'}; ` +
          `${n.toLocaleString('en')} series; wall time per push: ours ${median(res.oursWall).toFixed(2)} ms, ` +
          `prom-client ${median(res.peerWall).toFixed(2)} ms`,
        `CPU ÷ wall: ours ${(median(res.ours) / median(res.oursWall)).toFixed(2)}, prom-client ` +
          `${(median(res.peer) / median(res.peerWall)).toFixed(2)} (above 1: helper threads, e.g. GC, worked in parallel)`,
      ],
    };
  } finally {
    await ours.stop();
    oursSink.stop();
    peerSink.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Streaming StatsD: metric changes per second synced to a loopback UDP sink (a separate process
// with an 8 MiB receive buffer that adds up counter values). Ours: the `statsdUdpStream` preset
// (or streamingPusher + statsdEncoder + udpTransport), every change queued and sent per
// event-loop turn in ≤ 1432-byte datagrams. Peer: hot-shots with maxBufferSize 1432. Both get
// the same calls in batches of 500 with an event-loop turn between (so their sends get out),
// for `phaseMs`; the clock stops when everything is handed to the kernel (ours: pushNow()
// resolved; hot-shots: flush(cb)). Then the sink drains and "received ÷ sent" is checked: for
// observations, lines received ÷ observations made; for increments, the sum of the `|c` values
// received ÷ increments made (ours adds up the increments of a series within one turn).
// 1024 distinct label sets (method, path, status), the same prebuilt objects for both sides.

const BATCH = 500;

function streamRow(kind) {
  return async (ctx) => {
    const api = await need('Registry', 'Counter', 'Histogram');
    const preset = await maybe('statsdUdpStream');
    const blocks = preset ? undefined : await need('streamingPusher', 'statsdEncoder', 'udpTransport');
    const sink = await startSink('statsd');
    const target = { host: '127.0.0.1', port: sink.port };
    const reg = new api.Registry();
    const tags = Array.from({ length: 1024 }, (_, i) => labels3(i));
    const values = latencies();
    let change;
    let peerChange;
    const client = new StatsD({
      ...target,
      maxBufferSize: 1432,
      errorHandler: (err) => {
        throw err;
      },
    });
    if (kind === 'observe') {
      const h = new api.Histogram({
        name: 'http_request_duration_seconds',
        help: 'h',
        labelNames: LABELS3,
        registry: reg,
      });
      change = (i) => h.labels(tags[i & 1023]).observe(values[i & 1023]);
      peerChange = (i) => client.timing('http_request_duration_seconds', values[i & 1023] * 1000, tags[i & 1023]);
    } else {
      const c = new api.Counter({ name: 'http_requests', help: 'h', labelNames: LABELS3, registry: reg });
      change = (i) => c.labels(tags[i & 1023]).inc();
      peerChange = (i) => client.increment('http_requests_total', 1, tags[i & 1023]);
    }
    // Its own self-metrics registry, to tell changes the pusher dropped (full buffer) from
    // datagrams lost on the way.
    const self = new api.Registry();
    const pusher = preset
      ? preset.statsdUdpStream({ ...target, registry: reg, maxPayloadBytes: 1432, selfMetrics: self })
      : blocks.streamingPusher({
          mode: 'statsd',
          registry: reg,
          encoder: blocks.statsdEncoder({ maxPayloadBytes: 1432 }),
          transport: blocks.udpTransport(target),
          selfMetrics: self,
        });
    const droppedByPusher = () =>
      self
        .collect()
        .families.filter((f) => f.name.endsWith('_dropped'))
        .flatMap((f) => f.series)
        .reduce((sum, x) => sum + x.value, 0);
    pusher.start();
    // Each side gets its own `new Function` loop, so neither call site sees the other's closure.
    const loop = () => new Function('change', 'from', 'n', `for (let i = from; i < from + n; i++) change(i);`);
    const loopOurs = loop();
    const loopPeer = loop();
    const sides = {
      ours: { run: (from) => loopOurs(change, from, BATCH), flush: () => pusher.pushNow() },
      peer: {
        run: (from) => loopPeer(peerChange, from, BATCH),
        flush: () => new Promise((resolve) => client.flush(resolve)),
      },
    };
    const phase = async (side, ms) => {
      await sink.reset();
      const droppedBefore = droppedByPusher();
      let made = 0;
      const t0 = process.hrtime.bigint();
      do {
        side.run(made);
        made += BATCH;
        await turn();
      } while (Number(process.hrtime.bigint() - t0) < ms * 1e6);
      await side.flush();
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const got = await sink.settle('datagrams');
      const received = kind === 'observe' ? got.otherLines : got.counterSum;
      // "Synced" means received: a change lost on the way does not count.
      return {
        rate: Math.min(made, received) / seconds,
        received: received / made,
        lines: got.metrics,
        datagrams: got.datagrams,
        made,
        dropped: side === sides.ours ? droppedByPusher() - droppedBefore : 0,
      };
    };
    try {
      await phase(sides.ours, Math.max(50, ctx.phaseMs / 4));
      await phase(sides.peer, Math.max(50, ctx.phaseMs / 4));
      const res = { ours: [], peer: [] };
      for (let r = 0; r < ctx.runs; r++) {
        for (const side of r % 2 === 0 ? ['ours', 'peer'] : ['peer', 'ours']) {
          res[side].push(await phase(sides[side], ctx.phaseMs));
        }
      }
      const range = (xs) => {
        const v = xs.map((x) => x.received);
        return `${Math.min(...v).toFixed(4)}–${Math.max(...v).toFixed(4)}`;
      };
      const per = (xs, f) => median(xs.map(f)).toFixed(1);
      return {
        ours: res.ours.map((x) => x.rate),
        peer: res.peer.map((x) => x.rate),
        ratio: res.ours.map((x, i) => x.rate / res.peer[i].rate),
        notes: [
          `ours measured through ${preset ? 'the `statsdUdpStream` preset' : 'streamingPusher + statsdEncoder + udpTransport'}; ` +
            `${kind === 'observe' ? '`h.labels(tags).observe(v)` vs hot-shots `timing(name, ms, tags)`' : '`c.labels(tags).inc()` vs hot-shots `increment(name, 1, tags)`'}`,
          `received ÷ sent: ours ${range(res.ours)}, hot-shots ${range(res.peer)}` +
            (res.ours.some((x) => x.received < 1) || res.peer.some((x) => x.received < 1)
              ? ` (LOSS: only what arrived counts in the rates; changes dropped by our pusher for a full buffer: ` +
                `${res.ours.reduce((sum, x) => sum + x.dropped, 0).toLocaleString('en')}, the rest lost on the way ` +
                `to a sink that did not get enough CPU)`
              : ''),
          `lines per change: ours ${per(res.ours, (x) => x.lines / x.made)}, hot-shots ${per(res.peer, (x) => x.lines / x.made)}; ` +
            `lines per datagram: ours ${per(res.ours, (x) => x.lines / x.datagrams)}, hot-shots ${per(res.peer, (x) => x.lines / x.datagrams)}`,
        ],
      };
    } finally {
      client.close();
      await pusher.stop();
      sink.stop();
    }
  };
}

export const rows = {
  'push-eventloop-100k': {
    title: (ctx) =>
      `Largest event-loop block during one push, ${ctx.heapSeries / 1000}k counter series (vs Pushgateway.pushAdd)`,
    unit: 'ms',
    // Absolute: our median must be at most this; the ratio is shown for information.
    maxOurs: 20,
    run: pushEventLoop,
  },
  'push-cpu': {
    title: (ctx) => `CPU per push, ${ctx.series / 1000}k series Prometheus text over HTTP (vs Pushgateway.pushAdd)`,
    unit: 'CPU ms',
    target: 10,
    run: pushCpu,
  },
  'stream-statsd-observe': {
    title: 'Streaming StatsD, histogram observations → loopback UDP sink (vs hot-shots, maxBufferSize 1432)',
    unit: 'changes/s',
    target: 3,
    run: streamRow('observe'),
  },
  'stream-statsd-inc': {
    title: 'Streaming StatsD, labelled counter increments → loopback UDP sink (vs hot-shots, maxBufferSize 1432)',
    unit: 'changes/s',
    target: 3,
    run: streamRow('inc'),
  },
};
