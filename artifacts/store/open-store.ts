import path from "node:path";
import { defaultStoreDir } from "../../core/paths";
import { FleetError } from "../../core/errors";
import { LocalReleaseStore } from "./local-store";
import type { ReleaseStore } from "./store";


/**
 * Opens the store named by `--store`, else `$FLEET_STORE`, else the default directory.
 * `s3://bucket/prefix` is an S3 store; anything else that starts like a URL (`scheme:`), or like a mistyped S3
 * URL (`s3:/bucket`, `S3://bucket`, `s3//bucket`), is refused: it would otherwise become a directory named after
 * it (`./s3:/bucket/x`), storing releases where nobody looks. Anything else is a directory.
 * @throws FleetError naming the value and the fix
 */
export function openStore(spec: string | undefined = process.env.FLEET_STORE): ReleaseStore {
  if (!spec) return new LocalReleaseStore(defaultStoreDir);
  if (spec.startsWith("s3://")) {
    // Required here: the AWS SDK loads only for an S3 store, never for the local commands.
    const { S3ReleaseStore } = require("./s3-store") as typeof import("./s3-store");
    return new S3ReleaseStore(spec);
  }
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(spec)?.[1];
  if (scheme?.toLowerCase() === "s3" || /^s3\/\//i.test(spec)) {
    const rest = spec.replace(/^s3:?\/*/i, "");
    throw new FleetError(`--store '${spec}' looks like a mistyped S3 location. Fix: write s3://${rest || "<bucket>"} (lowercase s3, a colon and two slashes)`);
  }
  if (scheme) {
    const url = spec.startsWith(`${scheme}://`);
    throw new FleetError(
      `--store '${spec}': ${scheme}:${url ? "//" : ""} is not a release store. Fix: use s3://<bucket>[/<prefix>] or a directory path` +
        (url ? "" : ` (./${spec} for a directory whose name has a colon)`),
    );
  }
  return new LocalReleaseStore(path.resolve(spec));
}
