import { asCli, storeOf } from "../release-support";
import { formatReleases } from "../format";
import { defineCommand } from "../command";

export default defineCommand({
  summary: "List the releases in the release store, newest first",
  description: "Lists the manifests of the release store: digest, creation time, size and commit.",
  options: {
    store: { type: "string", value: "where", description: "a directory or s3://bucket/prefix (default $FLEET_STORE, else .fleet/releases)" },
    json: { type: "boolean", description: "print the manifests as a JSON array" },
  },
  async run({ values }) {
    const manifests = await asCli(() => storeOf(values.store).list());
    process.stdout.write(values.json ? `${JSON.stringify(manifests)}\n` : formatReleases(manifests));
  },
});
