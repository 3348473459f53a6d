/**
 * Folds header fields as delivered (possibly repeated, any case) into Node's `IncomingMessage.headers` shape:
 * lower-case names, repeated Cookie fields joined with `; ` (RFC 9110 §5.3 does not apply to Cookie, RFC 6265
 * §5.4 uses `; `), every other repeated field joined with `, `.
 * `content-length` and `transfer-encoding` are dropped: the adapter sets the length of the body it really has
 * (a client's header can disagree with the body API Gateway delivers, and a mismatch makes body parsers fail).
 */
export function foldRequestHeaders(fields: Iterable<readonly [string, string]>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [rawName, value] of fields) {
    const name = rawName.toLowerCase();
    if (name === "content-length" || name === "transfer-encoding") continue;
    const previous = headers[name];
    headers[name] = previous === undefined ? value : `${previous}${name === "cookie" ? "; " : ", "}${value}`;
  }
  return headers;
}

/** Header fields from a single-value map (`headers`) or a multi-value map (`multiValueHeaders`), in order. */
export function* headerFields(
  headers: Record<string, string> | null | undefined,
  multiValueHeaders?: Record<string, string[]> | null,
): Generator<readonly [string, string]> {
  // When both are present (API Gateway v1 sends both), multiValueHeaders holds every value and headers only the last.
  if (multiValueHeaders) {
    for (const [name, values] of Object.entries(multiValueHeaders)) for (const value of values) yield [name, value];
    return;
  }
  if (headers) for (const [name, value] of Object.entries(headers)) yield [name, value];
}
