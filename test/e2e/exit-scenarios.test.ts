// How a job ends, in real child processes pushing to a real Pushgateway 1.5: return, throw,
// rejection, SIGTERM, SIGINT (handleSignals) and the natural end of the program (beforeExit).
// Every run must leave its final values in the Pushgateway, exactly, and end with the exit code
// or signal the same job has without the library (each scenario also runs with NO_PUSHER=1 to
// measure that).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { requireServer } from './harness/require-server.js';
import { usePushgateway } from './harness/pushgateway.js';

const skip = requireServer('prometheus-pushgateway');

const FIXTURE = fileURLToPath(new URL('../fixtures/exit-scenario-child.ts', import.meta.url));

interface ChildResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the fixture; SIGTERM/SIGINT scenarios get their signal once the child printed `ready`. */
function runChild(env: Record<string, string>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const scenario = env['SCENARIO'];
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if ((scenario === 'SIGTERM' || scenario === 'SIGINT') && stdout.includes('ready\n')) child.kill(scenario);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

interface Scenario {
  readonly name: string;
  /** [exit code, signal] without the library, as Node defines it. */
  readonly ends: readonly [number | null, NodeJS.Signals | null];
  readonly jobs: number;
  readonly step: number;
  readonly stderr?: RegExp;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'return', ends: [0, null], jobs: 5, step: 1 },
  { name: 'throw', ends: [1, null], jobs: 6, step: 2, stderr: /Error: the job failed/ },
  { name: 'rejection', ends: [1, null], jobs: 7, step: 3, stderr: /Error: the async job failed/ },
  { name: 'SIGTERM', ends: [null, 'SIGTERM'], jobs: 8, step: 4 },
  { name: 'SIGINT', ends: [null, 'SIGINT'], jobs: 9, step: 4 },
  { name: 'natural-end', ends: [0, null], jobs: 10, step: 5 },
];

describe('exit scenarios: child processes against a real Pushgateway', { skip }, () => {
  const server = usePushgateway();

  for (const s of SCENARIOS) {
    it(`${s.name}: final values in the Pushgateway, exit ${s.ends[1] ?? `code ${String(s.ends[0])}`} as without us`, async () => {
      const job = `exit_${s.name.replace('-', '_')}`;
      const env = { PGW_URL: server().url, JOB: job, SCENARIO: s.name };
      const [baseline, real] = await Promise.all([runChild({ ...env, NO_PUSHER: '1' }), runChild(env)]);

      assert.deepEqual([baseline.code, baseline.signal], s.ends, `baseline: ${baseline.stderr}`);
      assert.deepEqual([real.code, real.signal], [baseline.code, baseline.signal], `with the pusher: ${real.stderr}`);
      assert.doesNotMatch(real.stderr, /push error|Warning/, 'no push failure, no process warning');
      if (s.stderr !== undefined) assert.match(real.stderr, s.stderr);
      if (s.name === 'return') assert.equal(real.stdout, 'result ok\n');

      const group = await server().group({ job });
      assert.ok(group, `no group for ${job}; child stderr: ${real.stderr}`);
      assert.equal(group.lastPushSuccessful, true);
      assert.deepEqual(
        [group.families['exit_jobs_total']?.type, group.families['exit_jobs_total']?.metrics[0]?.value],
        ['COUNTER', String(s.jobs)],
      );
      assert.equal(group.families['exit_step']?.metrics[0]?.value, String(s.step));
    });
  }
});
