import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../../core/paths";
import { mutationFolders, type MutationFolder } from "./folders";

/**
 * `npm run mutate [-- <folder>...]`: Stryker on each folder of test/mutation/folders.ts in turn (all by default),
 * then the mutation score per folder and every surviving mutant. Incremental: each folder keeps its results in
 * reports/mutation/<folder>.incremental.json, so a later run tests only the mutants of changed code or tests
 * (`--force` tests them all again). Not part of `npm test` or .ci/run: a full run takes long.
 */

const reports = path.join(repoRoot, "reports", "mutation");

/** One mutant of Stryker's JSON report (mutation-testing-report-schema), the fields read here. */
interface MutantResult {
  mutatorName: string;
  replacement?: string;
  status: "Killed" | "Survived" | "NoCoverage" | "Timeout" | "CompileError" | "RuntimeError" | "Ignored" | "Pending";
  location: { start: { line: number; column: number } };
  fileName: string;
}

/** Killed (or timed out) among the mutants the tests could have killed, as Stryker computes its mutation score. */
export function score(results: readonly MutantResult[]): { killed: number; valid: number; percent: number } {
  const killed = results.filter((r) => r.status === "Killed" || r.status === "Timeout").length;
  const valid = results.filter((r) => r.status === "Killed" || r.status === "Timeout" || r.status === "Survived" || r.status === "NoCoverage").length;
  return { killed, valid, percent: valid === 0 ? 100 : Math.round((killed / valid) * 1000) / 10 };
}

/** Runs Stryker's own CLI on one folder (its packages are ES modules; this repository is CommonJS) and reads its report. */
function mutate(folder: MutationFolder, force: boolean): MutantResult[] {
  const report = path.join(reports, `${folder.name}.json`);
  const config = {
    testRunner: "mocha",
    plugins: ["@stryker-mutator/mocha-runner"],
    mutate: folder.mutate,
    // The tests are TypeScript, loaded by tsx in each test process as `npm test` loads them.
    testRunnerNodeArgs: ["--import", "tsx"],
    mochaOptions: { "no-config": true, "no-package": true, spec: folder.tests, require: ["test/mutation/child-mutant.ts"] },
    // Each mutant runs only the tests that reach its code, unless that code runs in a child process only.
    coverageAnalysis: folder.coverage ?? "perTest",
    concurrency: 2,
    // The type checker is not run on mutants: a mutant tsc would refuse is simply not tested (tsx strips types).
    disableTypeChecks: true,
    timeoutMS: 60_000,
    timeoutFactor: 3,
    incremental: true,
    force,
    incrementalFile: path.join(reports, `${folder.name}.incremental.json`),
    reporters: ["progress", "html", "json"],
    htmlReporter: { fileName: path.join(reports, `${folder.name}.html`) },
    jsonReporter: { fileName: report },
    tempDirName: ".stryker-tmp",
    ignorePatterns: ["/dist", "/.fleet", "/reports"],
    logLevel: "warn",
  };
  const configFile = path.join(reports, `${folder.name}.stryker.json`);
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  const stryker = path.join(repoRoot, "node_modules", "@stryker-mutator", "core", "bin", "stryker.js");
  // The property tests scale with FLEET_FUZZ_RUNS: a tenth of npm test's runs per mutant, unless set.
  const env = { ...process.env, FLEET_FUZZ_RUNS: process.env.FLEET_FUZZ_RUNS ?? "200" };
  const run = spawnSync(process.execPath, [stryker, "run", configFile], { cwd: repoRoot, stdio: "inherit", env });
  if (run.status !== 0) throw new Error(`stryker on ${folder.name} exited with ${run.status ?? run.signal}`);
  const files = (JSON.parse(readFileSync(report, "utf8")) as { files: Record<string, { mutants: Omit<MutantResult, "fileName">[] }> }).files;
  return Object.entries(files).flatMap(([fileName, file]) => file.mutants.map((mutant) => ({ ...mutant, fileName })));
}

function location(result: MutantResult): string {
  return `${result.fileName}:${result.location.start.line}:${result.location.start.column}`;
}

function main(): void {
  const args = process.argv.slice(2);
  const force = args.includes("--force");
  const names = args.filter((arg) => arg !== "--force");
  const unknown = names.filter((name) => !mutationFolders.some((folder) => folder.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`npm run mutate: no folder ${unknown.join(", ")}. Fix: use one of ${mutationFolders.map((f) => f.name).join(", ")} (or none for all)\n`);
    process.exit(2);
  }
  const selected = names.length === 0 ? mutationFolders : mutationFolders.filter((folder) => names.includes(folder.name));
  mkdirSync(reports, { recursive: true });
  const summary: { folder: string; killed: number; valid: number; percent: number; survivors: string[] }[] = [];
  for (const folder of selected) {
    process.stderr.write(`\n== ${folder.name}: ${folder.mutate.join(" ")}\n`);
    const results = mutate(folder, force);
    const survivors = results
      .filter((r) => r.status === "Survived" || r.status === "NoCoverage")
      .map((r) => `${location(r)} ${r.mutatorName} ${r.status}: ${JSON.stringify(r.replacement ?? "")}`);
    summary.push({ folder: folder.name, ...score(results), survivors });
  }
  writeFileSync(path.join(reports, "summary.json"), `${JSON.stringify(summary, null, 2)}\n`);
  for (const { folder, killed, valid, percent, survivors } of summary) {
    process.stdout.write(`${folder}: ${percent}% (${killed} of ${valid} mutants killed)\n`);
    for (const survivor of survivors) process.stdout.write(`  ${survivor}\n`);
  }
}

main();
