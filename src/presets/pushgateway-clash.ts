// client_golang's rule (push.go): a metric that already carries `job` or a grouping label is not
// pushed. The Pushgateway would silently overwrite that label with the grouping key's value
// (SERVERS §2: `conf_metric{job="other"}` pushed to /metrics/job/conf is stored with
// job="conf"), so two series could collapse into one without anyone noticing.
//
// Checked at push time (the `prepare` hook), not when a metric is created: metrics do not know
// where they will be pushed, and one registry may feed several pushers. A clash fails the whole
// push with ERR_INVALID_ARG naming the metric and the label, reported like any push failure
// (onError, or the rejection of pushNow()); nothing is sent.
import { InvalidArgumentError } from '../errors.js';
import { quote } from '../model/names.js';
import type { MetricFamily, Snapshot } from '../model/snapshot.js';

/** Returns a `prepare` hook that passes a snapshot through unchanged, or throws on a clash. */
export function groupingClashCheck(
  target: string,
  grouping: ReadonlyMap<string, string>,
): (snapshot: Snapshot) => Snapshot {
  // Label-name arrays are stable for a metric's life: check each once.
  const clean = new WeakSet<readonly string[]>();

  function refuse(what: string, label: string): never {
    throw new InvalidArgumentError(
      `pushgateway ${target}: ${what} has the label ${quote(label)}, which the grouping key sets to ` +
        `${quote(grouping.get(label))}; push refused (the Pushgateway would silently replace it). ` +
        'Rename the label or leave it out of the grouping.',
      { target },
    );
  }

  function checkNames(what: string, names: readonly string[]): void {
    if (clean.has(names)) return;
    for (const name of names) if (grouping.has(name)) refuse(what, name);
    clean.add(names);
  }

  function checkFamily(family: MetricFamily): void {
    const what = `metric ${quote(family.name)}`;
    checkNames(what, family.labelNames);
    // The labels a sample adds itself clash just the same.
    if (family.type === 'histogram' && grouping.has('le')) refuse(what, 'le');
    if (family.type === 'summary' && family.quantiles.length > 0 && grouping.has('quantile')) refuse(what, 'quantile');
    if (family.type === 'stateset' && grouping.has(family.name)) refuse(what, family.name);
    if (family.type === 'info') for (const series of family.series) checkNames(what, series.infoNames);
  }

  return (snapshot) => {
    for (const name of snapshot.defaultLabelNames) {
      if (grouping.has(name)) refuse('the registry (default labels)', name);
    }
    for (const family of snapshot.families) checkFamily(family);
    return snapshot;
  };
}
