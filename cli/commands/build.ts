import { buildBundle } from "../../build/bundle";
import { defineCommand } from "../command";

export default defineCommand({
  summary: "Bundle the app into dist/lambda/index.js (one CommonJS file, no node_modules needed)",
  description: "Bundles the app fleet.config.ts names, with fleet's Lambda adapter around it, into dist/lambda/index.js.",
  options: { json: { type: "boolean", description: "print { file, bytes, sha256 } as JSON" } },
  async run({ values }) {
    const bundle = await buildBundle();
    if (values.json) process.stdout.write(`${JSON.stringify({ file: bundle.file, bytes: bundle.bytes, sha256: bundle.sha256 })}\n`);
    else process.stdout.write(`built ${bundle.file} (${bundle.bytes} bytes, ${bundle.sha256})\n`);
  },
});
