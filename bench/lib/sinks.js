// Starts a sink (sinks/*.js) as a separate Node process and talks to it over IPC. The sink is
// plain JS and runs without tsx, so it starts fast and shares nothing with the benchmark.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export async function startSink(kind) {
  const file = fileURLToPath(new URL(`../sinks/${kind}-sink.js`, import.meta.url));
  const child = fork(file, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = [];
  child.on('message', (m) => waiting.shift()?.(m));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const ready = await next();
  const ask = (what) => {
    const p = next();
    child.send(what);
    return p;
  };
  return {
    ...ready,
    /** Current counters. */
    stats: () => ask('stats'),
    /** Counters so far, then zeroes them. */
    reset: () => ask('reset'),
    /** Waits until the counters stop moving (the sink has drained its receive buffer). */
    async settle(field, quietMs = 100) {
      let prev = -1;
      for (;;) {
        const s = await ask('stats');
        if (s[field] === prev) return s;
        prev = s[field];
        await new Promise((r) => setTimeout(r, quietMs));
      }
    },
    stop() {
      child.disconnect();
      child.kill(); // by this child's own PID: only the process we started
    },
  };
}
