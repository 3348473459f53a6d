import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { inflateRawSync } from "node:zlib";
import type { ZipEntry } from "./zip";

/**
 * Reads the entries of a zip (stored or deflated, no zip64): enough for release zips, which `deterministicZip`
 * writes. Used to run a release locally exactly as Lambda would unpack it.
 */
export function readZip(zip: Buffer): ZipEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0 || end + 22 > zip.length) throw new Error("not a zip file: no end of central directory");
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error("corrupted zip: bad central directory entry");
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString("utf8", offset + 46, offset + 46 + nameLength);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    if (method !== 0 && method !== 8) throw new Error(`zip entry '${name}' uses unsupported compression method ${method}`);
    if (!name.endsWith("/")) entries.push({ name, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
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
