// In-place ascending sort of a Float64Array prefix: the summary's insert buffer, sorted once per
// flush before it is merged into a t-digest.
//
// Why not a comparison sort: on random data every comparison is a coin flip for the branch
// predictor. On the reference machine both `Float64Array.prototype.sort()` and a hand-written
// quicksort cost ~50 ns per element for 512 elements, more than the whole per-observation budget.
// An LSD radix sort has no data-dependent branches:
//   1. each double maps to an order-preserving 32-bit key (its high word: sign, exponent and 20
//      mantissa bits, with the sign handled so unsigned order is numeric order);
//   2. the keys are rebased on the smallest one and cut to 16 bits of spread (more bits come from
//      the low words when the values are close together), then packed with the element's 11-bit
//      index into one word, so each pass moves one small integer;
//   3. two 8-bit counting passes sort the packed words (a pass whose digit is the same for every
//      element is skipped), and the values are gathered through the indices;
//   4. an insertion sort fixes the order inside runs the 16 bits could not tell apart; it is nearly
//      free on nearly sorted input. Should it find real work (very uneven data), it gives up after
//      a budget and a comparison sort finishes the job, so the worst case stays O(n log n).
//
// Callers never pass NaN (the window drops it on the way in): NaN has no place in the order.

/** Largest prefix the radix path handles (11 index bits); longer ones use the comparison sort. */
export const RADIX_MAX = 2048;
const INDEX_BITS = 11;
const INDEX_MASK = (1 << INDEX_BITS) - 1;
const PASSES = 2;
const DIGIT_BITS = 8;
const KEY_BITS = PASSES * DIGIT_BITS;
const RADIX = 1 << DIGIT_BITS;

/** Below this length an insertion sort is cheaper than the radix passes. */
const SMALL = 32;

const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

// Scratch shared by every caller: JavaScript runs one sort at a time and none of them re-enters.
const packedA = new Uint32Array(RADIX_MAX);
const packedB = new Uint32Array(RADIX_MAX);
const gathered = new Float64Array(RADIX_MAX);
const counts = new Int32Array(PASSES * RADIX);

/** Sorts `a[0 .. n)` ascending in place. */
export function sortPrefix(a: Float64Array, n: number): void {
  if (n < SMALL) {
    insertionSort(a, n, Infinity);
    return;
  }
  if (n > RADIX_MAX) {
    a.subarray(0, n).sort();
    return;
  }

  // 1. Order-preserving keys from the high words, and their range.
  const words = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  let kmin = 0xffffffff;
  let kmax = 0;
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + HI]!;
    // Flip the sign bit of a positive, every bit of a negative.
    const key = (hi ^ ((hi >> 31) | 0x80000000)) >>> 0;
    packedA[i] = key;
    if (key < kmin) kmin = key;
    if (key > kmax) kmax = key;
  }

  // 2. Rebase on the smallest key and keep KEY_BITS bits of the spread: the high bits of the
  //    spread if it is wider, else the spread plus the top of the low words (values packed close
  //    together, e.g. 1e9 + small integers). Pack with the index and count the digits.
  const bits = 32 - Math.clz32(kmax - kmin);
  counts.fill(0);
  if (bits >= KEY_BITS) {
    const shift = bits - KEY_BITS;
    for (let i = 0; i < n; i++) {
      const p = (((packedA[i]! - kmin) >>> shift) << INDEX_BITS) | i;
      packedA[i] = p;
      counts[(p >>> INDEX_BITS) & (RADIX - 1)]!++;
      counts[RADIX + ((p >>> (INDEX_BITS + DIGIT_BITS)) & (RADIX - 1))]!++;
    }
  } else {
    const spare = KEY_BITS - bits;
    const lowShift = 32 - spare;
    for (let i = 0; i < n; i++) {
      // Negative values order their low words reversed too.
      const lo = (words[2 * i + 1 - HI]! ^ (words[2 * i + HI]! >> 31)) >>> lowShift;
      const p = ((((packedA[i]! - kmin) << spare) | lo) << INDEX_BITS) | i;
      packedA[i] = p;
      counts[(p >>> INDEX_BITS) & (RADIX - 1)]!++;
      counts[RADIX + ((p >>> (INDEX_BITS + DIGIT_BITS)) & (RADIX - 1))]!++;
    }
  }

  // 3. Counting passes, least significant digit first.
  let src = packedA;
  let dst = packedB;
  for (let pass = 0; pass < PASSES; pass++) {
    const base = pass * RADIX;
    const digitShift = INDEX_BITS + pass * DIGIT_BITS;
    let constant = false;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[base + d]!;
      if (c === n) constant = true;
      counts[base + d] = sum;
      sum += c;
    }
    if (constant) continue;
    for (let i = 0; i < n; i++) {
      const p = src[i]!;
      const slot = base + ((p >>> digitShift) & (RADIX - 1));
      const at = counts[slot]!;
      counts[slot] = at + 1;
      dst[at] = p;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  for (let i = 0; i < n; i++) gathered[i] = a[src[i]! & INDEX_MASK]!;
  a.set(gathered.subarray(0, n));

  // 4. Exact order.
  if (!insertionSort(a, n, 4 * n)) a.subarray(0, n).sort();
}

/** Insertion sort; returns false, leaving `a` permuted but unsorted, after `budget` moves. */
function insertionSort(a: Float64Array, n: number, budget: number): boolean {
  let moves = 0;
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    if (!(a[j]! > v)) continue;
    do {
      a[j + 1] = a[j]!;
      j--;
    } while (j >= 0 && a[j]! > v);
    a[j + 1] = v;
    moves += i - j;
    if (moves > budget) return false;
  }
  return true;
}
