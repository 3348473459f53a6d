/**
 * Normalizes a configured base path: leading `/`, no trailing `/`; `undefined` when it is empty or `/`.
 * @example normalizeBasePath("api/") // "/api"
 */
export function normalizeBasePath(basePath: string | undefined): string | undefined {
  const trimmed = (basePath ?? "").trim().replace(/\/+$/, "");
  if (trimmed === "") return undefined;
  return trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

/**
 * Removes `prefix` from `path` only when it is a whole leading segment run: `/api` strips from `/api` and
 * `/api/x` but not from `/apiary`. serverless-http's own basePath matches anywhere in the path, hence this.
 */
export function stripPathPrefix(path: string, prefix: string | undefined): string {
  if (!prefix) return path;
  if (path === prefix) return "/";
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}

/**
 * The path prefix a named HTTP API stage puts in front of the route (`/beta`), or undefined for `$default` (which
 * adds none) and for no stage. HTTP APIs put it in payload 2.0's `rawPath` (captured: test/fixtures/aws-events,
 * SOURCES.md #19 and #23) and in payload 1.0's `path`: serverless-http#143 quotes an HTTP API 1.0 event on stage
 * `dev` with `path: "/dev/test"` and `requestContext.stage: "dev"`, and lambda-api#136 reports the same. AWS's own
 * 1.0 example is on `$default`, where `path` is the route (`/my/path`). REST APIs never put the stage in `path`.
 */
export function namedStagePrefix(stage: string | undefined): string | undefined {
  return stage && stage !== "$default" ? `/${stage}` : undefined;
}

// RFC 3986 pchar plus `/`, and `%` so percent-encoding stays exactly as delivered.
const notInPath = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu;
// The same set: most paths hold nothing else and are returned as they are, with no replace pass.
const onlyPathCharacters = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;

/**
 * Makes a delivered path safe as a request target: characters a path cannot hold (space, `?`, `#`, non-ASCII)
 * are percent-encoded, existing `%XX` sequences are left alone, and it always starts with `/`.
 */
export function toRequestPath(path: string): string {
  if (path.startsWith("/") && onlyPathCharacters.test(path)) return path;
  const encoded = path.replace(notInPath, (char) => encodeURIComponent(char));
  return encoded.startsWith("/") ? encoded : `/${encoded}`;
}
