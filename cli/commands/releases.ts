import { asCli, storeOf } from "../release-support";
import { formatReleases } from "../format";
import { defineCommand } from "../command";

export default defineCommand({
  summary: "List the releases in the release store, newest first",
  usage: `Usage: fleet releases [--store <where>] [--json]

Options:
  --store <where>  a directory or s3://bucket/prefix (default $FLEET_STORE, else .fleet/releases)
  --json           print the manifests as a JSON array
  -h, --help`,
  options: { store: { type: "string" }, json: { type: "boolean" } },
  async run({ values }) {
    const manifests = await asCli(() => storeOf(values.store).list());
    process.stdout.write(values.json ? `${JSON.stringify(manifests)}\n` : formatReleases(manifests));
  },
});
