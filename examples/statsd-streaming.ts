// Streaming mode: every change is sent over UDP (coalesced per event-loop turn) as native StatsD
// events, so a StatsD daemon or statsd_exporter sees each observation.
// Run: STATSD_HOST=127.0.0.1 STATSD_PORT=8125 npx tsx examples/statsd-streaming.ts
import { Counter, Histogram, statsdUdpStream } from 'prometheus-push-client';

const jobs = new Counter({ name: 'worker_jobs', help: 'Jobs handled', labelNames: ['queue'] as const });
const jobSeconds = new Histogram({ name: 'worker_job_duration_seconds', help: 'Job duration' });

const pusher = statsdUdpStream({
  host: process.env['STATSD_HOST'] ?? '127.0.0.1',
  port: Number(process.env['STATSD_PORT'] ?? 8125),
  prefix: 'worker.',
});

await pusher.run(() => {
  jobSeconds.time(() => {
    jobs.labels({ queue: 'emails' }).inc(); // `.time()` works in streaming mode too
  });
  jobs.labels({ queue: 'emails' }).inc(2); // summed with the first: one `|c` line of 3
});
