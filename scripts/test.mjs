// `npm test`: lint, typecheck (type tests included), package shape, then every test file in one
// node:test run so the closing "# pass / # fail" lines cover the whole suite.
// `node scripts/test.mjs unit` runs only unit + integration tests; `e2e` only the e2e tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mode = process.argv[2] ?? 'all';

function testFiles(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const entry of entries.sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out = out.concat(testFiles(path));
    else if (entry.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

function run(title, command, args) {
  console.log(`\n== ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`\n${title} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}

const npx = (bin, ...args) => [process.execPath, [join('node_modules', '.bin', bin), ...args]];

if (mode === 'all') {
  run('lint', ...npx('eslint', '.'));
  run('format', ...npx('prettier', '--check', '.'));
  run('typecheck (includes test/types)', ...npx('tsc', '-p', 'tsconfig.json', '--noEmit'));
  run('package shape', ...npx('attw', '--pack', '.', '--profile', 'node16'));
}

const dirs = {
  all: ['test/unit', 'test/integration', 'test/e2e'],
  unit: ['test/unit', 'test/integration'],
  e2e: ['test/e2e'],
}[mode];
if (!dirs) {
  console.error(`unknown test mode "${mode}": use all, unit or e2e`);
  process.exit(2);
}
const files = dirs.flatMap(testFiles);
// spec for people, tap to a file so we can print one plain "N passed, N failed" closing line.
const tapFile = join(mkdtempSync(join(tmpdir(), 'ppc-test-')), 'report.tap');
console.log(`\n== tests: ${files.length} files`);
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...files,
  ],
  { stdio: 'inherit' },
);
const tap = readFileSync(tapFile, 'utf8');
const count = (word) => Number(new RegExp(`^# ${word} (\\d+)$`, 'm').exec(tap)?.[1] ?? 0);
console.log(`\ntests: ${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`);
process.exit(result.status ?? 1);
