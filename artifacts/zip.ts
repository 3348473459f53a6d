import { Zip, ZipDeflate } from "fflate";

/** One file to put in a zip: a forward-slash relative path and its bytes. */
export interface ZipEntry {
  name: string;
  data: Buffer;
}

// 1980-01-01 00:00, the earliest time a zip can hold, on every entry: no clock leaks in. fflate writes a Date's
// local fields, so one made from local fields gives the same DOS time in every time zone.
const fixedTime = new Date(1980, 0, 1);
// Made by Unix (so the mode is read), regular file rw-r--r-- in the upper 16 bits of the external attributes.
const madeByUnix = 3;
const fileMode = 0o100644 << 16;

/**
 * Writes a zip whose bytes depend only on the entries: sorted by name, fixed time and mode, deflate level 9, with
 * fflate (its version pinned by the lock file). The same files always give the same zip, so its sha256 names a
 * release.
 * @throws Error for a name given twice, one that is not a relative forward-slash path, or `__proto__`
 */
export function deterministicZip(entries: ZipEntry[]): Buffer {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  sorted.forEach((entry, index) => {
    if (index > 0 && sorted[index - 1]!.name === entry.name) throw new Error(`zip entry '${entry.name}' appears twice`);
    if (entry.name === "" || entry.name.startsWith("/") || entry.name.includes("\\") || entry.name.split("/").includes("..")) {
      throw new Error(`zip entry '${entry.name}' must be a relative forward-slash path`);
    }
    // readZip gets fflate's files as an object's keys, where this one name would be lost.
    if (entry.name === "__proto__") throw new Error(`zip entry '${entry.name}' is not a name a release can hold. Fix: rename the file`);
  });
  const chunks: Uint8Array[] = [];
  // With ZipDeflate every callback runs inside push() and end(): the zip is complete when end() returns.
  const zip = new Zip((error, chunk) => {
    if (error) throw error;
    chunks.push(chunk);
  });
  for (const entry of sorted) {
    const file = new ZipDeflate(entry.name, { level: 9 });
    file.mtime = fixedTime;
    file.os = madeByUnix;
    file.attrs = fileMode;
    zip.add(file);
    file.push(entry.data, true);
  }
  zip.end();
  return Buffer.concat(chunks);
}
