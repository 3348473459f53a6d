import type { ServerResponse } from "node:http";

/**
 * Makes `res` ignore a Transfer-Encoding header the app sets. A Lambda response is one buffered body that the
 * front door frames itself, and serverless-http 4.0.0 "un-chunks" such a body by splitting its UTF-8 text,
 * which loses binary bytes (and multi-byte characters).
 */
export function ignoreTransferEncoding(res: ServerResponse): void {
  const setHeader = res.setHeader;
  res.setHeader = function setHeaderUnchunked(this: ServerResponse, name, value) {
    return name.toLowerCase() === "transfer-encoding" ? this : setHeader.call(this, name, value);
  };
}
