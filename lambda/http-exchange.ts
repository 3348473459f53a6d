/**
 * The format-neutral request and response the event processors translate to and from.
 * Everything format-specific (where the path, query, headers and cookies live) stays in processors/.
 */

/** What the Koa app is asked, after an event has been normalized. */
export interface NormalizedRequest {
  method: string;
  /** The path as delivered (percent-encoding kept), stage and base path already stripped. */
  path: string;
  /** The query string without `?`, already percent-encoded; empty for none. */
  query: string;
  /** Lower-case names; repeated values joined the way Node joins them (`cookie` with `; `, others with `, `). */
  headers: Record<string, string>;
  body: Buffer;
  sourceIp: string | undefined;
}

/** What the Koa app answered: every header keeps every value. */
export interface HttpResult {
  statusCode: number;
  /** Lower-case names, one array of values each (Set-Cookie usually has several). */
  headers: Record<string, string[]>;
  /** The bytes, or the body already decoded as UTF-8 text (the adapter's answers of a text media type). */
  body: Buffer | string;
}
