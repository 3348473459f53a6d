/** Every header with one value as a single string; repeated values joined with `, ` (RFC 9110 §5.3). */
export function joinHeaderValues(headers: Record<string, string[]>, omit: readonly string[] = []): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const name in headers) if (!omit.includes(name)) joined[name] = headers[name]!.join(", ");
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
    if (values.length === 1) single[name] = values[0]!;
    else if (values.length > 1) multi[name] = [...values];
  }
  return { headers: single, multiValueHeaders: multi };
}

/**
 * Normalizes Node's `res.getHeaders()` (string | number | string[] per name) to lower-case name -> values.
 * `defaults` come first, so a header the response has replaces its default (one pass, no lookups).
 */
export function headerValueLists(headers: Record<string, unknown>, defaults: ReadonlyArray<readonly [string, string]> = []): Record<string, string[]> {
  const lists: Record<string, string[]> = {};
  for (const [name, value] of defaults) lists[name] = [value];
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || value === null) continue;
    lists[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : [String(value)];
  }
  return lists;
}
