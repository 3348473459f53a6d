/** Raised when a request body flagged `isBase64Encoded` is not base64: the client's fault, so a 400. */
export class InvalidBase64BodyError extends Error {
  override name = "InvalidBase64BodyError";
}

// Standard alphabet, whole 4-character groups, `=` padding only at the end. Node's decoder accepts far more
// (it skips any character it does not know), which would hand the app garbage instead of an error.
const strictBase64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes a base64 body, refusing anything that is not strictly valid base64 (RFC 4648 §4, padded).
 * @throws InvalidBase64BodyError naming what is wrong
 */
export function decodeBase64Strict(text: string): Buffer {
  if (text.length % 4 !== 0) {
    throw new InvalidBase64BodyError(`body is flagged isBase64Encoded but is not valid base64: its length ${text.length} is not a multiple of 4`);
  }
  if (!strictBase64.test(text)) {
    throw new InvalidBase64BodyError("body is flagged isBase64Encoded but is not valid base64: it holds characters or padding outside RFC 4648 base64");
  }
  return Buffer.from(text, "base64");
}

/** The request body as bytes: base64-decoded (strictly) when the event says so, else UTF-8. */
export function decodeEventBody(body: string | null | undefined, isBase64Encoded: boolean | null | undefined): Buffer {
  if (body === null || body === undefined || body === "") return Buffer.alloc(0);
  return isBase64Encoded ? decodeBase64Strict(body) : Buffer.from(body, "utf8");
}
