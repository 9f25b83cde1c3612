// Core benchmarks against prom-client 15.1.3: the hot path (counters, histograms, summaries),
// Prometheus text exposition until bytes, and heap per series.
//
// Every row runs in its own child process (see run.js), so each function below starts from a
// clean V8: the type feedback gathered by one row cannot help or hurt another.
import promClient from 'prom-client';
import { need } from '../lib/ours.js';
import { hotPath, wholeOp, fullGc, latencies, toMs } from '../lib/timing.js';
import { PROM_BUCKETS, LABELS3, labels3, byteLength, counterRegistries } from '../lib/fixtures.js';

// Each side gets its own registry: prom-client's global registry is never touched, and ours is
// never the default push registry (which a real program would share with other code).
const promRegistry = () => new promClient.Registry();
const oursIn = (api, reg, Ctor, opts) => new Ctor({ ...opts, registry: reg });

// ---------------------------------------------------------------------------------------------
// Hot path. The ops are written exactly as a user would write them: a fresh label literal per
// call where the row says "per call", a child obtained once where it says "held".

async function counterLabelsPerCall(ctx) {
  const api = await need('Counter', 'Registry');
  const c = oursIn(api, new api.Registry(), api.Counter, { name: 'req', help: 'h', labelNames: ['method', 'code'] });
  const p = new promClient.Counter({
    name: 'req_total',
    help: 'h',
    labelNames: ['method', 'code'],
    registers: [promRegistry()],
  });
  return hotPath({
    ...ctx,
    ours: () => c.labels({ method: 'GET', code: '200' }).inc(),
    peer: () => p.labels({ method: 'GET', code: '200' }).inc(),
  });
}

async function counterHeldChild(ctx) {
  const api = await need('Counter', 'Registry');
  const c = oursIn(api, new api.Registry(), api.Counter, { name: 'req', help: 'h', labelNames: ['method', 'code'] });
  const p = new promClient.Counter({
    name: 'req_total',
    help: 'h',
    labelNames: ['method', 'code'],
    registers: [promRegistry()],
  });
  const oc = c.labels({ method: 'GET', code: '200' });
  const pc = p.labels({ method: 'GET', code: '200' });
  return hotPath({ ...ctx, ours: () => oc.inc(), peer: () => pc.inc() });
}

async function histogramNoLabels(ctx) {
  const api = await need('Histogram', 'Registry');
  const h = oursIn(api, new api.Registry(), api.Histogram, { name: 'lat', help: 'h', buckets: PROM_BUCKETS });
  const p = new promClient.Histogram({ name: 'lat', help: 'h', buckets: PROM_BUCKETS, registers: [promRegistry()] });
  return hotPath({ ...ctx, ours: (v) => h.observe(v), peer: (v) => p.observe(v) });
}

async function histogramLabelsPerCall(ctx) {
  const api = await need('Histogram', 'Registry');
  const h = oursIn(api, new api.Registry(), api.Histogram, {
    name: 'lat',
    help: 'h',
    buckets: PROM_BUCKETS,
    labelNames: ['method', 'code'],
  });
  const p = new promClient.Histogram({
    name: 'lat',
    help: 'h',
    buckets: PROM_BUCKETS,
    labelNames: ['method', 'code'],
    registers: [promRegistry()],
  });
  // Each library's idiomatic per-call form: prom-client takes the labels as observe's first argument.
  return hotPath({
    ...ctx,
    ours: (v) => h.labels({ method: 'GET', code: '200' }).observe(v),
    peer: (v) => p.observe({ method: 'GET', code: '200' }, v),
  });
}

async function summaryDefault(ctx) {
  const api = await need('Summary', 'Registry');
  // Both with their own defaults: prom-client 7 percentiles, no age window; ours as documented.
  const reg = new api.Registry();
  const s = oursIn(api, reg, api.Summary, { name: 'lat', help: 'h' });
  const p = new promClient.Summary({ name: 'lat', help: 'h', registers: [promRegistry()] });
  const res = hotPath({ ...ctx, ours: (v) => s.observe(v), peer: (v) => p.observe(v) });
  const ourQuantiles = reg.collect().families[0]?.quantiles ?? [];
  return {
    ...res,
    notes: [`default quantiles: ours [${ourQuantiles.join(', ')}], prom-client [${p.percentiles.join(', ')}]`],
  };
}

// ---------------------------------------------------------------------------------------------
// Exposition until bytes. Ours: registry.collect() + prometheusTextEncoder().encode() (already
// Uint8Array[]). prom-client: `await registry.metrics()` then Buffer.from inside the timing,
// because a string is not what a push sends.

async function fillCounters(api, n) {
  return counterRegistries(api, n);
}

