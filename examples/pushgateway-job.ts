// A nightly batch job that reports its outcome to a Pushgateway group, once, when it ends
// (even if it throws). Run: PUSHGATEWAY_URL=http://127.0.0.1:9091 npx tsx examples/pushgateway-job.ts
import os from 'node:os';
import { Counter, Gauge, Histogram, pushgateway } from 'prometheus-push-client';

const rows = new Counter({
  name: 'rows_processed',
  help: 'Rows the job processed',
  namespace: 'acme',
  labelNames: ['host', 'table'] as const,
  defaultLabels: { host: os.hostname() }, // a default for SOME labels: `host` may be omitted below
});
const lastSuccess = new Gauge({ name: 'acme_last_success_timestamp_seconds', help: 'When the job last succeeded' });
const batchLatency = new Histogram({ name: 'acme_batch_duration', unit: 'seconds', help: 'Time per batch' });

const pusher = pushgateway({
  url: process.env['PUSHGATEWAY_URL'] ?? 'http://127.0.0.1:9091',
  job: 'nightly-import',
  grouping: { shard: '3' },
});

await pusher.run(() => {
  for (const table of ['users', 'orders']) {
    batchLatency.time(() => {
      rows.labels({ table }).inc(table === 'users' ? 120 : 45);
    });
  }
  lastSuccess.set(1_700_000_000);
});
