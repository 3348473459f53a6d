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
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return type.startsWith("text/") || textTypes.has(type) || type.endsWith("+json") || type.endsWith("+xml");
}

/**
 * The body as the Lambda response carries it. Compressed bodies (any content-encoding but identity) and
 * non-text media types (images, octet-stream, pdf, audio, video, unknown) are base64: a UTF-8 string would
 * corrupt their bytes.
 */
export function encodeResponseBody(result: HttpResult): { body: string; isBase64Encoded: boolean } {
  if (result.body.length === 0) return { body: "", isBase64Encoded: false };
  const encodings = (result.headers["content-encoding"] ?? []).filter((e) => e.trim().toLowerCase() !== "identity");
  const contentType = result.headers["content-type"]?.[0];
  const binary = encodings.length > 0 || contentType === undefined || !isTextMediaType(contentType);
  return binary
    ? { body: result.body.toString("base64"), isBase64Encoded: true }
    : { body: result.body.toString("utf8"), isBase64Encoded: false };
}
