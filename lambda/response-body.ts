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
 * True when a body goes out base64: compressed (any content-encoding value but identity) or not a text media type
 * (images, octet-stream, pdf, audio, video, none given): a UTF-8 string would corrupt its bytes.
 */
export function isBinaryBody(contentType: string | undefined, contentEncodings: readonly string[] | undefined): boolean {
  const compressed = contentEncodings !== undefined && contentEncodings.some((e) => e.trim().toLowerCase() !== "identity");
  return compressed || contentType === undefined || !isTextMediaType(contentType);
}

/** The body as the Lambda response carries it: text as a UTF-8 string, anything {@link isBinaryBody} base64. */
export function encodeResponseBody(result: HttpResult): { body: string; isBase64Encoded: boolean } {
  const { body } = result;
  if (body.length === 0) return { body: "", isBase64Encoded: false };
  if (isBinaryBody(result.headers["content-type"]?.[0], result.headers["content-encoding"])) {
    return { body: (typeof body === "string" ? Buffer.from(body, "utf8") : body).toString("base64"), isBase64Encoded: true };
  }
  return { body: typeof body === "string" ? body : body.toString("utf8"), isBase64Encoded: false };
}
