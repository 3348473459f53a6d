import { build, type Metafile } from "esbuild";
import { lambdaBuildOptions } from "../build/bundle";

/** Bytes each package (or app folder) contributes to the minified Lambda bundle. */
export interface BundleComposition {
  bytes: number;
  /** `node_modules/<package>` or the first two path segments of a source file, largest first. */
  parts: Array<{ name: string; bytes: number }>;
  /** Every input file of the bundle with its bytes in the output. */
  inputs: Record<string, number>;
}

/** Builds the Lambda bundle in memory, exactly as `buildBundle` does, and reads esbuild's metafile. */
export async function bundleComposition(): Promise<BundleComposition> {
  const result = await build({ ...lambdaBuildOptions("index.js"), write: false, metafile: true });
  const output = Object.values((result.metafile as Metafile).outputs)[0]!;
  const inputs: Record<string, number> = {};
  const parts = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    inputs[file] = bytesInOutput;
    const name = file.match(/node_modules\/(@[^/]+\/)?[^/]+/g)?.pop() ?? file.split("/").slice(0, 2).join("/");
    parts.set(name, (parts.get(name) ?? 0) + bytesInOutput);
  }
  return {
    bytes: output.bytes,
    parts: [...parts].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes),
    inputs,
  };
}
