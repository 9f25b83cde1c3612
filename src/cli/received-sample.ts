// What the `listen` receiver reports: one decoded sample, whatever the wire format it came in.

export type ReceivedFormat = 'influx' | 'statsd' | 'prometheus' | 'openmetrics' | 'pushgateway' | 'remote-write';

export interface ReceivedSample {
  readonly format: ReceivedFormat;
  /** How it arrived. */
  readonly via: 'udp' | 'http';
  /**
   * The series name as the receiving store would name it: Influx `{measurement}_{field}`, or the
   * field key alone when the measurement is empty (VictoriaMetrics); StatsD the key as sent.
   */
  readonly name: string;
  /** Labels in the order they were sent (Pushgateway: grouping labels override body labels). */
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  /**
   * What the payload says about the kind of value, '' when nothing: the `# TYPE` of a text
   * family (`untyped` without one), remote-write metadata, the Influx field type (`float`,
   * `int`, `uint`, `bool`), or the StatsD type with its extras (`c`, `g`, `g relative`, `ms@0.1`).
   */
  readonly type: string;
  /** The sample's own timestamp, when the payload carried one. */
  readonly timestampMs: number | undefined;
}

/** Label pairs to a record that keeps their order and never touches Object.prototype. */
export function labelRecord(pairs: Iterable<readonly [string, string]>): Record<string, string> {
  return Object.fromEntries(pairs);
}
