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
  /**
   * Whether a pusher may encode a big snapshot in slices (marked `continued`/`last`) and yield
   * to the event loop between them. `'body'`: the slices' payloads, concatenated in order, are
   * exactly the whole snapshot's single payload. `'messages'`: every payload parses on its own.
   * Absent: never sliced.
   */
  readonly sliceFraming?: SliceFraming;
  /**
   * Hands back ALL the payloads of an earlier `encode` once nothing reads them any more (every
   * send of them has settled on a transport that keeps nothing: Transport.releasesPayload): a
   * later encode may write over their bytes instead of allocating. Optional for encoders and
   * for callers; an encoder keeps at most one buffer this way.
   */
  recycle?(payloads: readonly Uint8Array[]): void;
}

export type SliceFraming = 'body' | 'messages';

export interface EncoderOptions {
  /** Largest payload in bytes; default Infinity (one payload) for HTTP formats. */
  readonly maxPayloadBytes?: number;
  /** Receives lines dropped because they cannot fit in any payload. Default: ignore. */
  readonly onOversize?: OversizeHandler;
}
