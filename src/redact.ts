// Secrets (URL userinfo, tokens in query strings) must never reach an error, a log or a label.

const SECRET_QUERY_KEYS =
  /^(password|passwd|pass|token|access_token|api_key|apikey|key|secret|auth|authorization|u|p)$/i;

/** Returns the URL with userinfo removed and secret-looking query values replaced by `xxxxx`. */
export function redactUrl(url: string | URL): string {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    // Not a URL we can parse: strip anything that looks like userinfo before an @.
    return String(url).replace(/\/\/[^/@]*@/, '//');
  }
  parsed.username = '';
  parsed.password = '';
  for (const key of [...parsed.searchParams.keys()]) {
    if (SECRET_QUERY_KEYS.test(key)) parsed.searchParams.set(key, 'xxxxx');
  }
  return parsed.toString();
}
