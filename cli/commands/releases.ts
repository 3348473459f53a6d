import { asCli, storeOf } from "../release-support";
import { formatReleases } from "../format";
import { defineCommand } from "../command";

export default defineCommand({
  summary: "List the releases in the release store, newest first",
  description: `Lists the releases of the release store: digest, creation time, size and commit. A release the store
holds in a bad state (a manifest that is not JSON or names another digest, a manifest without its zip, a zip
without its manifest) is listed too, with its problem and the fix.`,
  options: {
    store: { type: "string", value: "where", description: "a directory or s3://bucket/prefix (default $FLEET_STORE, else .fleet/releases)" },
    json: { type: "boolean", description: "print [{ digest, ...manifest, problems: [] }] as a JSON array (the manifest fields only when it is readable)" },
  },
  async run({ values }) {
    const releases = await asCli(() => storeOf(values.store).list());
    if (values.json) process.stdout.write(`${JSON.stringify(releases.map(({ digest, manifest, problems }) => ({ ...manifest, digest, problems })))}\n`);
    else process.stdout.write(formatReleases(releases));
    const troubled = releases.filter((release) => release.problems.length > 0).length;
    if (troubled > 0) process.stderr.write(`${troubled} of ${releases.length} release(s) in the store have a problem (see PROBLEMS)\n`);
  },
});
