// Event-loop and CPU measurements for the push rows (groups/push.js).
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Runs `fn` (async) and returns the longest synchronous stretch the event loop spent while it
 * ran, measured directly: a setImmediate chain runs once per loop iteration, so the longest gap
 * between two of its runs is the longest time the loop was away doing something else (a
 * callback, a slice of encoding, a GC pause). Alongside, perf_hooks.monitorEventLoopDelay at
 * 1 ms resolution (its max, which only sees the delays of its own timer).
 */
export async function longestBlock(fn) {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  let last = performance.now();
  let longest = 0;
  let running = true;
  const probe = () => {
    const now = performance.now();
    if (now - last > longest) longest = now - last;
    last = now;
    if (running) setImmediate(probe);
  };
  histogram.enable();
  setImmediate(probe);
  const started = performance.now();
  let result;
  try {
    result = await fn();
  } finally {
    running = false;
  }
  const wallMs = performance.now() - started;
  // One more loop iteration so the probe sees the stretch that ended with fn's completion.
  await new Promise((resolve) => setImmediate(resolve));
  histogram.disable();
  return { blockMs: longest, histogramMaxMs: histogram.max / 1e6, wallMs, result };
}

/** CPU time (user + system, every thread of this process) and wall time of one `await fn()`, in ms. */
export async function cpuOf(fn) {
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  await fn();
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - wall0 };
}
