// Timing primitives shared by every benchmark group.
//
// Method (the same as the one behind the project's published baselines):
// - each op gets its own `new Function` loop, so the loop's call site only ever sees one closure
//   and stays monomorphic: V8 can inline the op into it exactly as it would in user code;
// - ours and the peer run side by side in the same process, interleaved run by run (the order
//   alternates), so machine noise hits both alike and the per-run ratio peer ÷ ours is meaningful;
// - a run's sample is one timed loop sized to last about `sampleMs`.

/** Deterministic PRNG (mulberry32) so every run and every side sees the same values. */
export function rng(seed = 0x5eed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * 1024 latencies in seconds, log-uniform between 0.5 ms and 5 s: every default bucket
 * (0.005 … 10) gets hits, as request latencies would. A Float64Array keeps the loads cheap and
 * the values unboxed; the loop indexes it with `i & 1023`.
 */
export function latencies() {
  const next = rng(1024);
  const out = new Float64Array(1024);
  for (let i = 0; i < out.length; i++) out[i] = 0.0005 * Math.pow(10, 4 * next());
  return out;
}

/**
 * A fresh loop for one op. `new Function` gives every call its own SharedFunctionInfo, hence its
 * own type feedback: the loop for ours never sees the peer's closure and vice versa.
 */
export function makeLoop() {
  return new Function(
    'op',
    'vals',
    'n',
    `'use strict';
    for (let i = 0; i < n; i++) op(vals[i & 1023]);
    return n;`,
  );
}

const now = () => process.hrtime.bigint();

/** Runs `loop(op, vals, n)` once and returns the elapsed nanoseconds. */
export function timeLoop(loop, op, vals, n) {
  const t0 = now();
  loop(op, vals, n);
  return Number(now() - t0);
}

/**
 * Warms `op` up (so the optimizing compiler has run before anything is timed) and returns the
 * iteration count that makes one slice last about `sliceMs`.
 */
export function calibrate(loop, op, vals, sliceMs) {
  let n = 1024;
  const target = sliceMs * 1e6;
  const warmUntil = Date.now() + Math.max(50, 10 * sliceMs); // at least 50 ms of warm-up per side
  for (;;) {
    const ns = timeLoop(loop, op, vals, n);
    if (ns >= target / 4 && Date.now() >= warmUntil) {
      return Math.max(1024, Math.round((n * target) / ns));
    }
    if (ns < target / 4) n *= 2;
  }
}

/** Median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Each run is made of this many alternating slices per side (see hotPath). */
const SLICES = 10;

/**
 * Side-by-side hot-path benchmark: `ours` and `peer` are closures taking one value.
 *
 * A run alternates ours and the peer SLICES times, each slice a loop lasting about
 * `sampleMs / SLICES`; the run's figure for a side is its median slice. On a shared machine a
 * slice that got preempted is an outlier the median drops, and the two sides are always
 * measured within milliseconds of each other. Returns per-run ns/op for both sides and the
 * per-run ratio peer ÷ ours.
 */
export function hotPath({ ours, peer, runs, sampleMs, vals = latencies() }) {
  const loopOurs = makeLoop();
  const loopPeer = makeLoop();
  const sliceMs = sampleMs / SLICES;
  const nOurs = calibrate(loopOurs, ours, vals, sliceMs);
  const nPeer = calibrate(loopPeer, peer, vals, sliceMs);
  const oursNs = [];
  const peerNs = [];
  for (let r = 0; r < runs; r++) {
    const a = [];
    const b = [];
    for (let s = 0; s < SLICES; s++) {
      // Alternate the order so neither side always runs right after the other's garbage.
      if ((r + s) % 2 === 0) {
        a.push(timeLoop(loopOurs, ours, vals, nOurs) / nOurs);
        b.push(timeLoop(loopPeer, peer, vals, nPeer) / nPeer);
      } else {
        b.push(timeLoop(loopPeer, peer, vals, nPeer) / nPeer);
        a.push(timeLoop(loopOurs, ours, vals, nOurs) / nOurs);
      }
    }
    oursNs.push(median(a));
    peerNs.push(median(b));
  }
  return { ours: oursNs, peer: peerNs, ratio: peerNs.map((p, i) => p / oursNs[i]) };
}

/**
 * Side-by-side benchmark of a whole operation (an exposition, an encoding, a push) that takes
 * milliseconds. Each side is a function, possibly async, returning a result kept by the caller
 * for sanity checks (e.g. byte counts).
 *
 * A run times one batch of back-to-back calls per side (at least `minCalls`, and at least
 * `sampleMs` long), the sides alternating batch by batch and the order flipping every run, as
 * the hot-path slices do. Every call is timed on its own and the batch's figure is its median
 * call, in nanoseconds: a call that got preempted by another process is an outlier the median
 * drops. Back-to-back calls measure the op with warm caches, like the loops behind the
 * project's baselines. `afterWarmup` runs between the warm-up and the first timed run (e.g. to
 * reset a sink's counters). `warmupMs` (default `sampleMs`) is how long each side warms up.
 */
export async function wholeOp({
  ours,
  peer,
  runs,
  sampleMs,
  warmup = 3,
  warmupMs = sampleMs,
  minCalls = 3,
  afterWarmup,
}) {
  const last = {};
  const batch = async (side, fn, atLeast, ms = sampleMs) => {
    const times = [];
    const start = now();
    while (times.length < atLeast || Number(now() - start) < ms * 1e6) {
      const t0 = now();
      last[side] = await fn();
      times.push(Number(now() - t0));
    }
    return median(times);
  };
  // Warm-up: at least `warmup` calls and `warmupMs` of calls per side, so the optimizing
  // compiler has run on both before anything is timed.
  await batch('ours', ours, warmup, warmupMs);
  await batch('peer', peer, warmup, warmupMs);
  await afterWarmup?.();
  const oursNs = [];
  const peerNs = [];
  for (let r = 0; r < runs; r++) {
    if (r % 2 === 0) {
      oursNs.push(await batch('ours', ours, minCalls));
      peerNs.push(await batch('peer', peer, minCalls));
    } else {
      peerNs.push(await batch('peer', peer, minCalls));
      oursNs.push(await batch('ours', ours, minCalls));
    }
  }
  return { ours: oursNs, peer: peerNs, ratio: peerNs.map((p, i) => p / oursNs[i]), last };
}

/** Two full collections so that weak/phantom work and finalization have settled. */
export function fullGc() {
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  globalThis.gc();
  globalThis.gc();
}

/** Converts a result's per-run times from ns to ms (ratios are unit-free and stay as they are). */
export function toMs(res) {
  return { ...res, ours: res.ours.map((x) => x / 1e6), peer: res.peer.map((x) => x / 1e6) };
}
