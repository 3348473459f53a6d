import type { FieldError } from "fleet/middleware";

/** Where in the request a validated value came from; the first segment of a FieldError path. */
export type InputLocation = "params" | "query" | "body";

/**
 * Request input that failed its schema: fleet's problemErrors() answers it as a 400 problem listing every field
 * (`errors[]`). Shaped like an http-errors error (`status`, `expose`) so generic handling stays correct.
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
