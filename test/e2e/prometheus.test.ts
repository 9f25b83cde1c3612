// Prometheus 2.42 as a remote-write receiver: for now only proof that the harness starts it and it
// answers. Remote-write e2e tests come with the remote-write encoder.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { httpRequest } from './harness/net.js';
import { requireServer } from './harness/require-server.js';
import { startPrometheus } from './harness/prometheus.js';
import { useServer } from './harness/use-server.js';

const skip = requireServer('prometheus');

describe('Prometheus 2.42: harness smoke', { skip }, () => {
  const server = useServer('Prometheus', startPrometheus);

  it('answers /-/ready and an instant query at an explicit time', async () => {
    const ready = await httpRequest('GET', `${server().url}/-/ready`);
    assert.equal(ready.status, 200);
    assert.equal(ready.body.trim(), 'Prometheus Server is Ready.');
    const t = Math.floor(Date.now() / 1000);
    assert.deepEqual(await server().query('vector(42)', t), [{ metric: {}, value: [t, '42'] }]);
  });

  it('has the remote-write receiver on: a body that is not snappy gets 400, not 404', async () => {
    const res = await httpRequest('POST', `${server().url}/api/v1/write`, { body: 'not snappy' });
    assert.equal(res.status, 400);
    assert.match(res.body, /snappy: corrupt input/);
  });
  // Remote write itself (every metric type read back, a bad sample failing the whole request)
  // is covered in remote-write.test.ts.
});
