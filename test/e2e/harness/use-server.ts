// The lifecycle every e2e describe block needs: start one real server before its tests, stop it
// after them (also when a test failed), and hand the tests an accessor that fails clearly when
// the server never started, instead of a TypeError on `undefined`.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';

export interface StoppableServer {
  stop(): Promise<void>;
}

/**
 * In the calling describe block: starts the server with `start` before its tests and stops it
 * after them. `beforeStop` runs first in that after hook (end-of-file checks on the server);
 * the server is stopped even when it throws.
 */
export function useServer<T extends StoppableServer>(
  name: string,
  start: () => Promise<T>,
  beforeStop?: (server: T) => Promise<void>,
): () => T {
  let server: T | undefined;
  before(async () => {
    server = await start();
  });
  after(async () => {
    try {
      if (server !== undefined && beforeStop !== undefined) await beforeStop(server);
    } finally {
      await server?.stop();
    }
  });
  return (): T => {
    assert.ok(server, `${name} did not start`);
    return server;
  };
}
