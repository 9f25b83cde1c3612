// Prometheus Pushgateway: Prometheus text 0.0.4 over HTTP PUT (default) or POST, to the group
// `/metrics/job/<job>{/<label>/<value>}` (see pushgateway-path.ts for the `@base64` rule).
//
// Never OpenMetrics: the Pushgateway parses any text body with the 0.0.4 parser, and an
// OpenMetrics counter (`# TYPE x counter` + `x_total`) would be stored as untyped families
// (PROTOCOLS §1). Never timestamps (it rejects them). PUT replaces the whole group at every push
// (so series you removed disappear); POST replaces only the families pushed.
//
// The Pushgateway is a cache, not a TTL store (pushgateway #19, declined; PROTOCOLS §4 item 7): a
// group stays, with its last values, until someone deletes it, and Prometheus keeps scraping it.
// That is right for the outcome of a batch job ("last run processed N rows"), wrong for a job
// that ran once on a host that is gone. `deleteOnStop: true` DELETEs the group after the final
// push (of `stop()`, or of a `run()`/`wrap()` session that started the pusher), within
// `stopTimeoutMs`; the DELETE is sent even when the final push failed. Prefer no `instance` label
// for service-level batch jobs (Prometheus docs, "When to use the Pushgateway"), and scrape the
// Pushgateway with `honor_labels: true`.
//
// Refused at push time (ERR_INVALID_ARG, nothing sent): metrics that carry `job` or a grouping
// label (pushgateway-clash.ts).
import { prometheusTextEncoder, PROMETHEUS_TEXT_CONTENT_TYPE } from '../encoding/prometheus-text.js';
import type { Encoder } from '../encoding/encoder.js';
import { InvalidArgumentError } from '../errors.js';
import { isValidLabelName, quote } from '../model/names.js';
import { periodicPusher } from '../push/periodic-pusher.js';
import type { Pusher } from '../push/pusher.js';
import { redactUrl } from '../redact.js';
import { groupingClashCheck } from './pushgateway-clash.js';
import { groupPath } from './pushgateway-path.js';
import {
  batchPusherOptions,
  checkInterval,
  checkMethod,
  checkOptionsObject,
  checkUrl,
  presetHttpTransport,
} from './preset-options.js';
import type { HttpPresetOptions } from './preset-options.js';

export interface PushgatewayOptions extends HttpPresetOptions {
  /**
   * The Pushgateway's base URL, e.g. `http://pushgateway:9091`, or with the path prefix of a
   * proxy in front of it (`https://gw.example/pgw`); not a group URL (the preset builds that).
   */
  readonly url: string | URL;
  /** The `job` grouping label (required, non-empty). */
  readonly job: string;
  /** More grouping labels, in URL order; values that are not plain path segments go in `@base64`. */
  readonly grouping?: Readonly<Record<string, string | number>>;
  /** `PUT` (default): replace the group at every push; `POST`: replace only the families pushed. */
  readonly method?: 'PUT' | 'POST';
  /** DELETE the group after the final push. Default false. */
  readonly deleteOnStop?: boolean;
}

/** Creates a batch pusher (not started) to one Pushgateway group. */
export function pushgateway(options: PushgatewayOptions): Pusher {
  const preset = 'pushgateway';
  checkOptionsObject(preset, options);
  const url = checkUrl(preset, options.url);
  if (/\/metrics(\/|$)/.test(url.pathname)) {
    throw new InvalidArgumentError(
      `${preset}: url must be the Pushgateway's base URL (a proxy path prefix is fine), not a group URL: ` +
        `got ${quote(redactUrl(url))}; pass the job and grouping labels as options`,
    );
  }
  const job = options.job as unknown;
  if (typeof job !== 'string' || job === '') {
    throw new InvalidArgumentError(`${preset}: job must be a non-empty string, got ${quote(job)}`);
  }
  const grouping = checkGrouping(preset, options.grouping);
  const method = checkMethod(preset, options.method, ['PUT', 'POST'], 'PUT');
  const intervalMs = checkInterval(preset, options);
  const deleteOnStop = options.deleteOnStop === true;

  const path = groupPath(url.pathname.replace(/\/+$/, ''), job, grouping) + url.search;
  const transport = presetHttpTransport(options, {
    url,
    method,
    contentType: PROMETHEUS_TEXT_CONTENT_TYPE,
    intervalMs,
  });
  const groupingMap = new Map<string, string>([['job', job], ...grouping]);
  return periodicPusher({
    ...batchPusherOptions(options, transport, intervalMs),
    encoder: alwaysOnePayload(prometheusTextEncoder()),
    sendOptions: { method, path },
    hooks: {
      prepare: groupingClashCheck(redactUrl(new URL(path, url)), groupingMap),
      ...(deleteOnStop && {
        afterFinalPush: ({ transport: open, signal }) =>
          open.send(new Uint8Array(0), { method: 'DELETE', path, signal }),
      }),
    },
  });
}

/** Validated grouping pairs, in the caller's order. */
function checkGrouping(preset: string, grouping: unknown): [string, string][] {
  if (grouping === undefined) return [];
  if (typeof grouping !== 'object' || grouping === null || Array.isArray(grouping)) {
    throw new InvalidArgumentError(
      `${preset}: grouping must be an object of label names to values, got ${quote(grouping)}`,
    );
  }
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(grouping as Record<string, unknown>)) {
    if (!isValidLabelName(name)) {
      throw new InvalidArgumentError(
        `${preset}: invalid grouping label name ${quote(name)} (must match [a-zA-Z_][a-zA-Z0-9_]*, not start with "__")`,
      );
    }
    if (name === 'job') {
      throw new InvalidArgumentError(`${preset}: grouping must not contain "job"; pass it as the job option`);
    }
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      throw new InvalidArgumentError(
        `${preset}: grouping label ${quote(name)} must be a string or a finite number, got ${quote(value)}`,
      );
    }
    pairs.push([name, String(value)]);
  }
  return pairs;
}

/**
 * A registry with nothing to show still pushes an empty body: with PUT it empties the group, and
 * either method refreshes `push_time_seconds`, which is what "the job is alive" alerts watch.
 */
function alwaysOnePayload(encoder: Encoder): Encoder {
  return {
    contentType: encoder.contentType,
    ...(encoder.sliceFraming !== undefined && { sliceFraming: encoder.sliceFraming }),
    encode(snapshot) {
      const payloads = encoder.encode(snapshot);
      return payloads.length > 0 ? payloads : [new Uint8Array(0)];
    },
    ...(encoder.recycle !== undefined && { recycle: encoder.recycle.bind(encoder) }),
  };
}
