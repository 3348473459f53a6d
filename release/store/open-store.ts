import path from "node:path";
import { repoRoot } from "../../build/bundle";
import { LocalReleaseStore } from "./local-store";
import { S3ReleaseStore } from "./s3-store";
import type { ReleaseStore } from "./store";

/** The default store: `.fleet/releases/` in the repository (git-ignored); stacks/ reads `sha256:` releases from here. */
export const defaultStoreDir = path.join(repoRoot, ".fleet", "releases");

/**
 * Opens the store named by `--store`, else `$FLEET_STORE`, else the default directory.
 * `s3://bucket/prefix` is an S3 store; anything else is a directory.
 */
export function openStore(spec: string | undefined = process.env.FLEET_STORE): ReleaseStore {
  if (!spec) return new LocalReleaseStore(defaultStoreDir);
  if (spec.startsWith("s3://")) return new S3ReleaseStore(spec);
  return new LocalReleaseStore(path.resolve(spec));
}
