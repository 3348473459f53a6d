/**
 * Folds the header fields of an event (a single-value map, a multi-value map, or both; any case) into Node's
 * `IncomingMessage.headers` shape: a null-prototype object (so `constructor` or `__proto__` is a header like any
 * other), lower-case names, repeated Cookie fields joined with `; ` (RFC 9110 §5.3 does not apply to Cookie,
 * RFC 6265 §5.4 uses `; `), every other repeated field joined with `, `.
 *
 * When both maps are present they are merged, `multiValueHeaders` winning per name: AWS's rule for payload 1.0
 * ("Multi-value headers as well as single-value headers and parameters can be combined in the same requests and
 * responses"; "If the same key-value pair is specified in both, only the values from multiValueHeaders will appear
 * in the merged list", API Gateway Developer Guide, "Set up Lambda proxy integrations"). A name only in `headers`
 * is kept, even beside an empty `multiValueHeaders: {}`.
 *
 * `content-length` and `transfer-encoding` are dropped: the adapter sets the length of the body it really has
 * (a client's header can disagree with the body API Gateway delivers, and a mismatch makes body parsers fail).
 * Plain loops, no intermediate pairs: this runs on every invocation.
 */
export function foldRequestHeaders(
  headers: Record<string, string> | null | undefined,
  multiValueHeaders?: Record<string, string[]> | null,
): Record<string, string> {
  const folded: Record<string, string> = Object.create(null);
  let multiNames: Set<string> | undefined;
  if (multiValueHeaders) {
    if (headers) multiNames = new Set();
    for (const rawName in multiValueHeaders) {
      const name = rawName.toLowerCase();
      multiNames?.add(name);
      for (const value of multiValueHeaders[rawName]!) addField(folded, name, value);
    }
  }
  if (headers) {
    for (const rawName in headers) {
      const name = rawName.toLowerCase();
      if (!multiNames?.has(name)) addField(folded, name, headers[rawName]!);
    }
  }
  return folded;
}

function addField(folded: Record<string, string>, name: string, value: string): void {
  if (name === "content-length" || name === "transfer-encoding") return;
  const previous = folded[name];
  folded[name] = previous === undefined ? value : `${previous}${name === "cookie" ? "; " : ", "}${value}`;
}
