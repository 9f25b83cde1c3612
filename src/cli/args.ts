// node:util parseArgs with one-line usage errors, plus the small value parsers the commands share.
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { isValidLabelName } from '../model/names.js';
import { UsageError } from './usage-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  readonly values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  /** Positionals before `--`. */
  readonly positionals: string[];
  /** Everything after the first `--`, or undefined when there was none. */
  readonly afterTerminator: string[] | undefined;
}

/**
 * Strict parsing: unknown options, missing option values and misplaced flags become a
 * UsageError naming the option and the command's `--help`.
 */
export function parseCommandArgs(command: string, args: readonly string[], options: Options): ParsedArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true, tokens: true });
  } catch (error) {
    throw new UsageError(`${command}: ${describeParseError(error)} (see --help)`);
  }
  const positionals: string[] = [];
  let afterTerminator: string[] | undefined;
  for (const token of parsed.tokens) {
    if (token.kind === 'option-terminator') afterTerminator = [];
    else if (token.kind === 'positional') (afterTerminator ?? positionals).push(token.value);
  }
  return { values: parsed.values, positionals, afterTerminator };
}

function describeParseError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const option = /'(-[^']*)'/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    const name = option.split(/[ ,]/)[0];
    return /argument missing/.test(message) ? `option ${name} needs a value` : `option ${name} takes no value`;
  }
  return message.split('\n')[0] ?? message;
}

export function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

export function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `--label k=v` values to ordered pairs; a label given twice keeps the last value. */
export function parseLabelArgs(values: readonly string[]): [string, string][] {
  const labels = new Map<string, string>();
  for (const text of values) {
    const eq = text.indexOf('=');
    const name = eq < 0 ? text : text.slice(0, eq);
    if (eq < 0) throw new UsageError(`--label ${JSON.stringify(text)}: expected NAME=VALUE`);
    if (!isValidLabelName(name)) {
      throw new UsageError(
        `--label ${JSON.stringify(text)}: invalid label name ${JSON.stringify(name)} (must match [a-zA-Z_][a-zA-Z0-9_]*, not start with __)`,
      );
    }
    labels.delete(name);
    labels.set(name, text.slice(eq + 1));
  }
  return [...labels];
}

/** A TCP/UDP port: an integer in 0..65535 (0: any free port). */
export function parsePort(option: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65_535) {
    throw new UsageError(`${option} ${JSON.stringify(text)}: expected a port number 0..65535`);
  }
  return Number(text);
}

/** A positive number of seconds, returned in milliseconds. */
export function parseSeconds(option: string, text: string): number {
  const seconds = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(seconds > 0)) throw new UsageError(`${option} ${JSON.stringify(text)}: expected a number of seconds > 0`);
  return Math.round(seconds * 1000);
}
