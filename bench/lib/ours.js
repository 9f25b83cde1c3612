// Loads the library from source (through tsx: no build step) and tells a benchmark which of the
// pieces it needs exist yet. The library is being written while this harness is, so a missing
// export or a file that does not load is reported as "n/a (not implemented)" instead of failing
// the whole run.
import { pathToFileURL } from 'node:url';

/** Thrown by `need()`; the child runner turns it into an "n/a" row. */
export class NotImplemented extends Error {
  constructor(missing) {
    super(`not implemented: ${missing.join(', ')}`);
    this.missing = missing;
  }
}

// The package entry first; the individual files as a fallback for pieces that exist but are not
// exported yet. Later entries never override earlier ones.
const MODULES = [
  '../../src/index.ts',
  '../../src/registry.ts',
  '../../src/metrics/counter.ts',
  '../../src/metrics/gauge.ts',
  '../../src/metrics/histogram.ts',
  '../../src/metrics/summary.ts',
  '../../src/encoding/prometheus-text.ts',
  '../../src/encoding/influx-line.ts',
  '../../src/encoding/statsd.ts',
  '../../src/transport/udp.ts',
  '../../src/transport/http.ts',
  '../../src/presets/statsd-udp.ts',
  '../../src/presets/pushgateway.ts',
];

let loaded;

/**
 * All exports found, plus `loadErrors` (module → message) for the report. BENCH_OURS (set by
 * run.js from `--ours <module>`) replaces the source tree with another entry point, e.g. the
 * built `dist/esm/index.js`, to check that the build performs like the source.
 */
export async function loadOurs() {
  if (loaded) return loaded;
  const api = {};
  const loadErrors = {};
  const specs = process.env.BENCH_OURS ? [pathToFileURL(process.env.BENCH_OURS).href] : MODULES;
  for (const spec of specs) {
    try {
      const mod = await import(spec);
      for (const [k, v] of Object.entries(mod)) if (!(k in api)) api[k] = v;
    } catch (err) {
      // ERR_MODULE_NOT_FOUND for a file not written yet is expected; anything else is worth showing.
      if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes(spec.slice(6))) {
        loadErrors[spec.slice(6)] = String(err?.message ?? err).split('\n')[0];
      }
    }
  }
  loaded = { api, loadErrors };
  return loaded;
}

/** The named exports if they all exist, else undefined (for optional paths). */
export async function maybe(...names) {
  const { api } = await loadOurs();
  return names.every((n) => typeof api[n] === 'function') ? api : undefined;
}

/** Returns the named exports, or throws NotImplemented listing the missing ones. */
export async function need(...names) {
  const { api, loadErrors } = await loadOurs();
  const missing = names.filter((n) => typeof api[n] !== 'function');
  if (missing.length > 0) {
    const errs = Object.entries(loadErrors).map(([m, e]) => `${m}: ${e}`);
    throw new NotImplemented(errs.length > 0 ? [...missing, ...errs] : missing);
  }
  return api;
}
