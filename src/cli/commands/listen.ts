// `listen`: a receiver that prints every sample it gets, so a user sees exactly what a job (or
// this tool's `push`/`run`) sends. Runs until SIGINT or SIGTERM.
import { parseCommandArgs, parsePort, stringValue } from '../args.js';
import { startListener } from '../listener.js';
import type { Outcome } from '../outcome.js';
import { jsonRow, TABLE_HEADER, tableRow } from '../sample-table.js';
import { errorLine, UsageError } from '../usage-error.js';

export const DEFAULT_UDP_PORT = 8125;
export const DEFAULT_HTTP_PORT = 9091;

export const LISTEN_USAGE = `Usage: prometheus-push-client listen [--udp PORT] [--http PORT] [--host ADDRESS] [--json]

Receives pushes and prints one row per sample: format, name, labels, value, type.
  UDP   StatsD and Influx line protocol, told apart line by line
  HTTP  POST /write, /api/v2/write            Influx line protocol (answers 204)
        PUT/POST/DELETE /metrics/job/<job>/…  Pushgateway; the grouping labels are shown (200)
        POST /api/v1/import/prometheus        Prometheus text (204)
        POST /api/v1/write                    remote write, snappy + protobuf (204)
        Content-Type application/openmetrics-text is read as OpenMetrics; gzip bodies are accepted.
Prints 'listening on udp://HOST:PORT http://HOST:PORT' first. Problems (a bad line, an unknown
path) go to stderr. Without --udp and --http, listens on UDP ${DEFAULT_UDP_PORT} and HTTP ${DEFAULT_HTTP_PORT}.

Options:
  --udp PORT       UDP port (0: any free port)
  --http PORT      HTTP port (0: any free port)
  --host ADDRESS   address to bind (default 127.0.0.1; 0.0.0.0 accepts pushes from other hosts)
  --json           one JSON object per sample instead of the table
  -h, --help       show this help
`;

const OPTIONS = {
  udp: { type: 'string' },
  http: { type: 'string' },
  host: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function listenCommand(args: readonly string[]): Promise<Outcome> {
  const { values, positionals, afterTerminator } = parseCommandArgs('listen', args, OPTIONS);
  if (values.help === true) {
    process.stdout.write(LISTEN_USAGE);
    return { code: 0 };
  }
  const extra = [...positionals, ...(afterTerminator ?? [])][0];
  if (extra !== undefined) throw new UsageError(`listen: unexpected argument ${JSON.stringify(extra)}`);
  const udp = stringValue(values.udp);
  const http = stringValue(values.http);
  const neither = udp === undefined && http === undefined;
  const udpPort = udp === undefined ? (neither ? DEFAULT_UDP_PORT : undefined) : parsePort('--udp', udp);
  const httpPort = http === undefined ? (neither ? DEFAULT_HTTP_PORT : undefined) : parsePort('--http', http);
  const host = stringValue(values.host) ?? '127.0.0.1';
  if (host === '') throw new UsageError('listen: --host must not be empty');
  const json = values.json === true;

  let listener;
  try {
    listener = await startListener({
      udpPort,
      httpPort,
      host,
      onSample: (sample) => process.stdout.write((json ? jsonRow(sample) : tableRow(sample)) + '\n'),
      onNotice: (message) => process.stderr.write(errorLine(`listen: ${message}`) + '\n'),
    });
  } catch (error) {
    process.stderr.write(errorLine(`listen: ${error instanceof Error ? error.message : String(error)}`) + '\n');
    return { code: 1 };
  }
  process.stdout.write(`listening on ${listener.addresses}\n`);
  if (!json) process.stdout.write(TABLE_HEADER + '\n');

  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    // `listen | head`: once the reader is gone (EPIPE), there is no one left to print for.
    process.stdout.once('error', () => resolve());
  });
  await listener.close();
  // Stopping a receiver on request is its normal end, not a failure.
  return { code: 0 };
}
