import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { packBundleDir } from "../../artifacts/pack";
import { extractZip, readZip } from "../../artifacts/unzip";
import { deterministicZip } from "../../artifacts/zip";
import { digestOf } from "../../core/digest";

const files = [
  { name: "index.js", data: Buffer.from("exports.handler = async () => ({ statusCode: 200 });\n") },
  { name: "lib/data.bin", data: Buffer.from([0, 1, 2, 3, 255]) },
  { name: "docs/index.html", data: Buffer.from("<!doctype html><title>docs</title>\n".repeat(40)) },
];

/** Runs Python's zipfile (a reader independent of fflate, on every machine this runs on) over a zip file. */
function pythonZipfile(zipFile: string): { testzip: string; entries: Record<string, { data: number[]; time: number[]; mode: string; system: number }> } {
  const script = [
    "import sys, zipfile, json",
    "z = zipfile.ZipFile(sys.argv[1])",
    "print(z.testzip())",
    "print(json.dumps({i.filename: {'data': list(z.read(i)), 'time': list(i.date_time), 'mode': oct(i.external_attr >> 16), 'system': i.create_system} for i in z.infolist()}))",
  ].join("\n");
  const [testzip, entries] = execFileSync("python3", ["-c", script, zipFile]).toString().trim().split("\n");
  return { testzip: testzip!, entries: JSON.parse(entries!) };
}

