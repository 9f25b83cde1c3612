// Run by harness.test.ts in a child process with a server location pointing nowhere, to check
// what an e2e file does when its server is missing (skip, or fail under PPC_E2E_REQUIRED=1).
import { describe, it } from 'node:test';
import { requireServer } from './require-server.js';

const skip = requireServer('victoria-metrics');

describe('probe needing victoria-metrics', { skip }, () => {
  it('would talk to the server', () => {});
});
