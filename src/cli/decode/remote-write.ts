// Reads a Prometheus remote-write 1.0 body (a snappy-compressed `prometheus.WriteRequest`) for the
// `listen` receiver. Schema (prometheus/prompb types.proto, remote.proto), the fields we show:
//   WriteRequest   { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
//   TimeSeries     { repeated Label labels = 1; repeated Sample samples = 2; }
//   Label          { string name = 1; string value = 2; }
//   Sample         { double value = 1; int64 timestamp = 2; }   (milliseconds)
//   MetricMetadata { MetricType type = 1; string metric_family_name = 2; }
// Exemplars and native histograms (fields 3 and 4 of TimeSeries) are skipped.
import { ProtoReader, WIRE_BYTES, WIRE_FIXED64, WIRE_VARINT } from './protobuf.js';

export interface RemoteWriteSample {
  readonly name: string;
  /** Labels other than `__name__`, in the order sent. */
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
  readonly timestampMs: number;
  /** From the request's metadata (`counter`, `gauge`…), '' when it has none for this family. */
  readonly type: string;
}

/** prompb MetricMetadata.MetricType, by enum value. */
const METRIC_TYPES = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];
const FAMILY_SUFFIXES = ['_total', '_bucket', '_count', '_sum', '_created', '_info'];

/** Decodes an uncompressed WriteRequest. Throws ProtobufError on malformed input. */
export function decodeWriteRequest(body: Uint8Array): RemoteWriteSample[] {
  const series: { labels: [string, string][]; samples: [number, number][] }[] = [];
  const types = new Map<string, string>();
  const request = new ProtoReader(body);
  while (!request.done) {
    const { field, wire } = request.tag();
    if (field === 1 && wire === WIRE_BYTES) series.push(timeSeries(request.message()));
    else if (field === 3 && wire === WIRE_BYTES) metadata(request.message(), types);
    else request.skip(wire);
  }
  const out: RemoteWriteSample[] = [];
  for (const { labels, samples } of series) {
    const name = labels.find(([n]) => n === '__name__')?.[1] ?? '';
    const rest = labels.filter(([n]) => n !== '__name__');
    const type = typeOf(name, types);
    for (const [value, timestampMs] of samples) out.push({ name, labels: rest, value, timestampMs, type });
  }
  return out;
}

function timeSeries(r: ProtoReader): { labels: [string, string][]; samples: [number, number][] } {
  const labels: [string, string][] = [];
  const samples: [number, number][] = [];
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_BYTES) labels.push(label(r.message()));
    else if (field === 2 && wire === WIRE_BYTES) samples.push(sample(r.message()));
    else r.skip(wire);
  }
  return { labels, samples };
}

function label(r: ProtoReader): [string, string] {
  let name = '';
  let value = '';
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_BYTES) name = r.string();
    else if (field === 2 && wire === WIRE_BYTES) value = r.string();
    else r.skip(wire);
  }
  return [name, value];
}

function sample(r: ProtoReader): [number, number] {
  let value = 0;
  let timestamp = 0;
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_FIXED64) value = r.double();
    else if (field === 2 && wire === WIRE_VARINT) timestamp = r.int64();
    else r.skip(wire);
  }
  return [value, timestamp];
}

function metadata(r: ProtoReader, types: Map<string, string>): void {
  let type = 0;
  let family = '';
  while (!r.done) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WIRE_VARINT) type = r.varint();
    else if (field === 2 && wire === WIRE_BYTES) family = r.string();
    else r.skip(wire);
  }
  if (family !== '') types.set(family, METRIC_TYPES[type] ?? 'unknown');
}

function typeOf(name: string, types: ReadonlyMap<string, string>): string {
  const exact = types.get(name);
  if (exact !== undefined) return exact;
  for (const suffix of FAMILY_SUFFIXES) {
    if (name.endsWith(suffix)) {
      const type = types.get(name.slice(0, -suffix.length));
      if (type !== undefined) return type;
    }
  }
  return '';
}
