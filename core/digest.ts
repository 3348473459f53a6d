import { createHash } from "node:crypto";

/** A release id: `sha256:` and the 64 lowercase hex digits of the release zip's sha256. */
export type Digest = `sha256:${string}`;

export const digestPattern = /^sha256:[0-9a-f]{64}$/;

/** True for a whole digest. Every digest read from a file, a flag or a record passes here before any use. */
export function isDigest(value: unknown): value is Digest {
  return typeof value === "string" && digestPattern.test(value);
}

export function digestOf(bytes: Buffer | string): Digest {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** The hex part of a digest: the file name stem in every store. */
export function hexOf(digest: Digest): string {
  return digest.slice("sha256:".length);
}
