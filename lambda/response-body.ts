import type { HttpResult } from "./http-exchange";

// Media types API Gateway and ALB can carry as a UTF-8 string; anything else goes out base64-encoded.
const textTypes = new Set([
  "application/json",
  "application/javascript",
  "application/ecmascript",
  "application/xml",
  "application/x-www-form-urlencoded",
  "application/x-ndjson",
  "application/yaml",
  "application/graphql",
]);

/** True when the media type is text the front door can pass as a string (text/*, JSON, XML, JS, `+json`, `+xml`). */
export function isTextMediaType(contentType: string): boolean {
  let text = mediaTypeCache.get(contentType);
  if (text === undefined) {
    const type = contentType.split(";")[0]!.trim().toLowerCase();
    text = type.startsWith("text/") || textTypes.has(type) || type.endsWith("+json") || type.endsWith("+xml");
    // An app answers with a handful of content types; the bound only guards against one that varies per request.
    if (mediaTypeCache.size >= 64) mediaTypeCache.clear();
    mediaTypeCache.set(contentType, text);
  }
  return text;
}

// Content-Type header value -> isTextMediaType, so the common answers skip the split and lower-casing.
const mediaTypeCache = new Map<string, boolean>();

/**
 * The body as the Lambda response carries it. Compressed bodies (any content-encoding but identity) and
 * non-text media types (images, octet-stream, pdf, audio, video, unknown) are base64: a UTF-8 string would
 * corrupt their bytes.
 */
export function encodeResponseBody(result: HttpResult): { body: string; isBase64Encoded: boolean } {
  if (result.body.length === 0) return { body: "", isBase64Encoded: false };
  const encodings = result.headers["content-encoding"];
  const compressed = encodings !== undefined && encodings.some((e) => e.trim().toLowerCase() !== "identity");
  const contentType = result.headers["content-type"]?.[0];
  const binary = compressed || contentType === undefined || !isTextMediaType(contentType);
  return binary
    ? { body: result.body.toString("base64"), isBase64Encoded: true }
    : { body: result.body.toString("utf8"), isBase64Encoded: false };
}
