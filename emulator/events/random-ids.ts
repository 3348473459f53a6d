import { randomFillSync } from "node:crypto";

// Random bytes are drawn from the OS in 4 KB batches: a synchronous randomBytes() call per id cost ~5 µs of the
// emulator's main thread per request (two per request), which every proxied request waits behind.
const pool = Buffer.alloc(4096);
let offset = pool.length;

/** `size` cryptographically random bytes (a view into a pool that is refilled when used up: copy to keep). */
function randomSlice(size: number): Buffer {
  if (offset + size > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const slice = pool.subarray(offset, offset + size);
  offset += size;
  return slice;
}

/** `size` random bytes in the URL-safe base64 alphabet, unpadded. */
export function randomBase64Url(size: number): string {
  return randomSlice(size).toString("base64url");
}

/** `size` random bytes as lowercase hex. */
export function randomHex(size: number): string {
  return randomSlice(size).toString("hex");
}
