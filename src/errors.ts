// Every error the library reports is a PushError with a stable `code`; callers branch on the
// code, never on the message. Messages name the (redacted) target and the cause.

export type PushErrorCode =
  | 'ERR_INVALID_ARG'
  | 'ERR_METRIC_CONFLICT'
  | 'ERR_HTTP_STATUS'
  | 'ERR_NETWORK'
  | 'ERR_TIMEOUT'
  | 'ERR_PAYLOAD_TOO_LARGE'
  | 'ERR_CLOSED'
  /** A collect, encoder, hook or transport threw instead of returning: a bug, reported, never rethrown. */
  | 'ERR_INTERNAL';

export interface PushErrorOptions {
  /** Redacted target (no userinfo, no secrets), e.g. `http://vm:8428/write`. */
  readonly target?: string;
  readonly cause?: unknown;
}

export class PushError extends Error {
  readonly code: PushErrorCode;
  readonly target: string | undefined;

  constructor(code: PushErrorCode, message: string, options: PushErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PushError';
    this.code = code;
    this.target = options.target;
  }
}

/** Bad input from the caller: a name, label, option or value that cannot be used. */
export class InvalidArgumentError extends PushError {
  constructor(message: string, options?: PushErrorOptions) {
    super('ERR_INVALID_ARG', message, options);
    this.name = 'InvalidArgumentError';
  }
}

/** A metric with the same name but a different shape is already registered. */
export class MetricConflictError extends PushError {
  constructor(message: string, options?: PushErrorOptions) {
    super('ERR_METRIC_CONFLICT', message, options);
    this.name = 'MetricConflictError';
  }
}

/** The target answered with a non-2xx status. `body` is at most 1 KiB of its answer. */
export class HttpStatusError extends PushError {
  readonly status: number;
  readonly body: string;
  /** Seconds from a Retry-After header, when the server sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, body: string, options: PushErrorOptions & { retryAfterSeconds?: number } = {}) {
    const where = options.target === undefined ? '' : ` from ${options.target}`;
    const excerpt = body === '' ? '' : `: ${body}`;
    super('ERR_HTTP_STATUS', `HTTP ${status}${where}${excerpt}`, options);
    this.name = 'HttpStatusError';
    this.status = status;
    this.body = body;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Connection refused or reset, DNS failure, socket error. */
export class NetworkError extends PushError {
  constructor(message: string, options?: PushErrorOptions) {
    super('ERR_NETWORK', message, options);
    this.name = 'NetworkError';
  }
}

/** The request or the whole push did not finish within its time limit. */
export class TimeoutError extends PushError {
  constructor(message: string, options?: PushErrorOptions) {
    super('ERR_TIMEOUT', message, options);
    this.name = 'TimeoutError';
  }
}

/** A single line is larger than the payload limit; it is dropped, never split. */
export class PayloadTooLargeError extends PushError {
  readonly bytes: number;
  readonly limit: number;

  constructor(bytes: number, limit: number, excerpt: string, options?: PushErrorOptions) {
    super(
      'ERR_PAYLOAD_TOO_LARGE',
      `line of ${bytes} bytes exceeds maxPayloadBytes ${limit}, dropped: ${excerpt}`,
      options,
    );
    this.name = 'PayloadTooLargeError';
    this.bytes = bytes;
    this.limit = limit;
  }
}

export function isPushError(value: unknown): value is PushError {
  return value instanceof PushError;
}
