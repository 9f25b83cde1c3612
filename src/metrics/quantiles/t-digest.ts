// A merging t-digest: T. Dunning and O. Ertl, "Computing Extremely Accurate Quantiles Using
// t-Digests" (2019), the MergingDigest variant.
//
// Why a t-digest and not the CKMS targeted-quantile stream that client_golang uses (Cormode, Korn,
// Muthukrishnan, Srivastava, "Effective Computation of Biased Quantiles over Data Streams"):
// the time window keeps one summary per age bucket and answers a query by COMBINING the live
// buckets, so that an observation touches one bucket only. t-digests combine soundly: each one
// estimates the rank of any value, the window's rank is the sum over buckets (digest-union.ts),
// so the buckets' absolute rank errors add up, which as a fraction of the window's count is no
// worse than the worst bucket's. CKMS streams do not merge (beorn7/perks documents its Merge as
// broken), which is why client_golang inserts every observation into every age bucket instead.
//
// The digest is a sorted list of centroids (mean, weight). New values arrive in sorted batches
// (the window's insert buffer) and are merged with the centroids in one linear pass that
// greedily folds neighbours together while the folded centroid stays within one unit of the
// scale function k1(q) = δ/(2π)·asin(2q − 1). k1 is steep near q = 0 and q = 1, so tail
// centroids stay small (tail quantiles are nearly exact) and the widest centroid, at the median,
// covers π/δ of the data. Adjacent centroids always span more than one unit of k1, and k1 spans
// δ/2 units, so a digest never holds more than δ + 2 centroids: memory is bounded whatever the
// number of observations.

/** Centroids a digest of compression `delta` can hold (see the bound above, plus slack). */
export function centroidCapacity(delta: number): number {
  return Math.ceil(delta) + 4;
}

// Output scratch for the merge pass, shared by all digests: the pass is synchronous and not
// re-entrant, and sharing saves every digest a second pair of arrays.
let outMeans = new Float64Array(0);
let outWeights = new Float64Array(0);

function ensureScratch(size: number): void {
  if (outMeans.length < size) {
    const n = Math.max(size, 2 * outMeans.length);
    outMeans = new Float64Array(n);
    outWeights = new Float64Array(n);
  }
}

export class MergingDigest {
  /** Centroid means, ascending; `means[0 .. count)` are live. */
  means: Float64Array;
  weights: Float64Array;
  count = 0;
  /** Sum of the weights: the number of values merged in. */
  total = 0;
  min = Infinity;
  max = -Infinity;

  /** cos and sin of 2π/δ: the step of one k1 unit, expressed as an angle (see `qLimit`). */
  private readonly cosStep: number;
  private readonly sinStep: number;

  constructor(readonly delta: number) {
    this.cosStep = Math.cos((2 * Math.PI) / delta);
    this.sinStep = Math.sin((2 * Math.PI) / delta);
    // Allocated by the first merge and grown up to the bound: an unused bucket costs nothing.
    this.means = new Float64Array(0);
    this.weights = new Float64Array(0);
  }

  reset(): void {
    this.count = 0;
    this.total = 0;
    this.min = Infinity;
    this.max = -Infinity;
  }

  /** Merges `sorted[0 .. n)` (ascending, no NaN) into the digest. */
  addSorted(sorted: Float64Array, n: number): void {
    if (n === 0) return;
    const means = this.means;
    const weights = this.weights;
    const count = this.count;
    const total = this.total + n;
    ensureScratch(count + n);
    const om = outMeans;
    const ow = outWeights;

    // Two-pointer walk over the old centroids (j) and the new values (i), in value order, folding
    // each item into the open centroid or closing it and opening the next. The open centroid is
    // `first` plus a weighted sum of offsets from it: a multiply-add per item (a running mean
    // would put a division on the loop's critical path), exact for equal values, and with weights
    // taken as fractions of the total so that summing offsets of huge values cannot overflow.
    let i = 0;
    let j = 0;
    let first: number;
    let curWeight: number;
    if (count > 0 && means[0]! <= sorted[0]!) {
      first = means[0]!;
      curWeight = weights[0]!;
      j = 1;
    } else {
      first = sorted[0]!;
      curWeight = 1;
      i = 1;
    }
    let curSum = 0;
    const invTotal = 1 / total;
    let out = 0;
    let weightSoFar = 0;
    let limit = total * this.qLimit(0);
    while (i < n || j < count) {
      let x: number;
      let w: number;
      if (j < count && (i >= n || means[j]! <= sorted[i]!)) {
        x = means[j]!;
        w = weights[j]!;
        j++;
      } else {
        x = sorted[i]!;
        w = 1;
        i++;
      }
      if (weightSoFar + curWeight + w <= limit) {
        curWeight += w;
        curSum += (x - first) * (w * invTotal);
      } else {
        om[out] = centroidMean(first, curSum, total / curWeight);
        ow[out] = curWeight;
        out++;
        weightSoFar += curWeight;
        limit = total * this.qLimit(weightSoFar / total);
        first = x;
        curWeight = w;
        curSum = 0;
      }
    }
    om[out] = centroidMean(first, curSum, total / curWeight);
    ow[out] = curWeight;
    out++;

    if (this.means.length < out) {
      // Grow geometrically up to the bound, so a quiet bucket stays small.
      const size = Math.max(out, Math.min(centroidCapacity(this.delta), 2 * this.means.length));
      this.means = new Float64Array(size);
      this.weights = new Float64Array(size);
    }
    this.means.set(om.subarray(0, out));
    this.weights.set(ow.subarray(0, out));
    this.count = out;
    this.total = total;
    if (sorted[0]! < this.min) this.min = sorted[0]!;
    if (sorted[n - 1]! > this.max) this.max = sorted[n - 1]!;
  }

  /**
   * The largest q a centroid starting at q0 may reach: k1⁻¹(k1(q0) + 1). With θ0 = asin(2·q0 − 1)
   * that is (1 + sin(θ0 + 2π/δ)) / 2, and expanding the sine of the sum leaves a single sqrt
   * instead of an asin and a sin per centroid.
   */
  private qLimit(q0: number): number {
    const s = 2 * q0 - 1;
    // θ0 + step ≥ π/2: the centroid may run to the end.
    if (s >= this.cosStep) return 1;
    return (1 + s * this.cosStep + Math.sqrt(Math.max(0, 1 - s * s)) * this.sinStep) / 2;
  }
}

/** `first` + the mean offset, given the offsets summed in units of the total weight. */
function centroidMean(first: number, offsetSum: number, totalPerWeight: number): number {
  if (offsetSum === 0) return first;
  const mean = first + offsetSum * totalPerWeight;
  // Infinite values: ∞ − ∞ is NaN, and the mean of anything with an infinity is that infinity.
  return mean === mean ? mean : first;
}
