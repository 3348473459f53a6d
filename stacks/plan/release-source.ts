import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../../core/paths";
import type { Digest } from "../../core/digest";
import { defaultReleaseSource, localStore, readStoredRelease, type ReleaseSource } from "../release";
import type { PlanReleaseMode } from "./types";

/**
 * The release source of a plan. A plan never uploads code, so a digest missing from the local store only earns a
 * warning (a reviewer can plan prod without its artifacts); a present but corrupt zip is still an error.
 */
export function planReleaseSource(mode: Exclude<PlanReleaseMode, { kind: "strict" }>, warnings: string[]): ReleaseSource {
  return {
    build: mode.kind === "fixture" ? async () => packFixture(mode.zipPath) : defaultReleaseSource.build,
    async fetch(digest: Digest) {
      if (mode.kind === "fixture" && (await packFixture(mode.zipPath)).digest === digest) return { digest, zipPath: mode.zipPath };
      const zipPath = localStore().zipPath(digest);
      if (existsSync(zipPath)) return readStoredRelease(digest);
      const reason = `release ${digest} is not in the local store (${path.relative(repoRoot, zipPath)}): pulumi up will refuse it until it is`;
      warnings.push(reason);
      return { digest, zipPath, unavailable: reason };
    },
  };
}

async function packFixture(zipPath: string) {
  const zip = readFileSync(zipPath);
  return { digest: `sha256:${createHash("sha256").update(zip).digest("hex")}` as Digest, zip };
}
