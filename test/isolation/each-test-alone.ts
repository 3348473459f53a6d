import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "../../core/paths";

/**
 * Runs every test of the suite alone: each `it` in a fresh mocha process on its own file, selected by
 * `--grep` with its full title, so a test that passes only after state left by an earlier one fails here. Two at
 * a time (the machine has two cores); it takes long, and is not part of `npm test`:
 *   npx tsx test/isolation/each-test-alone.ts [<spec file>...]
 * Prints each failing test with its file and the end of its output; exits 1 when any failed.
 */

interface Listed {
  file: string;
  fullTitle: string;
}

const mocha = path.join(repoRoot, "node_modules", "mocha", "bin", "mocha.js");
const base = ["--no-config", "--no-package", "--node-option", "import=tsx", "--timeout", "20000"];
const specs = (JSON.parse(readFileSync(path.join(repoRoot, ".mocharc.json"), "utf8")) as { spec: string[] }).spec;

/** Every test the files hold, as mocha's dry run lists them (no hook or test body runs). */
function listTests(files: string[], out: string): Listed[] {
  const listing = path.join(out, "listing.json");
  const run = spawnSync(process.execPath, [mocha, ...base, "--dry-run", "--reporter", "json", "--reporter-option", `output=${listing}`, ...files], { cwd: repoRoot, stdio: ["ignore", "ignore", "inherit"] });
  if (run.status !== 0) throw new Error(`mocha --dry-run exited with ${run.status}`);
  return (JSON.parse(readFileSync(listing, "utf8")) as { tests: Listed[] }).tests.map(({ file, fullTitle }) => ({ file: path.relative(repoRoot, file), fullTitle }));
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One test alone: passed when mocha ran exactly it (or it is pending) and nothing failed. */
function runAlone(test: Listed, out: string, index: number): Promise<{ ok: boolean; detail: string }> {
  const report = path.join(out, `${index}.json`);
  const args = [mocha, ...base, "--reporter", "json", "--reporter-option", `output=${report}`, "--grep", `^${escape(test.fullTitle)}$`, test.file];
  return new Promise((resolve) => {
    let output = "";
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.stderr.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    child.on("close", (code) => {
      let stats: { tests: number; passes: number; pending: number; failures: number } | undefined;
      try {
        stats = (JSON.parse(readFileSync(report, "utf8")) as { stats: typeof stats }).stats;
      } catch {
        // no report: the process died before mocha finished
      }
      const ran = stats !== undefined && stats.tests === 1 && stats.failures === 0 && stats.passes + stats.pending === 1;
      resolve({ ok: code === 0 && ran, detail: `exit ${code}, ${JSON.stringify(stats)}\n${output.trim().split("\n").slice(-25).join("\n")}` });
    });
  });
}

async function main(): Promise<void> {
  const out = mkdtempSync(path.join(os.tmpdir(), "fleet-each-test-"));
  const files = process.argv.slice(2);
  const tests = listTests(files.length > 0 ? files : specs, out);
  process.stderr.write(`${tests.length} tests, each alone, two at a time\n`);
  const failed: string[] = [];
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let index = next++; index < tests.length; index = next++) {
      const test = tests[index]!;
      const { ok, detail } = await runAlone(test, out, index);
      done += 1;
      process.stderr.write(`[${done}/${tests.length}] ${ok ? "ok  " : "FAIL"} ${test.file}: ${test.fullTitle}\n`);
      if (!ok) failed.push(`${test.file}: ${test.fullTitle}\n  ${detail.replace(/\n/g, "\n  ")}`);
    }
  };
  await Promise.all([worker(), worker()]);
  rmSync(out, { recursive: true, force: true });
  process.stdout.write(failed.length === 0 ? `all ${tests.length} tests pass alone\n` : `${failed.length} of ${tests.length} tests fail alone:\n${failed.join("\n")}\n`);
  process.exitCode = failed.length === 0 ? 0 : 1;
}

void main();
