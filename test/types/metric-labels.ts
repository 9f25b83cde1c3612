// Compile-time checks of label typing (run by `tsc -p tsconfig.json --noEmit`; never executed).
// Each `@ts-expect-error` line must fail to compile; the other lines must compile.
import { Counter, Enum, Gauge, Histogram, Info, Registry, Summary } from '../../src/index.js';
import type { CounterChild, HistogramChild, LabelsObject } from '../../src/index.js';

const registry = new Registry();

const requests = new Counter({
  name: 'requests',
  labelNames: ['host', 'service'] as const,
  defaultLabels: { host: 'box1' },
  registry,
});

// Object form: the defaulted label is optional, the other one required.
requests.labels({ service: 'billing' }).inc();
requests.labels({ host: 'other', service: 'billing' }).inc();
requests.labels({ service: 'billing', host: 7 }).inc(2);
// @ts-expect-error missing the non-defaulted label `service`
requests.labels({ host: 'other' });
// @ts-expect-error wrong label name
requests.labels({ service: 'billing', hots: 'x' });
// @ts-expect-error label values are strings or numbers
requests.labels({ service: true });
// @ts-expect-error a defaulted label cannot be set to undefined explicitly
requests.labels({ service: 'billing', host: undefined });

// Positional form, in labelNames order; numbers allowed.
requests.labels('other', 'billing').inc();
requests.labels('billing').inc();
requests.labels('other', 200).inc();
// @ts-expect-error positional values are strings or numbers
requests.labels('other', null);

// Children are typed.
const child: CounterChild = requests.labels({ service: 'x' });
child.inc();
// @ts-expect-error a counter child has no dec()
child.dec(); // eslint-disable-line @typescript-eslint/no-unsafe-call

// remove() takes the same forms.
requests.remove({ service: 'billing' });
requests.remove('other', 'billing');
// @ts-expect-error wrong label name
requests.remove({ servce: 'billing' });

// Labels inferred from an inline array literal too (no `as const`).
const inline = new Gauge({ name: 'inline', labelNames: ['a', 'b'], registry });
inline.labels({ a: 1, b: 2 }).set(1);
// @ts-expect-error `c` is not a label name
inline.labels({ a: 1, b: 2, c: 3 });

// A default for a name that is not a label fails.
// @ts-expect-error `nope` is not in labelNames
new Counter({ name: 'bad_default', labelNames: ['a'], defaultLabels: { nope: 1 }, registry });

// A metric without labelNames has no usable labels(), and takes direct calls.
const bare = new Counter({ name: 'bare', registry });
bare.inc();
// @ts-expect-error no label names
bare.labels();
// @ts-expect-error no label names
bare.labels({});
// @ts-expect-error no label names
bare.labels('x');
// @ts-expect-error no label names
bare.remove({});

// time() and startTimer(): labels first on a labelled metric, none otherwise; results typed.
const latency = new Histogram({ name: 'latency', unit: 'seconds', labelNames: ['service'] as const, registry });
const sync: string = latency.time({ service: 'api' }, () => 'x');
const later: Promise<number> = latency.time({ service: 'api' }, () => Promise.resolve(1));
const end: () => number = latency.startTimer({ service: 'api' });
const held: HistogramChild = latency.labels({ service: 'api' });
held.observe(0.25);
// @ts-expect-error labels required for a labelled metric
latency.time(() => 1);
// @ts-expect-error wrong label name
latency.startTimer({ svc: 'api' });
const plain = new Summary({ name: 'plain', registry });
const value: number = plain.time(() => 1);
plain.startTimer()();
// @ts-expect-error no labels on a metric without label names
plain.time({}, () => 1);
// @ts-expect-error no labels on a metric without label names
plain.startTimer({});

// Info takes no unit; Enum states are typed.
new Info({ name: 'build', registry }).info({ version: '1.0.0' });
// @ts-expect-error info metrics have no unit
new Info({ name: 'build2', unit: 'seconds', registry });
const phase = new Enum({ name: 'phase', states: ['starting', 'running'] as const, registry });
phase.state('running');
// @ts-expect-error not one of the states
phase.state('stopped');

// The object type is usable on its own.
const labels: LabelsObject<'host' | 'service', 'host'> = { service: 's' };
requests.labels(labels);

export { sync, later, end, value };
