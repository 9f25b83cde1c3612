// Reading Pushgateway grouping paths, `job/<job>{/<label>/<value>}` after `/metrics`, with the
// `@base64` form (a `<name>@base64` segment means its value is RFC 4648 URL-safe base64, padding
// optional, `=` for the empty value: PROTOCOLS §2.4). Used for `--to pushgateway+http://…/job/x`
// targets and, in `listen`, to show the grouping labels of what a job pushes. Writing such paths
// is the Pushgateway preset's job (src/presets/pushgateway-path.ts).

/** A grouping key: the job and the other labels, in path order. */
export interface Grouping {
  readonly job: string;
  readonly labels: readonly (readonly [string, string])[];
}

/** Why a path is not a grouping path. */
export class GroupingPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GroupingPathError';
  }
}

const BASE64 = '@base64';

/** Reads raw (still percent-encoded) segments `job`, `<job>`, `<k>`, `<v>`… Throws GroupingPathError. */
export function parseGrouping(segments: readonly string[]): Grouping {
  const pairs: [string, string][] = [];
  if (segments.length % 2 !== 0) throw new GroupingPathError('grouping path has an odd number of components');
  for (let i = 0; i < segments.length; i += 2) {
    let name = decode(segments[i]!);
    let value = decode(segments[i + 1]!);
    if (name.endsWith(BASE64)) {
      name = name.slice(0, -BASE64.length);
      value = Buffer.from(value.replace(/=+$/, ''), 'base64url').toString('utf8');
    }
    if (name === '') throw new GroupingPathError('empty label name in grouping path');
    if (pairs.some(([n]) => n === name)) throw new GroupingPathError(`label ${name} appears twice in grouping path`);
    pairs.push([name, value]);
  }
  const [first, ...labels] = pairs;
  if (first === undefined || first[0] !== 'job')
    throw new GroupingPathError('grouping path must start with job/<name>');
  if (first[1] === '') throw new GroupingPathError('empty job name in grouping path');
  return { job: first[1], labels };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new GroupingPathError(`bad percent-encoding in ${JSON.stringify(segment)}`);
  }
}
