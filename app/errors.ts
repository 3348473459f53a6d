/** Problem details (RFC 9457) as the app sends them with `application/problem+json`. */
export interface Problem {
  /** A URI naming the kind of problem; `about:blank` when the status code says it all. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The id to quote when asking about this request (also in the `x-request-id` header). */
  requestId: string;
  /** For validation problems: each bad field and what is wrong with it. */
  errors?: FieldError[];
}

/** One bad field: `path` says where (`body.tags[2]`, `query.lang`, `params.name`). */
export interface FieldError {
  path: string;
  message: string;
}

/** The media type of every error response. */
export const problemContentType = "application/problem+json";

/** Where in the request a validated value came from; the first segment of a FieldError path. */
export type InputLocation = "params" | "query" | "body";

/**
 * Request input that failed its schema: becomes a 400 problem listing every field.
 * Shaped like an http-errors error (`status`, `expose`) so generic handling stays correct.
 */
export class ValidationError extends Error {
  override name = "ValidationError";
  readonly status = 400;
  readonly expose = true;
  constructor(readonly errors: FieldError[]) {
    super(`The request is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
  }
}

/**
 * Formats a zod issue path under its location the way a JS reader writes it:
 * `["tags", 2]` in the body becomes `body.tags[2]`; keys that are not identifiers are quoted.
 */
export function fieldPath(location: InputLocation, path: readonly PropertyKey[]): string {
  let result: string = location;
  for (const key of path) {
    if (typeof key === "number") result += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$]*$/.test(key)) result += `.${key}`;
    else result += `[${JSON.stringify(String(key))}]`;
  }
  return result;
}

/** The problem `type` for a status: the app's own for the ones clients can act on, else `about:blank`. */
export function problemType(status: number): string {
  switch (status) {
    case 400:
      return "https://fleet.example/problems/invalid-request";
    case 413:
      return "https://fleet.example/problems/body-too-large";
    case 415:
      return "https://fleet.example/problems/unsupported-media-type";
    default:
      return "about:blank";
  }
}

/** Builds the problem body for a status; `title` defaults to the standard reason phrase. */
export function problem(status: number, detail: string, requestId: string, errors?: FieldError[]): Problem {
  const body: Problem = { type: problemType(status), title: reasonPhrase(status), status, detail, requestId };
  if (errors) body.errors = errors;
  return body;
}

const reasonPhrases: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
};

/** The standard reason phrase for a status code. */
export function reasonPhrase(status: number): string {
  return reasonPhrases[status] ?? (status >= 500 ? "Server Error" : "Client Error");
}

/** An error that carries an HTTP status (http-errors, koa's `ctx.throw`, ValidationError). */
export interface HttpLikeError {
  status: number;
  expose?: boolean;
  message: string;
  headers?: Record<string, string>;
}

/** True for errors that carry a valid HTTP error status; anything else is unexpected (500). */
export function isHttpLikeError(err: unknown): err is HttpLikeError {
  if (typeof err !== "object" || err === null) return false;
  const status = (err as { status?: unknown }).status;
  return typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599;
}
