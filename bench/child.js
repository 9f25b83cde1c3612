// Runs ONE benchmark row in this (fresh) process and reports the result to the parent over IPC.
// Usage (by run.js only): node --import tsx --expose-gc child.js <group> <row> <ctx JSON>
import { NotImplemented } from './lib/ours.js';

const [group, rowId, ctxJson] = process.argv.slice(2);
const ctx = JSON.parse(ctxJson);

let result;
try {
  const { rows } = await import(`./groups/${group}.js`);
  result = { status: 'ok', ...(await rows[rowId].run(ctx)) };
  delete result.last; // payloads kept for sanity checks are not sent back
} catch (err) {
  result =
    err instanceof NotImplemented
      ? { status: 'n/a', missing: err.missing }
      : { status: 'error', error: String(err?.stack ?? err) };
}
process.send(result, () => process.exit(0)); // exit even if a socket or timer is still open
