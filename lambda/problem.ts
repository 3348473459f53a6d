/** Problem details (RFC 9457) as fleet sends them with `application/problem+json`. */
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

/** The problem `type` for a status: fleet's own for the ones clients can act on, else `about:blank`. */
export function problemType(status: number): string {
  switch (status) {
    case 400:
      return "https://fleet.example/problems/invalid-request";
    case 413:
      return "https://fleet.example/problems/body-too-large";
    case 414:
      return "https://fleet.example/problems/uri-too-long";
    case 415:
      return "https://fleet.example/problems/unsupported-media-type";
    default:
      return "about:blank";
  }
}

/** Builds the problem body for a status; `title` is the standard reason phrase. */
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
  414: "URI Too Long",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The standard reason phrase for a status code. */
export function reasonPhrase(status: number): string {
  return reasonPhrases[status] ?? (status >= 500 ? "Server Error" : "Client Error");
}

/**
 * An error that carries an HTTP status (http-errors, koa's `ctx.throw`, an app's validation error). `errors`, when
 * it is a list of `{ path, message }`, becomes the problem's `errors[]`.
 */
export interface HttpLikeError {
  status: number;
  expose?: boolean;
  message: string;
  headers?: Record<string, string>;
  errors?: unknown;
}

/** True for errors that carry a valid HTTP error status; anything else is unexpected (500). */
export function isHttpLikeError(err: unknown): err is HttpLikeError {
  if (typeof err !== "object" || err === null) return false;
  const status = (err as { status?: unknown }).status;
  return typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599;
}

/** The field errors an error carries, when it carries a well-formed list. */
export function fieldErrorsOf(err: HttpLikeError): FieldError[] | undefined {
  const { errors } = err;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  const valid = errors.every((e) => typeof e === "object" && e !== null && typeof (e as FieldError).path === "string" && typeof (e as FieldError).message === "string");
  return valid ? errors.map((e: FieldError) => ({ path: e.path, message: e.message })) : undefined;
}
