/**
 * The URL of `path` under a region's base URL, the base's own path (the REST stage prefix `/dev/`) always kept:
 * the path is appended, never resolved, so `//x` or `/http://host/` cannot leave the region or drop the prefix.
 * @throws Error when `path` does not start with `/`
 * @example regionUrl("https://x.execute-api.eu-west-1.amazonaws.com/dev/", "/health?deep=1") // ".../dev/health?deep=1"
 */
export function regionUrl(base: string, path: string): string {
  if (!path.startsWith("/")) throw new Error(`path '${path}' must start with '/'`);
  const url = new URL(base);
  url.search = "";
  url.hash = "";
  const prefix = url.href.endsWith("/") ? url.href : `${url.href}/`;
  return new URL(`${prefix}${path.slice(1)}`).href;
}
