import { emptyFieldMap } from "./field-map";

/**
 * Folds the header fields of an event (a single-value map, a multi-value map, or both; any case) into Node's
 * `IncomingMessage.headers` shape: an object inheriting nothing (so `constructor` or `__proto__` is a header like
 * any other, as in Node's own prototype-less `req.headers`), lower-case names, repeated Cookie fields joined with `; ` (RFC 9110 §5.3 does not apply to Cookie,
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
  const folded = emptyFieldMap<string>();
  if (multiValueHeaders) {
    for (const rawName in multiValueHeaders) {
      const name = rawName.toLowerCase();
      for (const value of multiValueHeaders[rawName]!) addField(folded, name, value);
    }
  }
  if (headers) {
    let multiNames: Set<string> | undefined;
    for (const rawName in headers) {
      if (multiValueHeaders) {
        // API Gateway spells a name the same in both maps: an exact match needs no lower-casing and no set.
        if (Object.hasOwn(multiValueHeaders, rawName)) continue;
        multiNames ??= new Set(Object.keys(multiValueHeaders).map((name) => name.toLowerCase()));
        if (multiNames.has(rawName.toLowerCase())) continue;
      }
      addField(folded, rawName.toLowerCase(), headers[rawName]!);
    }
  }
  return folded;
}

function addField(folded: Record<string, string>, name: string, value: string): void {
  if (name === "content-length" || name === "transfer-encoding") return;
  const previous = folded[name];
  folded[name] = previous === undefined ? value : `${previous}${name === "cookie" ? "; " : ", "}${value}`;
}
