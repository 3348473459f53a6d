import { asCli, progress, storeOf } from "../release-support";
import { createRelease } from "../../artifacts/create-release";
import { defineCommand } from "../command";

export default defineCommand({
  summary: "Build the app, pack it deterministically and store it: prints the release digest",
  description: `Builds the app fleet.config.ts names (with fleet's Lambda adapter) from the working tree, packs it into a
deterministic zip (the same source always gives the same bytes, so sha256:<hex> of the zip is the release id),
reads its OpenAPI document from the built bundle when fleet.config.ts sets openapi, and stores zip, manifest (with
the app's probes) and document in the release store.`,
  options: {
    store: { type: "string", value: "where", description: "a directory or s3://bucket/prefix (default $FLEET_STORE, else .fleet/releases)" },
    json: { type: "boolean", description: "print the manifest (digest, size, git, created, runtime, openapi, probes) as JSON" },
  },
  async run({ values }) {
    const store = storeOf(values.store);
    progress(`building and packing the release into ${store.location}…`);
    const manifest = await asCli(() => createRelease({ store }));
    if (manifest.openapi === null) progress("fleet.config.ts sets no openapi: API compatibility is not checked when this release is promoted");
    process.stdout.write(values.json ? `${JSON.stringify(manifest)}\n` : `${manifest.digest}\n`);
  },
});
