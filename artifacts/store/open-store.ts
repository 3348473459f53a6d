import path from "node:path";
import { defaultStoreDir } from "../../core/paths";
import { FleetError } from "../../core/errors";
import { LocalReleaseStore } from "./local-store";
import type { ReleaseStore } from "./store";


/**
 * Opens the store named by `--store`, else `$FLEET_STORE`, else the default directory.
 * `s3://bucket/prefix` is an S3 store; any other `scheme://` is refused (it would otherwise become a directory
 * named after the scheme); anything else is a directory.
 */
export function openStore(spec: string | undefined = process.env.FLEET_STORE): ReleaseStore {
  if (!spec) return new LocalReleaseStore(defaultStoreDir);
  if (spec.startsWith("s3://")) {
    // Required here: the AWS SDK loads only for an S3 store, never for the local commands.
    const { S3ReleaseStore } = require("./s3-store") as typeof import("./s3-store");
    return new S3ReleaseStore(spec);
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(spec)?.[1];
  if (scheme) {
    throw new FleetError(`--store '${spec}': ${scheme}:// is not a release store. Fix: use s3://<bucket>[/<prefix>] or a directory path`);
  }
  return new LocalReleaseStore(path.resolve(spec));
}
