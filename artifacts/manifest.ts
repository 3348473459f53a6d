import { z } from "zod";
import { digestPattern, type Digest } from "../core/digest";
import { SmokeCall } from "../core/fleet-config";
import { lambdaRuntime } from "../core/runtime";
import { CorruptManifestError } from "./store/store";

/** The Lambda runtime every release is built for (the one stacks/ deploys). */
export const releaseRuntime = lambdaRuntime;

/** What the store keeps beside each release zip: enough to know where it came from and what API it serves. */
export const ReleaseManifest = z.strictObject({
  digest: z.string().regex(digestPattern),
  /** Size of the zip in bytes. */
  size: z.number().int().nonnegative(),
  git: z.strictObject({
    /** The commit the working tree was on, or null outside a git repository. */
    commit: z.string().nullable(),
    /** Whether the tree had uncommitted changes: a dirty release cannot be rebuilt from its commit alone. */
    dirty: z.boolean(),
  }),
  /** ISO 8601 time the release was first stored. */
  created: z.string(),
  runtime: z.string(),
  /** `sha256:<hex>` of the OpenAPI document (canonical JSON) the release serves at `probes.openapi`. */
  openapi: z.string().regex(digestPattern).nullable(),
  /**
   * The app's probes as fleet.config.ts said when the release was built: smoke checks a region with the probes of
   * the release it serves, so a promotion smokes with the release's own calls, not the working tree's.
   */
  probes: z.strictObject({
    health: z.string(),
    smoke: z.array(SmokeCall),
    openapi: z.string().nullable(),
  }),
});
export type ReleaseManifest = z.infer<typeof ReleaseManifest> & { digest: Digest };

/**
 * Parses the stored manifest of `digest` (the digest its file is named by); `where` names the object so a
 * corrupted store says which file is bad. A manifest naming another digest is refused: read as this release, it
 * would list that other release twice and this one not at all.
 * @throws CorruptManifestError naming the file and the fix
 */
export function parseManifest(text: string, where: string, digest: Digest): ReleaseManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CorruptManifestError(`release manifest ${where} is not JSON: the store is corrupted. Fix: run 'fleet release' again (or restore the file)`);
  }
  const parsed = ReleaseManifest.safeParse(json);
  if (!parsed.success) {
    throw new CorruptManifestError(`release manifest ${where} is invalid (${z.prettifyError(parsed.error).replace(/\n/g, " ")}). Fix: run 'fleet release' again (or restore the file)`);
  }
  if (parsed.data.digest !== digest) {
    throw new CorruptManifestError(
      `release manifest ${where} names ${parsed.data.digest}, not ${digest}, the release its file is named for. Fix: delete it and store the release again (fleet release), or restore the file`,
    );
  }
  return parsed.data as ReleaseManifest;
}
