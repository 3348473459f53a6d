import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { unzipSync } from "fflate";
import type { ZipEntry } from "./zip";

/**
 * Reads the files of a zip (stored or deflated) in the order of its central directory, with fflate. Used to run a
 * release locally exactly as Lambda would unpack it.
 * @throws Error when the bytes are not a whole zip, or an entry's name is given twice or is `__proto__` (fflate
 * returns the files as an object's keys, where that name would be lost)
 */
export function readZip(zip: Buffer): ZipEntry[] {
  const names = new Set<string>();
  const files = unzipSync(zip, {
    filter({ name }) {
      if (name.endsWith("/")) return false; // a directory
      if (names.has(name)) throw new Error(`zip entry '${name}' appears twice`);
      if (name === "__proto__") throw new Error(`zip entry '${name}' is not a name a release can hold. Fix: rename the file`);
      names.add(name);
      return true;
    },
  });
  return [...names].map((name) => {
    const data = files[name]!;
    return { name, data: Buffer.from(data.buffer, data.byteOffset, data.length) };
  });
}

/** Extracts a zip into `dir`, refusing entries that would escape it. */
export async function extractZip(zip: Buffer, dir: string): Promise<void> {
  for (const entry of readZip(zip)) {
    const file = path.resolve(dir, entry.name);
    if (!file.startsWith(path.resolve(dir) + path.sep)) throw new Error(`zip entry '${entry.name}' escapes the target directory`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, entry.data);
  }
}
