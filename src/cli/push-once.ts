// One push of a snapshot to every target at once, as the commands need it: each target's
// failure is one line on stderr, and the result says how many targets failed.
import { PushError } from '../errors.js';
import type { SnapshotSource } from '../push/periodic-pusher.js';
import type { Pusher } from '../push/pusher.js';
import { connect } from './connect.js';
import type { Target } from './targets.js';
import { errorLine, UsageError } from './usage-error.js';

export interface PreparedPush {
  /** Pushes what `source` collects now to every target, once; resolves with the failed target count. */
  push(): Promise<number>;
}

/**
 * Creates every target's pusher up front, so a target that cannot be used is a usage error
 * before anything runs. Nothing is sent until `push()`.
 */
export function preparePush(
  targets: readonly Target[],
  options: { readonly source: SnapshotSource; readonly timeoutMs: number; readonly job?: string },
): PreparedPush {
  const failed = new Set<Target>();
  const pushers: Pusher[] = targets.map((target) => {
    try {
      return connect(target, {
        source: options.source,
        timeoutMs: options.timeoutMs,
        job: options.job,
        onError: (error: PushError) => {
          failed.add(target);
          process.stderr.write(errorLine(`push to ${target.display} failed: ${error.message}`) + '\n');
        },
      });
    } catch (error) {
      // A preset refusing its options is a problem with the target as given.
      if (error instanceof PushError && error.code === 'ERR_INVALID_ARG') {
        throw new UsageError(`--to ${target.display}: ${error.message}`);
      }
      throw error;
    }
  });
  return {
    async push() {
      // stop() is the final push then close; it never rejects (failures went to onError).
      await Promise.all(pushers.map((pusher) => pusher.stop()));
      return failed.size;
    },
  };
}
