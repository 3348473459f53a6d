import { createHash } from "node:crypto";
import { FleetError } from "./errors";

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

/** The shortest digest prefix accepted for a release (as git's abbreviated ids): 12 hex digits, what tables show. */
export const minDigestPrefix = 12;

/**
 * The release a user means: a whole digest, or an unambiguous prefix of at least {@link minDigestPrefix} hex digits
 * (with or without `sha256:`, any case) of one of `known`. A whole digest is returned as given, known or not: the
 * store says whether it has it.
 * @throws FleetError for a malformed or too short value, a prefix nothing starts with, or one several start with
 * (listing them)
 */
export function resolveDigest(input: string, known: Iterable<Digest>): Digest {
  const value = input.trim().toLowerCase();
  if (isDigest(value)) return value;
  const hex = value.startsWith("sha256:") ? value.slice("sha256:".length) : value;
  if (!/^[0-9a-f]+$/.test(hex) || hex.length > 64) {
    throw new FleetError(`'${input}' is not a release digest: expected sha256:<hex>, whole (64 digits) or its first ${minDigestPrefix} or more (see 'fleet releases')`);
  }
  if (hex.length < minDigestPrefix) {
    throw new FleetError(`'${input}' is too short to name one release: give at least ${minDigestPrefix} hex digits, as 'fleet releases' shows them (e.g. sha256:${hex}… with ${minDigestPrefix - hex.length} more)`);
  }
  const matches = [...new Set(known)].filter((digest) => hexOf(digest).startsWith(hex));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new FleetError(`'${input}' matches no release in the store. Fix: check it with 'fleet releases' (or pass the whole digest)`);
  throw new FleetError(`'${input}' is ambiguous: ${matches.length} releases start with it:\n${matches.map((digest) => `  ${digest}`).join("\n")}\nFix: give more digits`);
}
