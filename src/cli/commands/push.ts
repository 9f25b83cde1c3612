// `push`: pushes values from a shell script, given as sample arguments or as Prometheus text on
// stdin, to every target once. Exit status 1 when any target failed: pushing is this command's
// whole job.
import { parseCommandArgs, parseLabelArgs, parseSeconds, stringList, stringValue } from '../args.js';
import { ExpositionError, parseExposition } from '../decode/exposition.js';
import type { ExpositionSample } from '../decode/exposition.js';
import type { Outcome } from '../outcome.js';
import { preparePush } from '../push-once.js';
import { snapshotOf } from '../sample-snapshot.js';
import type { PushSample } from '../sample-snapshot.js';
import { parseTarget } from '../targets.js';
import { UsageError } from '../usage-error.js';
import { DEFAULT_TIMEOUT_MS } from './run.js';

export const PUSH_USAGE = `Usage: prometheus-push-client push [options] SAMPLE...
       ... | prometheus-push-client push [options]

Pushes sample values to every target, once. A SAMPLE is a line of the Prometheus text format:
  'name 3.5'   'name{k="v",k2="v2"} 1'   (label values escape \\\\, \\" and \\n)
Without SAMPLE arguments, Prometheus text is read from stdin. '# TYPE' lines (on stdin or as
arguments) give the type: a counter sample named <name>_total is pushed as a counter; every
other sample (gauge, untyped, a counter without _total, histogram and summary series) as a
gauge of the same name. '# HELP' lines are kept. Sample timestamps are ignored.

Options:
  --to TARGET      where to push (repeatable, at least one); see 'prometheus-push-client --help'
  --label K=V      a label on every sample that has none of that name (repeatable)
  --timeout SECS   time limit of the push per target, retries included (default 10)
  -h, --help       show this help

Examples:
  prometheus-push-client push --to influx+udp://vm:8089 'backup_size_bytes{db="main"} 1.2e9'
  curl -s localhost:8080/metrics | prometheus-push-client push --to prom+http://vm:8428
`;

const OPTIONS = {
  to: { type: 'string', multiple: true },
  label: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function pushCommand(args: readonly string[]): Promise<Outcome> {
  const { values, positionals, afterTerminator } = parseCommandArgs('push', args, OPTIONS);
  if (values.help === true) {
    process.stdout.write(PUSH_USAGE);
    return { code: 0 };
  }
  const targets = stringList(values.to).map(parseTarget);
  if (targets.length === 0) throw new UsageError('push: missing --to TARGET');
  const labels = parseLabelArgs(stringList(values.label));
  const timeout = stringValue(values.timeout);
  const timeoutMs = timeout === undefined ? DEFAULT_TIMEOUT_MS : parseSeconds('--timeout', timeout);

  const sampleArgs = [...positionals, ...(afterTerminator ?? [])];
  let parsed: PushSample[];
  if (sampleArgs.length > 0) {
    parsed = fromArguments(sampleArgs);
  } else {
    if (process.stdin.isTTY === true) {
      throw new UsageError('push: no samples: give them as arguments or pipe Prometheus text into stdin');
    }
    parsed = fromText(await readStdin(), (line) => `stdin line ${line}`);
  }
  if (parsed.length === 0) throw new UsageError('push: no samples to push');

  const snapshot = snapshotOf(parsed, labels, Date.now());
  const failed = await preparePush(targets, { source: { collect: () => snapshot }, timeoutMs }).push();
  return { code: failed > 0 ? 1 : 0 };
}

/** Arguments are lines of one exposition (a `# TYPE` argument applies to later ones). */
function fromArguments(args: readonly string[]): PushSample[] {
  const lineToArg: number[] = [];
  args.forEach((arg, i) => {
    for (const _ of arg.split('\n')) lineToArg.push(i + 1);
  });
  return fromText(args.join('\n'), (line) => `argument ${lineToArg[line - 1] ?? line}`);
}

function fromText(text: string, where: (line: number) => string): PushSample[] {
  let samples: ExpositionSample[];
  try {
    samples = parseExposition(text);
  } catch (error) {
    if (error instanceof ExpositionError) {
      throw new UsageError(`push: ${where(error.line)}: ${error.message.replace(/^line \d+: /, '')}`);
    }
    throw error;
  }
  const out: PushSample[] = [];
  for (const s of samples) {
    const typed = s.type !== undefined && s.family !== s.name;
    // A counter's `_created` (and a histogram's or summary's) is a creation time, not a value to push.
    if (typed && s.name.endsWith('_created')) continue;
    const counter = s.type === 'counter' && s.name.endsWith('_total');
    out.push({
      name: s.name,
      labels: s.labels,
      value: s.value,
      type: counter ? 'counter' : 'gauge',
      help: s.help ?? '',
      where: `push: ${where(s.line)}`,
    });
  }
  return out;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
