import { emptyFieldMap } from "./field-map";

/**
 * `target[name] = value` as an own property, even for `__proto__`, which a plain assignment would take as the
 * object's new prototype (losing the header, and handing `for...in` the prototype's keys). The maps the handler
 * returns stay plain objects, as Lambda's runtime and every reader expect; the adapter's own maps inherit nothing.
 */
export function putHeader<T>(target: Record<string, T>, name: string, value: T): void {
  if (name === "__proto__") Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}

/** Every header with one value as a single string; repeated values joined with `, ` (RFC 9110 §5.3). */
export function joinHeaderValues(headers: Record<string, string[]>, omit: readonly string[] = []): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const name in headers) if (!omit.includes(name)) putHeader(joined, name, headers[name]!.join(", "));
  return joined;
}

/** Splits headers into those with one value (`headers`) and those repeated (`multiValueHeaders`), without overlap. */
export function splitByValueCount(headers: Record<string, string[]>): {
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
} {
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const name in headers) {
    const values = headers[name]!;
    if (values.length === 1) putHeader(single, name, values[0]!);
    else if (values.length > 1) putHeader(multi, name, [...values]);
  }
  return { headers: single, multiValueHeaders: multi };
}

/**
 * Normalizes Node's `res.getHeaders()` (string | number | string[] per name) to lower-case name -> values.
 * `defaults` come first, so a header the response has replaces its default (one pass, no lookups).
 */
export function headerValueLists(headers: Record<string, unknown>, defaults: ReadonlyArray<readonly [string, string]> = []): Record<string, string[]> {
  const lists = emptyFieldMap<string[]>();
  for (const [name, value] of defaults) lists[name] = [value];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || value === null) continue;
    lists[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : [String(value)];
  }
  return lists;
}
