// Quantiles of the union of several t-digests (the live age buckets of a time window).
//
// Why not merge the centroid lists and interpolate over the result: centroids of different
// buckets overlap in value, and interpolating between the centres of interleaved centroids
// measured up to 0.3 % rank error where each bucket alone stays under 0.05 %. Ranks, however, add
// up exactly: the number of window observations ≤ x is the sum over buckets of each bucket's
// count ≤ x. So each digest contributes its own rank function, and the query inverts the sum.
//
// A digest's rank function is piecewise linear through (min, 0), then each centroid's mean at the
// rank of its centre (weights before it + half its own weight), then (max, total): the usual
// t-digest reading that a centroid's values spread evenly around its mean (Dunning and Ertl,
// "Computing Extremely Accurate Quantiles Using t-Digests"). The sum of such functions is piecewise
// linear too, with breakpoints at the union of the digests' points, so a sweep over those points
// in value order finds, for each target rank q·n, the segment that crosses it and interpolates in
// it. Cost: walking the points in value order takes O(points × live digests) comparisons;
// the exact O(live digests) evaluation of the summed rank runs only at the few points where a
// target comes within reach.

import type { MergingDigest } from './t-digest.js';

// Scratch shared by every query: a query is synchronous and not re-entrant.
let xs = new Float64Array(0);
let rs = new Float64Array(0);
let starts = new Int32Array(0);
let ends = new Int32Array(0);
let cursor = new Int32Array(0);

/** One value per quantile (each in [0, 1], any order) over the union; NaN when all are empty. */
export function unionQuantiles(digests: readonly MergingDigest[], quantiles: readonly number[]): number[] {
  const out = quantiles.map(() => NaN);
  let live = 0;
  let size = 0;
  let total = 0;
  let max = -Infinity;
  for (const d of digests) {
    if (d.total === 0) continue;
    live++;
    size += d.count + 2;
    total += d.total;
    if (d.max > max) max = d.max;
  }
  if (live === 0) return out;
  if (xs.length < size) {
    xs = new Float64Array(size);
    rs = new Float64Array(size);
  }
  if (starts.length < live) {
    starts = new Int32Array(live);
    ends = new Int32Array(live);
    cursor = new Int32Array(live);
  }
  const X = xs;
  const R = rs;

  // Points of every live digest, laid out one digest after another; cursor[b] is the last point
  // of digest b the sweep has passed (start − 1: none yet).
  let o = 0;
  let b = 0;
  for (const d of digests) {
    if (d.total === 0) continue;
    starts[b] = o;
    cursor[b] = o - 1;
    X[o] = d.min;
    R[o++] = 0;
    let before = 0;
    for (let i = 0; i < d.count; i++) {
      const w = d.weights[i]!;
      X[o] = d.means[i]!;
      R[o++] = before + w / 2;
      before += w;
    }
    X[o] = d.max;
    R[o++] = d.total;
    ends[b++] = o;
  }

  // Target ranks in ascending order, so one sweep answers them all.
  const order = quantiles.map((_, i) => i).sort((i, j) => quantiles[i]! - quantiles[j]!);
  const targets = order.map((i) => Math.min(1, Math.max(0, quantiles[i]!)) * total);
  let k = 0;
  let target = targets[0]!;

  // Upper bound of the summed rank anywhere before the digests' next points: the sum of the ranks
  // at those points. Kept up to date in O(1) per step, it lets the sweep skip the exact
  // O(live digests) evaluation until a target is within reach.
  let upper = 0;
  let prevX = NaN;
  let prevR = 0;
  let prevExact = true;
  for (;;) {
    // Next point in value order (ties: the earlier digest first).
    let owner = -1;
    let x = 0;
    for (let c = 0; c < live; c++) {
      const next = cursor[c]! + 1;
      if (next < ends[c]! && (owner < 0 || X[next]! < x)) {
        owner = c;
        x = X[next]!;
      }
    }
    if (owner < 0) break;
    const p = cursor[owner]! + 1;
    cursor[owner] = p;
    upper += (p + 1 < ends[owner]! ? R[p + 1]! : R[p]!) - R[p]!;

    if (upper < target) {
      // The rank at x is below every remaining target: no crossing up to here.
      prevX = x;
      prevExact = false;
      continue;
    }
    if (!prevExact) {
      cursor[owner] = p - 1;
      prevR = rankAt(prevX, live);
      cursor[owner] = p;
    }
    const r = rankAt(x, live);
    while (target <= r) {
      out[order[k]!] = prevX !== prevX || r === prevR ? x : lerp(prevX, x, (target - prevR) / (r - prevR));
      if (++k === targets.length) return out;
      target = targets[k]!;
    }
    prevX = x;
    prevR = r;
    prevExact = true;
  }
  // Rounding can leave a target a hair above the final rank: that is the maximum.
  for (; k < targets.length; k++) out[order[k]!] = max;
  return out;
}

/** The summed rank function at x, for the sweep's current cursors. */
function rankAt(x: number, live: number): number {
  const X = xs;
  const R = rs;
  let r = 0;
  for (let b = 0; b < live; b++) {
    const p = cursor[b]!;
    if (p < starts[b]!) continue;
    if (p === ends[b]! - 1) {
      r += R[p]!;
      continue;
    }
    const x0 = X[p]!;
    let f = (x - x0) / (X[p + 1]! - x0);
    if (!(f >= 0)) f = 0; // duplicate or infinite points: 0/0, ∞/∞
    if (f > 1) f = 1;
    r += R[p]! + f * (R[p + 1]! - R[p]!);
  }
  return r;
}

/** a + (b − a)·t, exact when a = b and defined when a or b is infinite. */
function lerp(a: number, b: number, t: number): number {
  if (a === b) return a;
  const v = a + (b - a) * t;
  return v === v ? v : t < 0.5 ? a : b;
}
