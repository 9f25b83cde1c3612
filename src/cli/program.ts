// The command dispatcher: `prometheus-push-client <command> [options]`. Usage errors end as one
// line on stderr with exit status 2; anything unexpected as one line with status 1.
import { VERSION } from '../version.js';
import { listenCommand } from './commands/listen.js';
import { pushCommand } from './commands/push.js';
import { runCommand } from './commands/run.js';
import type { Outcome } from './outcome.js';
import { errorLine, USAGE_EXIT_CODE, UsageError } from './usage-error.js';

export const MAIN_USAGE = `Usage: prometheus-push-client <command> [options]

Commands:
  run     run a command, then push its duration, exit code and last run/success times
  push    push sample values given as arguments or as Prometheus text on stdin
  listen  receive pushes and print every sample, to see what a job sends

'prometheus-push-client <command> --help' shows a command's options.

Targets (--to), credentials as user:password@ (basic) or :token@ (bearer), options after #:
  influx+udp://HOST[:8089]                          Influx line protocol over UDP    #flavor=influxdb
  influx+http(s)://HOST:PORT[/write?db=DB]          Influx line protocol over HTTP   #flavor= #gzip
  statsd://HOST[:8125]                              StatsD gauges over UDP           #tags=influx #prefix=app.
  pushgateway+http(s)://HOST:PORT/job/JOB[/K/V...]  Pushgateway (POST; #method=PUT replaces the group) #gzip
  prom+http(s)://HOST:PORT[/api/v1/import/prometheus]  Prometheus text import   #format=openmetrics #method= #gzip
  remote-write+http(s)://HOST:PORT[/api/v1/write]   Prometheus remote write

Options:
  -h, --help     show this help
  --version      show the version
`;

type Command = (args: readonly string[]) => Promise<Outcome>;

const COMMANDS: Readonly<Record<string, Command>> = {
  run: runCommand,
  push: pushCommand,
  listen: listenCommand,
};

/** Runs the command line (without `node` and the script) and says how the process should end. */
export async function main(argv: readonly string[]): Promise<Outcome> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined) throw new UsageError('missing command: run, push or listen (see --help)');
    if (first === '--help' || first === '-h' || first === 'help') {
      process.stdout.write(MAIN_USAGE);
      return { code: 0 };
    }
    if (first === '--version') {
      process.stdout.write(`${VERSION}\n`);
      return { code: 0 };
    }
    const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
    if (command === undefined) {
      throw new UsageError(`unknown command ${JSON.stringify(first)}: expected run, push or listen (see --help)`);
    }
    return await command(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(errorLine(error.message) + '\n');
      return { code: USAGE_EXIT_CODE };
    }
    process.stderr.write(errorLine(error instanceof Error ? error.message : String(error)) + '\n');
    return { code: 1 };
  }
}
