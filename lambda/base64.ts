import { RejectedRequestError } from "./rejected-request";

/** Raised when a request body flagged `isBase64Encoded` is not base64: the client's fault, so a 400. */
export class InvalidBase64BodyError extends RejectedRequestError {
  override name = "InvalidBase64BodyError";
  constructor(reason: string) {
    super(400, `The request body could not be read: body is flagged isBase64Encoded but is not valid base64: ${reason}.`);
  }
}

// Any character outside the standard alphabet. One character class, searched once: linear, no backtracking and no
// stack per character (a `(?:[...]{4})*` group overflowed V8's regexp stack on bodies over ~3.36 MB, a 500).
// Node's decoder accepts far more (it skips any character it does not know), which would hand the app garbage.
const outsideAlphabet = /[^A-Za-z0-9+/]/;

/**
 * Decodes a base64 body, refusing anything that is not strictly valid base64 (RFC 4648 §4, padded): whole
 * 4-character groups of the standard alphabet, `=` padding only at the end. Linear in the body's length.
 * @throws InvalidBase64BodyError naming what is wrong
 */
export function decodeBase64Strict(text: string): Buffer {
  if (text.length % 4 !== 0) throw new InvalidBase64BodyError(`its length ${text.length} is not a multiple of 4`);
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  if (outsideAlphabet.test(padding === 0 ? text : text.slice(0, text.length - padding))) {
    throw new InvalidBase64BodyError("it holds characters or padding outside RFC 4648 base64");
  }
  return Buffer.from(text, "base64");
}

/** The request body as bytes: base64-decoded (strictly) when the event says so, else UTF-8. */
export function decodeEventBody(body: string | null | undefined, isBase64Encoded: boolean | null | undefined): Buffer {
  if (body === null || body === undefined || body === "") return Buffer.alloc(0);
  return isBase64Encoded ? decodeBase64Strict(body) : Buffer.from(body, "utf8");
}
