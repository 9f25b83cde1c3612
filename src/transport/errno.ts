// Node reports socket failures as Errors with a `code` (ECONNREFUSED, ENOTFOUND…), and with
// happy-eyeballs (Node 20's default `autoSelectFamily`) as an AggregateError whose own message
// is empty. Messages must still say what failed, so both shapes are flattened here. An OpenSSL
// failure's message is OpenSSL's whole error line (`803C8C16907F0000:error:0A00045C:SSL
// routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/…:1601:SSL alert
// number 116`); its `reason` (`tlsv13 alert certificate required`) is what a reader needs.

export interface ErrnoDescription {
  /** `ECONNREFUSED`, `ENOTFOUND`, `EMSGSIZE`…; `UNKNOWN` when the error carries none. */
  readonly code: string;
  /** A one-line cause that always contains the code. */
  readonly text: string;
}

export function describeErrno(error: unknown): ErrnoDescription {
  const code = errnoCode(error) ?? 'UNKNOWN';
  const reason = (error as { reason?: unknown } | null | undefined)?.reason;
  let message =
    typeof reason === 'string' && reason !== '' ? reason : error instanceof Error ? error.message : String(error);
  if (message === '' && error instanceof AggregateError) {
    const first: unknown = error.errors[0];
    message = first instanceof Error ? first.message : '';
  }
  if (message === '') message = code;
  const text = message.includes(code) ? message : `${message} (${code})`;
  return { code, text };
}

export function errnoCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  if (error instanceof AggregateError) return errnoCode(error.errors[0]);
  return undefined;
}
