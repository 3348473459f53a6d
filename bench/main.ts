/**
 * `npm run bench [-- --json] [-- --only invocation,cold,emulator,plan]`
 * Measures the fleet app against its peers on this machine. Human table on stdout by default; `--json` prints
 * exactly one JSON object on stdout. Progress goes to stderr. Every figure comes from this run: a part that
 * cannot run fails the command with the reason, never a made-up number.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { buildBundle } from "../build/bundle";
import { parseFleetConfig } from "../core/fleet-config";
import { bundleComposition, type BundleComposition } from "./bundle-composition";
import { callgrindUnavailable } from "./callgrind";
import { bundleColdEntries, measureColdInstructions, measureColdStart, type ColdIrResult, type ColdStartResult } from "./cold-start";
import { measureEmulator, type EmulatorResult } from "./emulator";
import { runInvocationWorker } from "./invocation-run";
import type { InvocationResult } from "./invocation";
import { machineDescription, type Machine } from "./machine";
import { measurePlan, type PlanResult } from "./plan";
import { formatTable } from "./report";

const parts = ["invocation", "cold", "emulator", "plan"] as const;
type Part = (typeof parts)[number];

/** Everything one run measured; `--json` prints it. */
export interface BenchReport {
  machine: Machine;
  invocation?: InvocationResult["combined"];
  invocationByEvent?: InvocationResult["byEvent"];
  cold?: ColdStartResult & {
    /** Bytes of the plain-Koa fixture app's bundle (test/fixtures/apps/plain-koa), fleet's adapter included. */
    plainKoaBundleBytes: number;
  };
  /** Cold start in millions of instructions (callgrind); absent, with a note, when valgrind is not installed. */
  coldIr?: ColdIrResult;
  /** The bundle's largest parts (esbuild metafile), to see what a byte budget goes to. */
  bundleParts?: BundleComposition["parts"];
  emulator?: EmulatorResult;
  plan?: PlanResult;
  /** What this run skipped and why. */
  notes: string[];
}

/** The fixture app the bench bundles besides the example: plain Koa, no router, no zod. */
const plainKoaDir = "test/fixtures/apps/plain-koa";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: "boolean" }, only: { type: "string" } } });
  const selected = selectParts(values.only);
  const progress = (line: string) => process.stderr.write(`bench: ${line}\n`);

  progress("building dist/lambda/index.js");
  const bundle = await buildBundle();
  const workDir = await mkdtemp(path.join(os.tmpdir(), "fleet-bench-"));
  const report: BenchReport = { machine: machineDescription(), notes: [] };
  try {
    if (selected.has("invocation")) {
      const result = await runInvocationWorker(bundle.file, progress);
      report.invocation = result.combined;
      report.invocationByEvent = result.byEvent;
    }
    if (selected.has("cold")) {
      // Its fleet.config.ts names its module as it sits in a project's app/; here it stays in the fixture folder.
      const fixtureConfig = parseFleetConfig({ ...(await import(`../${plainKoaDir}/fleet.config`)).default, app: `${plainKoaDir}/index.ts` });
      const plainKoa = { ...(await buildBundle(path.join(workDir, "plain-koa"), { config: fixtureConfig })), path: fixtureConfig.health };
      const entries = await bundleColdEntries(workDir);
      report.cold = { ...(await measureColdStart(bundle, entries, undefined, progress)), plainKoaBundleBytes: plainKoa.bytes };
      report.bundleParts = (await bundleComposition()).parts.slice(0, 12);
      const unavailable = callgrindUnavailable();
      if (unavailable) {
        report.notes.push(unavailable);
        progress(unavailable);
      } else {
        report.coldIr = await measureColdInstructions({ app: bundle, plainKoa }, entries, undefined, progress);
      }
    }
    if (selected.has("emulator")) report.emulator = await measureEmulator(bundle, progress);
    if (selected.has("plan")) report.plan = await measurePlan(progress);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatTable(report));
}

function selectParts(only: string | undefined): Set<Part> {
  if (only === undefined) return new Set(parts);
  const chosen = only.split(",").map((name) => name.trim());
  const unknown = chosen.filter((name) => !(parts as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`--only: unknown part(s) ${unknown.join(", ")}; choose from ${parts.join(", ")}`);
  return new Set(chosen as Part[]);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
