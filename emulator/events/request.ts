import { randomBase64Url, randomHex } from "./random-ids";

/** One HTTP request as the emulator received it, before it becomes an API kind's event. */
export interface ReceivedRequest {
  method: string;
  /** The path as the client sent it (percent-encoding kept), without the query. */
  rawPath: string;
  /** Everything after `?`, verbatim ("" when none). */
  rawQuery: string;
  /** Header name/value pairs in arrival order, names as the client spelled them, repeats kept. */
  headers: Array<[string, string]>;
  body: Buffer;
  sourceIp: string;
  /** `HTTP/1.1` */
  protocol: string;
  /** The local port the request arrived on (for X-Forwarded-Port). */
  port: number;
  /** When the request arrived, ms since the epoch. */
  receivedAt: number;
}

/** Who the API is, as API Gateway would say in `requestContext`. */
export interface ApiIdentity {
  accountId: string;
  apiId: string;
  stage: string;
  /** Content types API Gateway hands to the function base64-encoded (REST `binaryMediaTypes`). */
  binaryMediaTypes: readonly string[];
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** API Gateway's `requestTime` / `time` format: `17/Jun/2024:14:48:13 +0000`. */
export function formatRequestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number) => String(n).padStart(2, "0");
  const month = months[d.getUTCMonth()] ?? "Jan";
  return `${pad(d.getUTCDate())}/${month}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/**
 * An id shaped like API Gateway's short request ids (`LV7fzho-PHcEJPw=`, `ZhDrKF5dDoEEHfA=`): 11 random bytes in
 * the URL-safe base64 alphabet (`-` and `_`, never `+` or `/`), then one `=`, as the captured ids are.
 */
export function shortRequestId(): string {
  return `${randomBase64Url(11)}=`;
}

/** An X-Ray trace header value, as API Gateway adds to every request. */
export function traceId(epochMs: number): string {
  return `Root=1-${Math.floor(epochMs / 1000).toString(16)}-${randomHex(12)}`;
}

/** Percent-decodes one query component; API Gateway leaves `+` alone and keeps undecodable input as sent. */
function decodeQueryComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Splits a raw query into decoded name/value pairs in order, repeats kept (`a=1&a=2&b`). */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  if (rawQuery === "") return [];
  return rawQuery
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const eq = part.indexOf("=");
      const name = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? "" : part.slice(eq + 1);
      return [decodeQueryComponent(name), decodeQueryComponent(value)];
    });
}

/** The value of the first header named `name` (case-insensitive). */
export function headerValue(headers: ReadonlyArray<[string, string]>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([key]) => key.toLowerCase() === lower)?.[1];
}

/**
 * The headers API Gateway adds on its way to the function: the caller's address appended to X-Forwarded-For,
 * the port and protocol it was reached on, and a trace id. Replaces any the client sent for port, proto and trace.
 */
export function withGatewayHeaders(request: ReceivedRequest): Array<[string, string]> {
  const replaced = new Set(["x-forwarded-for", "x-forwarded-port", "x-forwarded-proto", "x-amzn-trace-id"]);
  const forwardedFor = headerValue(request.headers, "x-forwarded-for");
  return [
    ...request.headers.filter(([name]) => !replaced.has(name.toLowerCase())),
    ["X-Amzn-Trace-Id", traceId(request.receivedAt)],
    ["X-Forwarded-For", forwardedFor ? `${forwardedFor}, ${request.sourceIp}` : request.sourceIp],
    ["X-Forwarded-Port", String(request.port)],
    ["X-Forwarded-Proto", "http"],
  ];
}

/** Whether `contentType` matches one of API Gateway's media type patterns (`*\/*`, `image/*`, `image/png`). */
export function matchesMediaType(contentType: string | undefined, patterns: readonly string[]): boolean {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return patterns.some((pattern) => {
    const p = pattern.toLowerCase();
    if (p === "*/*") return true;
    if (type === "") return false;
    if (p.endsWith("/*")) return type.startsWith(p.slice(0, -1));
    return type === p;
  });
}
