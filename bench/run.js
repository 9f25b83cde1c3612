// Benchmark orchestrator: runs every row in a fresh child process, then prints one Markdown table
// (and writes it to results/). See README.md in this folder for the method and the options.
//
//   npm run bench                      full run (a few minutes on 2 cores)
//   npm run bench -- --quick           smoke pass for CI: 1 run, small N, same table, no assertion
//   npm run bench -- --only expo,heap  rows whose id contains one of these strings
//   npm run bench -- --ours ../dist/esm/index.js   benchmark another entry point than src/
//   npm run bench -- --only statsd --cpu-prof      also write a .cpuprofile per row to results/prof/
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { summarize, formatValue, formatRatio } from './lib/stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    ours: { type: 'string' },
    runs: { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
// The root script runs `npm --prefix bench run bench`, so `npm run bench -- --quick` at the root
// reaches this script as npm configuration (npm_config_quick=true), not as arguments.
const env = process.env;
if (env.npm_config_quick === 'true') args.quick = true;
args.only ??= env.npm_config_bench_only;
args.runs ??= env.npm_config_runs;
args.ours ??= env.npm_config_ours;

// Sizes. Full: what the targets are stated for. Quick: enough to exercise every code path.
const ctx = args.quick
  ? { quick: true, runs: 1, sampleMs: 10, series: 1_000, heapSeries: 10_000, phaseMs: 100 }
  : { quick: false, runs: 7, sampleMs: 100, series: 10_000, heapSeries: 100_000, phaseMs: 1000 };
if (args.runs) ctx.runs = Number(args.runs);

// group file → row ids, in the order printed.
const PLAN = [
  ['core', ['counter-labels', 'counter-child', 'histogram', 'histogram-labels', 'summary']],
  ['core', ['expo-counter', 'expo-histogram', 'heap-counter']],
  ['wire', ['influx-line', 'statsd-udp', 'http-push']],
  ['push', ['push-eventloop-100k', 'push-cpu', 'stream-statsd-observe', 'stream-statsd-inc']],
];

const childEnv = {
  ...process.env,
  // Compile src/ with the project's own compiler options (class-field semantics, target), so the
  // code tsx runs behaves like the published build.
  TSX_TSCONFIG_PATH: path.join(here, '..', 'tsconfig.json'),
  ...(args.ours ? { BENCH_OURS: path.resolve(args.ours) } : {}),
};

function runChild(group, rowId) {
  return new Promise((resolve) => {
    const child = fork(path.join(here, 'child.js'), [group, rowId, JSON.stringify(ctx)], {
      // --expose-gc for the heap rows; tsx to import the library's TypeScript sources directly.
      execArgv: [
        '--import',
        import.meta.resolve('tsx'),
        '--expose-gc',
        // One .cpuprofile per row (open it in Chrome DevTools, or read its top self times).
        ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(here, 'results', 'prof')}`] : []),
      ],
      env: childEnv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result;
    child.on('message', (m) => (result = m));
    child.on('exit', (code, signal) => {
      resolve(result ?? { status: 'error', error: `child exited with ${signal ?? code} before reporting` });
    });
  });
}

const rowsOut = [];
const started = Date.now();
// Other processes on the machine skew absolute figures (ratios less so): report the load.
const loadBefore = os.loadavg()[0];
for (const [group, ids] of PLAN) {
  const { rows } = await import(`./groups/${group}.js`);
  for (const id of ids) {
    if (args.only && !args.only.split(',').some((s) => id.includes(s))) continue;
    const def = rows[id];
    const title = typeof def.title === 'function' ? def.title(ctx) : def.title;
    process.stderr.write(`· ${id} … `);
    const t0 = Date.now();
    const res = await runChild(group, id);
    process.stderr.write(`${res.status} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
    rowsOut.push({ id, title, def, res });
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const cpus = os.cpus();
const lines = [];
lines.push(`# prometheus-push-client benchmarks${ctx.quick ? ' (quick smoke pass: not for comparison)' : ''}`);
lines.push('');
lines.push(`- date: ${new Date().toISOString()}`);
lines.push(`- Node ${process.version} (V8 ${process.versions.v8}), ${os.platform()} ${os.release()}`);
lines.push(`- CPU: ${cpus[0]?.model?.trim() ?? 'unknown'} × ${cpus.length}`);
lines.push(`- 1-minute load average: ${loadBefore.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end`);
lines.push(
  `- peers: prom-client 15.1.3, hot-shots 17.1.1, @influxdata/influxdb-client 1.35.0; ` +
    `${ctx.runs} run(s) per row, each row in a fresh process, ours and the peer interleaved`,
);
lines.push('');
lines.push('| benchmark | ours | peer | peer ÷ ours (median, min–max) | target | met? |');
lines.push('|---|---:|---:|---:|---:|---|');
const notes = [];
for (const { id, title, def, res } of rowsOut) {
  const label = `${title} [${def.unit}]`;
  // A row with `maxOurs` has an absolute target on our median (the ratio is for information).
  const target = def.maxOurs === undefined ? `≥ ${def.target}×` : `ours ≤ ${def.maxOurs} ${def.unit}`;
  if (res.status === 'n/a') {
    lines.push(`| ${label} | n/a (not implemented) | — | — | ${target} | n/a |`);
    notes.push(`\`${id}\`: missing ${res.missing.join('; ')}`);
    continue;
  }
  if (res.status === 'error') {
    lines.push(`| ${label} | error | — | — | ${target} | error |`);
    notes.push(`\`${id}\`: ${res.error.split('\n').slice(0, 3).join(' ')}`);
    continue;
  }
  const ours = summarize(res.ours);
  const peer = summarize(res.peer);
  const ratio = summarize(res.ratio);
  const met = def.maxOurs === undefined ? ratio.median >= def.target : ours.median <= def.maxOurs;
  const verdict = met
    ? 'yes'
    : def.maxOurs === undefined
      ? `**no** (${formatRatio(ratio.median)}: ${Math.round((1 - ratio.median / def.target) * 100)} % short)`
      : `**no** (${formatValue(ours, def.unit)} > ${def.maxOurs})`;
  lines.push(
    `| ${label} | ${formatValue(ours, def.unit)} | ${formatValue(peer, def.unit)} | ${formatRatio(ratio.median)} ` +
      `(${formatRatio(ratio.min)}–${formatRatio(ratio.max)}) | ${target} | ${verdict} |`,
  );
  for (const n of res.notes ?? []) notes.push(`\`${id}\`: ${n}`);
}
lines.push('');
lines.push(
  'Cells are median (min–max) over the runs. "peer ÷ ours" is computed per run (both sides measured in that run) ' +
    'and is always "how many times better ours is": peer time ÷ our time, peer bytes ÷ our bytes, and for ' +
    "throughput rows (metrics/s) our rate ÷ the peer's.",
);
if (notes.length > 0) {
  lines.push('');
  lines.push('Notes:');
  lines.push('');
  for (const n of notes) lines.push(`- ${n}`);
}
lines.push('');
lines.push(`Total wall time: ${((Date.now() - started) / 1000).toFixed(0)} s.`);
const md = lines.join('\n') + '\n';

process.stdout.write('\n' + md);
if (!args.only && !args.ours) {
  // A smoke pass never overwrites the last full result.
  mkdirSync(path.join(here, 'results'), { recursive: true });
  const file = path.join(here, 'results', ctx.quick ? 'latest-quick.md' : 'latest.md');
  writeFileSync(file, md);
  process.stderr.write(`written to ${path.relative(process.cwd(), file)}\n`);
}
