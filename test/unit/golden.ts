// Golden-file assertions for encoders: the files under test/golden/ ARE the wire-format spec, so
// compare byte for byte and review every change to them by eye.
//
// Regenerate after an intended format change with:
//   UPDATE_GOLDEN=1 node --import tsx --test test/unit/<encoder>.test.ts
// then read the diff (`git diff test/golden`) before committing it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url));
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

/** Asserts that `actual` equals the golden file `relativePath` (under test/golden/) byte for byte. */
export function assertGolden(relativePath: string, actual: Uint8Array | string): void {
  const path = join(GOLDEN_DIR, relativePath);
  const bytes = typeof actual === 'string' ? Buffer.from(actual, 'utf8') : Buffer.from(actual);
  if (UPDATE) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
    return;
  }
  assert.ok(existsSync(path), `golden file ${relativePath} is missing: run with UPDATE_GOLDEN=1 and review it`);
  const expected = readFileSync(path);
  if (!expected.equals(bytes)) {
    // Compare as text for a readable diff; equal text with unequal bytes cannot happen for UTF-8.
    assert.equal(bytes.toString('utf8'), expected.toString('utf8'), `output differs from golden ${relativePath}`);
  }
}

/**
 * Asserts a multi-payload result against `<base>-1.<ext>`, `<base>-2.<ext>`, ... and that no
 * golden payload beyond the last one exists (stale ones are removed when updating).
 */
export function assertGoldenPayloads(relativeBase: string, extension: string, payloads: readonly Uint8Array[]): void {
  payloads.forEach((payload, i) => assertGolden(`${relativeBase}-${i + 1}.${extension}`, payload));
  for (let i = payloads.length + 1; ; i++) {
    const extra = join(GOLDEN_DIR, `${relativeBase}-${i}.${extension}`);
    if (!existsSync(extra)) break;
    if (UPDATE) rmSync(extra);
    else
      assert.fail(`golden ${relativeBase}-${i}.${extension} exists but only ${payloads.length} payloads were produced`);
  }
}
