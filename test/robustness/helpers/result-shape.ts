import type { GeneratedKind } from "./event-arbitraries";

/**
 * Checks a handler result is what the front door of `kind` accepts, and returns its headers folded to one
 * lowercase map of value lists. Throws an Error naming the first problem (fast-check reports it with the event).
 */
export function checkResultShape(kind: GeneratedKind, result: unknown): Map<string, string[]> {
  if (typeof result !== "object" || result === null) fail(`result is ${JSON.stringify(result)}, not an object`);
  const r = result as Record<string, unknown>;
  if (!Number.isInteger(r.statusCode) || (r.statusCode as number) < 100 || (r.statusCode as number) > 599) {
    fail(`statusCode ${JSON.stringify(r.statusCode)} is not an HTTP status`);
  }
  if (typeof r.body !== "string") fail(`body is ${typeof r.body}, not a string`);
  if (typeof r.isBase64Encoded !== "boolean") fail("isBase64Encoded is not a boolean");
  if (r.isBase64Encoded && !/^[A-Za-z0-9+/]*={0,2}$/.test(r.body as string)) fail("isBase64Encoded but the body is not base64");

  const single = optionalMap(r, "headers", (value) => typeof value === "string");
  const multi = optionalMap(r, "multiValueHeaders", (value) => Array.isArray(value) && value.every((v) => typeof v === "string"));
  switch (kind) {
    case "rest-v1":
    case "http-v1":
      if ("cookies" in r) fail("payload 1.0 result has `cookies`, which API Gateway ignores");
      for (const name of Object.keys(single ?? {})) {
        if (multi && name in multi) fail(`header ${name} is in both headers and multiValueHeaders (sent twice)`);
      }
      break;
    case "http-v2":
    case "function-url":
      if (multi) fail("payload 2.0 result has multiValueHeaders, which API Gateway ignores");
      if (r.cookies !== undefined && !(Array.isArray(r.cookies) && r.cookies.every((c) => typeof c === "string"))) {
        fail("cookies is not a list of strings");
      }
      if (single && Object.keys(single).some((name) => name.toLowerCase() === "set-cookie")) fail("set-cookie in headers instead of cookies");
      break;
    case "alb-single":
      if (multi) fail("ALB single-value mode result has multiValueHeaders");
      checkStatusDescription(r);
      break;
    case "alb-multi":
      if (single) fail("ALB multi-value mode result has single-value headers");
      checkStatusDescription(r);
      break;
  }

  const folded = new Map<string, string[]>();
  const add = (name: string, value: string) => {
    if (/[\r\n\0]/.test(name) || /[\r\n\0]/.test(value)) fail(`header ${JSON.stringify(name)}: ${JSON.stringify(value)} holds CR, LF or NUL`);
    folded.set(name.toLowerCase(), [...(folded.get(name.toLowerCase()) ?? []), value]);
  };
  for (const [name, value] of Object.entries(single ?? {})) add(name, value as string);
  for (const [name, values] of Object.entries(multi ?? {})) for (const value of values as string[]) add(name, value);
  if (Array.isArray(r.cookies)) for (const cookie of r.cookies as string[]) add("set-cookie", cookie);
  return folded;
}

function optionalMap(r: Record<string, unknown>, key: string, valueOk: (value: unknown) => boolean): Record<string, unknown> | undefined {
  const map = r[key];
  if (map === undefined) return undefined;
  if (typeof map !== "object" || map === null || Array.isArray(map)) fail(`${key} is not an object`);
  for (const [name, value] of Object.entries(map as Record<string, unknown>)) {
    if (!valueOk(value)) fail(`${key}.${name} has the wrong type: ${JSON.stringify(value)}`);
  }
  return map as Record<string, unknown>;
}

function checkStatusDescription(r: Record<string, unknown>): void {
  if (typeof r.statusDescription !== "string" || !r.statusDescription.startsWith(`${r.statusCode as number} `)) {
    fail(`ALB statusDescription ${JSON.stringify(r.statusDescription)} does not start with the status code`);
  }
}

function fail(message: string): never {
  throw new Error(message);
}

/** The decoded response body text. */
export function bodyText(result: Record<string, unknown>): string {
  const body = result.body as string;
  return result.isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body;
}
