import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { digestOf } from "../../core/digest";
import { deterministicZip } from "../../artifacts/zip";

/**
 * A stand-in release zip for mocked program runs, so stack tests never depend on building the app.
 * Returns its path and digest; the caller removes `dir`.
 */
export async function writeFixtureRelease(): Promise<{ dir: string; zipPath: string; digest: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), "fleet-stack-fixture-"));
  const zip = deterministicZip([{ name: "index.js", data: Buffer.from("exports.handler = async () => ({ statusCode: 204 });\n") }]);
  const zipPath = path.join(dir, "release.zip");
  await writeFile(zipPath, zip);
  return { dir, zipPath, digest: digestOf(zip) };
}
