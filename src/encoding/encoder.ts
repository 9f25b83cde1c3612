import type { Snapshot } from '../model/snapshot.js';
import type { OversizeHandler } from './framing.js';

/**
 * Turns a snapshot into payloads. Pure: the same snapshot gives the same bytes, and encoding
 * never throws for any value a metric can hold (non-finite values follow the format's rule).
 * Each payload is at most `maxPayloadBytes` and ends on a line boundary.
 */
export interface Encoder {
  /** The HTTP Content-Type of a payload (informational for UDP formats). */
  readonly contentType: string;
  encode(snapshot: Snapshot): Uint8Array[];
}

export interface EncoderOptions {
  /** Largest payload in bytes; default Infinity (one payload) for HTTP formats. */
  readonly maxPayloadBytes?: number;
  /** Receives lines dropped because they cannot fit in any payload. Default: ignore. */
  readonly onOversize?: OversizeHandler;
}