async function fillHistograms(api, n) {
  const reg = new api.Registry();
  const h = oursIn(api, reg, api.Histogram, {
    name: 'http_request_duration_seconds',
    help: 'Request latency',
    labelNames: LABELS3,
    buckets: PROM_BUCKETS,
  });
  const preg = promRegistry();
  const p = new promClient.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Request latency',
    labelNames: LABELS3,
    buckets: PROM_BUCKETS,
    registers: [preg],
  });
  const vals = latencies();
  for (let i = 0; i < n; i++) {
    // Three observations per label set, so sums and bucket counts are ordinary non-zero numbers.
    for (let k = 0; k < 3; k++) {
      const v = vals[(i * 3 + k) & 1023];
      h.labels(labels3(i)).observe(v);
      p.observe(labels3(i), v);
    }
  }
  return { reg, preg };
}

async function exposition(ctx, fill) {
  const api = await need('Registry', 'Counter', 'Histogram', 'prometheusTextEncoder');
  const { reg, preg } = await fill(api, ctx.series);
  const enc = api.prometheusTextEncoder();
  const res = await wholeOp({
    ...ctx,
    ours: () => enc.encode(reg.collect()),
    peer: async () => Buffer.from(await preg.metrics()),
  });
  const oursBytes = byteLength(res.last.ours);
  const peerBytes = byteLength(res.last.peer);
  return {
    ...toMs(res),
    notes: [
      `bytes: ours ${oursBytes.toLocaleString('en')} in ${res.last.ours.length} payload(s), ` +
        `prom-client ${peerBytes.toLocaleString('en')}`,
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Heap per counter series: --expose-gc, two gc() before each heapUsed reading, code paths warmed
// on a throw-away registry first. The fixture builds each label set at call time, so the label
// strings count against whichever library keeps them.

async function heapPerCounterSeries(ctx) {
  const api = await need('Registry', 'Counter');
  const n = ctx.heapSeries;
  const buildOurs = (count) => {
    const reg = new api.Registry();
    const c = oursIn(api, reg, api.Counter, { name: 'http_requests', help: 'h', labelNames: LABELS3 });
    for (let i = 0; i < count; i++) c.labels(labels3(i)).inc();
    return reg;
  };
  const buildPeer = (count) => {
    const reg = promRegistry();
    const c = new promClient.Counter({ name: 'http_requests_total', help: 'h', labelNames: LABELS3, registers: [reg] });
    for (let i = 0; i < count; i++) c.labels(labels3(i)).inc();
    return reg;
  };
  const measure = (build) => {
    fullGc();
    const before = process.memoryUsage().heapUsed;
    let keep = build(n);
    fullGc();
    const after = process.memoryUsage().heapUsed;
    keep = null; // released before the next measurement
    return (after - before) / n;
  };
  // Warm both code paths (and V8's own lazily grown tables) on throw-away registries.
  buildOurs(Math.min(n, 20_000));
  buildPeer(Math.min(n, 20_000));
  const ours = [];
  const peer = [];
  for (let r = 0; r < ctx.runs; r++) {
    if (r % 2 === 0) {
      ours.push(measure(buildOurs));
      peer.push(measure(buildPeer));
    } else {
      peer.push(measure(buildPeer));
      ours.push(measure(buildOurs));
    }
  }
  return { ours, peer, ratio: peer.map((p, i) => p / ours[i]) };
}

// Row definitions: id → how to run it and how to print it. `target` is the minimum peer ÷ ours.
export const rows = {
  'counter-labels': {
    title: 'counter `labels({method,code}).inc()` per call',
    unit: 'ns/op',
    target: 4,
    run: counterLabelsPerCall,
  },
  'counter-child': { title: 'counter held child `inc()`', unit: 'ns/op', target: 25, run: counterHeldChild },
  histogram: { title: 'histogram `observe(v)`, no labels', unit: 'ns/op', target: 15, run: histogramNoLabels },
  'histogram-labels': {
    title: 'histogram with labels per call (`labels({..}).observe(v)` vs `observe({..}, v)`)',
    unit: 'ns/op',
    target: 8,
    run: histogramLabelsPerCall,
  },
  summary: { title: 'summary `observe(v)`, default quantiles', unit: 'ns/op', target: 3, run: summaryDefault },
  'expo-counter': {
    title: (ctx) => `Prometheus text, counter ${k(ctx.series)} series (3 labels), until bytes`,
    unit: 'ms',
    target: 20,
    run: (ctx) => exposition(ctx, fillCounters),
  },
  'expo-histogram': {
    title: (ctx) =>
      `Prometheus text, histogram ${k(ctx.series)} label sets (${k(ctx.series * 14)} series), until bytes`,
    unit: 'ms',
    target: 8,
    run: (ctx) => exposition(ctx, fillHistograms),
  },
  'heap-counter': {
    title: (ctx) => `heap per counter series (${k(ctx.heapSeries)} series, 3 labels)`,
    unit: 'B/series',
    target: 1,
    run: heapPerCounterSeries,
  },
};

function k(n) {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}
