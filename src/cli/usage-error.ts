// Bad command-line input: reported as ONE line on stderr (`prometheus-push-client: <what>`) with
// exit status 2, the convention of POSIX utilities for usage errors.

export const PROGRAM = 'prometheus-push-client';
export const USAGE_EXIT_CODE = 2;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `prometheus-push-client: <message>` on one line, whatever newlines the message had. */
export function errorLine(message: string): string {
  return `${PROGRAM}: ${oneLine(message)}`;
}

/** Collapses newlines and runs of whitespace, so one problem is always one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
