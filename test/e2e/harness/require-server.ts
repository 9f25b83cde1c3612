// Where each real server is found, and what an e2e file does when one is missing.
//
// The Debian packages (scripts/install-servers.sh) put the binaries in /usr/bin; Etsy statsd is an
// npm dev dependency. Each location can be overridden by an environment variable, which is also how
// the skip path is tested (point it at a path that does not exist).
import { accessSync, constants, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';

export type ServerName = 'victoria-metrics' | 'prometheus-pushgateway' | 'prometheus' | 'influxdb' | 'statsd';

/** Environment variable that overrides each server's location (a binary; for statsd its package dir). */
export const SERVER_ENV: Readonly<Record<ServerName, string>> = {
  'victoria-metrics': 'PPC_VM_BIN',
  'prometheus-pushgateway': 'PPC_PGW_BIN',
  prometheus: 'PPC_PROM_BIN',
  influxdb: 'PPC_INFLUXD_BIN',
  statsd: 'PPC_STATSD_DIR',
};

const DEFAULT_BIN: Readonly<Record<Exclude<ServerName, 'statsd'>, string>> = {
  'victoria-metrics': '/usr/bin/victoria-metrics',
  'prometheus-pushgateway': '/usr/bin/prometheus-pushgateway',
  prometheus: '/usr/bin/prometheus',
  influxdb: '/usr/bin/influxd',
};

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function defaultStatsdDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('statsd/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * The server's binary (for statsd: the real path of its package directory, holding stats.js),
 * or `undefined` when it is not installed.
 */
export function locateServer(name: ServerName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const override = env[SERVER_ENV[name]];
  if (name === 'statsd') {
    const dir = override ?? defaultStatsdDir();
    return dir !== undefined && readable(join(dir, 'stats.js')) ? realpathSync(dir) : undefined;
  }
  const bin = override ?? DEFAULT_BIN[name];
  return executable(bin) ? bin : undefined;
}

/** Like `locateServer` but throws when missing (call it only after `requireServer`). */
export function serverPath(name: ServerName): string {
  const path = locateServer(name);
  if (path === undefined) throw new Error(missingMessage(name));
  return path;
}

export function missingMessage(name: ServerName): string {
  return `e2e skipped: ${name} not installed; run scripts/install-servers.sh`;
}

/** True when env asks that a missing server fail the run instead of skipping (CI sets it). */
export function e2eRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env['PPC_E2E_REQUIRED'] === '1';
}

/**
 * Call at the top of an e2e file, once, with the servers it needs; pass the result to
 * `describe(title, { skip }, ...)`.
 *
 * Returns `false` when every server is installed. Otherwise prints
 * `e2e skipped: <server> not installed; run scripts/install-servers.sh` for each missing one and
 * returns that text as the skip reason. It also registers one top-level test per missing server:
 * skipped with that reason (a skipped suite alone would not show in the "skipped" count), or,
 * when PPC_E2E_REQUIRED=1 (CI), failing with that message.
 */
export function requireServer(...names: readonly ServerName[]): string | false {
  const missing = names.filter((name) => locateServer(name) === undefined);
  if (missing.length === 0) return false;
  const required = e2eRequired();
  const messages = missing.map(missingMessage);
  for (const [i, message] of messages.entries()) {
    console.log(message);
    const title = `${missing[i] ?? ''} e2e tests`;
    if (required) {
      test(`${title} (PPC_E2E_REQUIRED=1)`, () => {
        throw new Error(message);
      });
    } else {
      test(title, { skip: message }, () => {});
    }
  }
  return messages.join('; ');
}
