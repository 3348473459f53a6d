import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { deterministicZip } from "../../artifacts/zip";

describe("deterministicZip", () => {
  const files = [
    { name: "index.js", data: Buffer.from("exports.handler = async () => ({ statusCode: 200 });\n") },
    { name: "lib/data.bin", data: Buffer.from([0, 1, 2, 3, 255]) },
  ];

  it("gives the same bytes for the same files in any order", () => {
    assert.deepEqual(deterministicZip(files), deterministicZip([...files].reverse()));
  });

  it("changes when a byte of any file changes", () => {
    const changed = [files[0]!, { name: "lib/data.bin", data: Buffer.from([0, 1, 2, 3, 254]) }];
    assert.notDeepEqual(deterministicZip(files), deterministicZip(changed));
  });

  it("writes a zip that standard tools extract with the original contents", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "fleet-zip-"));
    try {
      const zipFile = path.join(dir, "release.zip");
      writeFileSync(zipFile, deterministicZip(files));
      // Python's zipfile is a reader independent of ours, and is on every machine this runs on.
      const out = execFileSync("python3", ["-c", "import sys,zipfile,json\nz=zipfile.ZipFile(sys.argv[1])\nprint(z.testzip())\nprint(json.dumps({i.filename:[list(z.read(i)), i.date_time[0], oct(i.external_attr>>16)] for i in z.infolist()}))", zipFile]).toString().trim().split("\n");
      assert.equal(out[0], "None");
      const listing = JSON.parse(out[1]!) as Record<string, [number[], number, string]>;
      assert.deepEqual(Object.keys(listing), ["index.js", "lib/data.bin"]);
      assert.deepEqual(Buffer.from(listing["index.js"]![0]), files[0]!.data);
      assert.deepEqual(listing["lib/data.bin"]![0], [0, 1, 2, 3, 255]);
      assert.equal(listing["index.js"]![1], 1980);
      assert.equal(listing["index.js"]![2], "0o100644");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses duplicate and escaping entry names", () => {
    assert.throws(() => deterministicZip([files[0]!, files[0]!]), /appears twice/);
    assert.throws(() => deterministicZip([{ name: "../x", data: Buffer.alloc(0) }]), /relative/);
  });
});
