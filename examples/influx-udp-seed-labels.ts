// The seed's headline example: default values for SOME labels, including the VictoriaMetrics
// cluster tenant, pushed as Influx line protocol over UDP every 15 s and once more at the end.
// Run: VM_HOST=127.0.0.1 VM_INFLUX_PORT=8089 npx tsx examples/influx-udp-seed-labels.ts
import { Counter, influxUdp } from 'prometheus-push-client';

const counter1 = new Counter({
  name: 'c1',
  labelNames: ['vm_account_id', 'host', 'event_type'] as const,
  defaultLabels: { vm_account_id: 0, host: 'web-1' },
});

const pusher = influxUdp({
  host: process.env['VM_HOST'] ?? '127.0.0.1',
  port: Number(process.env['VM_INFLUX_PORT'] ?? 8089),
  intervalMs: 15_000,
});

// The seed's decorator form: the wrapped function pushes once when its outermost call ends.
const main = pusher.wrap((events: readonly string[]) => {
  for (const eventType of events) counter1.labels({ event_type: eventType }).inc(); // regular usage
  counter1.labels({ host: 'non-default', event_type: 'login' }).inc(); // overriding a default
  counter1.labels('non-default', 'login').inc(); // positional: defaults fill the MISSING LEADING labels
  return events.length;
});

console.log(`processed ${await main(['login', 'logout', 'login'])} events`);