describe("release zips (fflate): deterministic bytes that standard tools read", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "fleet-zip-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives the same bytes for the same files in any order", () => {
    assert.deepEqual(deterministicZip(files), deterministicZip([...files].reverse()));
  });

  it("changes when a byte of any file changes", () => {
    const changed = files.map((file) => (file.name === "lib/data.bin" ? { ...file, data: Buffer.from([0, 1, 2, 3, 254]) } : file));
    assert.notDeepEqual(deterministicZip(files), deterministicZip(changed));
  });

  it("names these fixed files by this digest, on any machine, in any time zone, at any time", () => {
    // Pinned: a change of entry order, time, mode, compression or of the zip library shows here first.
    const expected = "sha256:f13cf625ff312d23e2bf1dd55fbb5ee00b3c3b0b6379635225819951bbd6e1da";
    assert.equal(digestOf(deterministicZip(files)), expected);
    for (const tz of ["UTC", "Pacific/Kiritimati", "America/Adak"]) {
      const other = execFileSync(process.execPath, ["--import", "tsx", "-e", `const { deterministicZip } = require(${JSON.stringify(path.resolve(__dirname, "../../artifacts/zip"))}); const { digestOf } = require(${JSON.stringify(path.resolve(__dirname, "../../core/digest"))}); process.stdout.write(digestOf(deterministicZip(${JSON.stringify(files.map((f) => ({ name: f.name, data: [...f.data] })))}.map((f) => ({ name: f.name, data: Buffer.from(f.data) })))))`], { env: { ...process.env, TZ: tz } }).toString();
      assert.equal(other, expected, tz);
    }
  });

  it("packs the same tree into the same digest every time, entries sorted, 1980 and rw-r--r-- on each (Python's zipfile reads it)", async () => {
    const tree = path.join(dir, "tree");
    for (const file of files) {
      mkdirSync(path.dirname(path.join(tree, file.name)), { recursive: true });
      writeFileSync(path.join(tree, file.name), file.data);
    }
    const first = await packBundleDir(tree);
    assert.equal((await packBundleDir(tree)).digest, first.digest);
    assert.equal(first.digest, digestOf(deterministicZip(files)));
    const zipFile = path.join(dir, "release.zip");
    writeFileSync(zipFile, first.zip);
    const { testzip, entries } = pythonZipfile(zipFile);
    assert.equal(testzip, "None");
    assert.deepEqual(Object.keys(entries), ["docs/index.html", "index.js", "lib/data.bin"]);
    for (const file of files) {
      assert.deepEqual(Buffer.from(entries[file.name]!.data), file.data, file.name);
      assert.deepEqual(entries[file.name]!.time, [1980, 1, 1, 0, 0, 0]);
      assert.equal(entries[file.name]!.mode, "0o100644");
      assert.equal(entries[file.name]!.system, 3);
    }
  });

  it("passes `unzip -t` (Info-ZIP)", function () {
    const probe = spawnSync("unzip", ["-v"]);
    if (probe.error) {
      // .ci/run installs it; a machine without it says so rather than passing silently.
      console.log("      (skipped: `unzip` is not installed; apt-get install -y unzip)");
      this.skip();
    }
    const zipFile = path.join(dir, "tested.zip");
    writeFileSync(zipFile, deterministicZip(files));
    const result = spawnSync("unzip", ["-t", zipFile]);
    assert.equal(result.status, 0, result.stdout.toString() + result.stderr.toString());
    assert.match(result.stdout.toString(), /No errors detected in compressed data/);
  });

  it("reads back what it wrote, and zips written by another writer (Python: stored, deflated, directory entries)", async () => {
    assert.deepEqual(readZip(deterministicZip(files)), [...files].sort((a, b) => (a.name < b.name ? -1 : 1)));
    const foreign = path.join(dir, "python.zip");
    execFileSync("python3", [
      "-c",
      "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w')\nz.writestr('dir/', '')\nz.writestr(zipfile.ZipInfo('stored.txt'), 'as is', compress_type=zipfile.ZIP_STORED)\nz.writestr(zipfile.ZipInfo('dir/deflated.txt'), 'squeezed ' * 50, compress_type=zipfile.ZIP_DEFLATED)\nz.close()",
      foreign,
    ]);
    assert.deepEqual(readZip(readFileSync(foreign)).map((e) => [e.name, e.data.toString()]), [["stored.txt", "as is"], ["dir/deflated.txt", "squeezed ".repeat(50)]]);
    const out = path.join(dir, "out");
    await extractZip(readFileSync(foreign), out);
    assert.deepEqual(readdirSync(out, { recursive: true }).sort(), ["dir", "dir/deflated.txt", "stored.txt"]);
  });

  it("refuses what is not a whole zip, and entries it could not hold or that escape the directory", async () => {
    const zip = deterministicZip(files);
    for (const bytes of [Buffer.from("not a zip at all"), Buffer.alloc(0), zip.subarray(0, zip.length - 30)]) assert.throws(() => readZip(bytes), /invalid zip data/);
    const hostile = path.join(dir, "hostile.zip");
    execFileSync("python3", ["-c", "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w')\nz.writestr(sys.argv[2], 'x')\nz.close()", hostile, "../escaped.txt"]);
    await assert.rejects(extractZip(readFileSync(hostile), path.join(dir, "safe")), /escapes the target directory/);
    execFileSync("python3", ["-c", "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w')\nz.writestr('__proto__', 'x')\nz.close()", hostile]);
    assert.throws(() => readZip(readFileSync(hostile)), /zip entry '__proto__' is not a name a release can hold/);
    execFileSync("python3", ["-c", "import sys, zipfile, warnings\nwarnings.simplefilter('ignore')\nz = zipfile.ZipFile(sys.argv[1], 'w')\nz.writestr('a', '1')\nz.writestr('a', '2')\nz.close()", hostile]);
    assert.throws(() => readZip(readFileSync(hostile)), /zip entry 'a' appears twice/);
  });

  it("refuses duplicate, escaping and __proto__ entry names when writing", () => {
    assert.throws(() => deterministicZip([files[0]!, files[0]!]), /appears twice/);
    assert.throws(() => deterministicZip([{ name: "../x", data: Buffer.alloc(0) }]), /relative/);
    assert.throws(() => deterministicZip([{ name: "__proto__", data: Buffer.alloc(0) }]), /not a name a release can hold/);
  });
});
