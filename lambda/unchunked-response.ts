import { ServerResponse } from "node:http";

const patched = Symbol("fleet.ignoresTransferEncoding");

/**
 * Makes `res` ignore a Transfer-Encoding header the app sets. A Lambda response is one buffered body that the
 * front door frames itself, and serverless-http 4.0.0 "un-chunks" such a body by splitting its UTF-8 text,
 * which loses binary bytes (and multi-byte characters).
 * The override goes on the response's prototype (serverless-http's one ServerlessResponse class), once: a
 * closure per request would cost an allocation and a slower setHeader on every invocation.
 */
export function ignoreTransferEncoding(res: ServerResponse): void {
  const proto = Object.getPrototypeOf(res) as ServerResponse & { [patched]?: true };
  if (proto[patched]) return;
  // Never Node's own class: that would change every server's responses in the process.
  const target: ServerResponse & { [patched]?: true } = proto === ServerResponse.prototype ? res : proto;
  const setHeader = target.setHeader;
  target.setHeader = function setHeaderUnchunked(this: ServerResponse, name, value) {
    return name.toLowerCase() === "transfer-encoding" ? this : setHeader.call(this, name, value);
  };
  if (target === proto) proto[patched] = true;
}
