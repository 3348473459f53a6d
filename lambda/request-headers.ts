/**
 * Folds the header fields of an event (a single-value map, or a multi-value map holding every repeated field; any
 * case) into Node's `IncomingMessage.headers` shape: lower-case names, repeated Cookie fields joined with `; `
 * (RFC 9110 §5.3 does not apply to Cookie, RFC 6265 §5.4 uses `; `), every other repeated field joined with `, `.
 * `content-length` and `transfer-encoding` are dropped: the adapter sets the length of the body it really has
 * (a client's header can disagree with the body API Gateway delivers, and a mismatch makes body parsers fail).
 * Plain loops, no intermediate pairs: this runs on every invocation.
 */
export function foldRequestHeaders(
  headers: Record<string, string> | null | undefined,
  multiValueHeaders?: Record<string, string[]> | null,
): Record<string, string> {
  const folded: Record<string, string> = {};
  // When both are present (API Gateway v1 sends both), multiValueHeaders holds every value and headers only the last.
  if (multiValueHeaders) {
    for (const rawName in multiValueHeaders) {
      for (const value of multiValueHeaders[rawName]!) addField(folded, rawName, value);
    }
  } else if (headers) {
    for (const rawName in headers) addField(folded, rawName, headers[rawName]!);
  }
  return folded;
}

function addField(folded: Record<string, string>, rawName: string, value: string): void {
  const name = rawName.toLowerCase();
  if (name === "content-length" || name === "transfer-encoding") return;
  const previous = folded[name];
  folded[name] = previous === undefined ? value : `${previous}${name === "cookie" ? "; " : ", "}${value}`;
}
