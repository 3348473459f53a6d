import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { commands } from "../../cli/commands";
import { runCli } from "../helpers/run-cli";

describe("fleet completion", () => {
  let dir: string;
  let bash: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "fleet-completion-"));
    await writeFile(path.join(dir, "Pulumi.staging.yaml"), "config: {}\n");
    await writeFile(path.join(dir, "Pulumi.prod.yaml"), "config: {}\n");
    const result = await runCli(["completion", "bash"]);
    assert.equal(result.code, 0, result.stderr);
    bash = path.join(dir, "fleet.bash");
    await writeFile(bash, result.stdout);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  /** What bash completes for a command line typed so far (a trailing space starts a new word). */
  function complete(line: string): string[] {
    const script = `source ${JSON.stringify(bash)}; read -ra COMP_WORDS <<< "$LINE"; [[ "$LINE" == *" " ]] && COMP_WORDS+=(""); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _fleet; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return execFileSync("bash", ["-c", script], { cwd: dir, env: { ...process.env, LINE: line }, encoding: "utf8" }).split("\n").filter(Boolean);
  }

  it("bash: completes commands, each command's own flags, and stack names from the folder's stage files", () => {
    assert.deepEqual(complete("fleet pro"), ["promote"]);
    assert.deepEqual(complete("fleet status --l"), ["--limit", "--local"]);
    assert.deepEqual(complete("fleet deploy --rel"), ["--release"]);
    assert.deepEqual(complete("fleet deploy --stack ").sort(), ["prod", "staging"]);
    assert.deepEqual(complete("fleet promote --from staging --to p"), ["prod"]);
    assert.deepEqual(complete("fleet help sm"), ["smoke"]);
    // start's --stack completes stacks like every other (it was declared <name>, so it completed nothing).
    assert.deepEqual(complete("fleet start --stack ").sort(), ["prod", "staging"]);
    assert.deepEqual(complete("fleet start --insp"), ["--inspect"]);
    assert.deepEqual(complete("fleet logs --fo"), ["--follow"]);
    assert.deepEqual(complete("fleet invoke --ev"), ["--event"]);
    assert.ok(!complete("fleet build --").includes("--stack"), "a flag build does not take");
  });

  it("bash: registers itself for fleet and lists every command", () => {
    const listed = complete("fleet ");
    for (const name of Object.keys(commands)) assert.ok(listed.includes(name), name);
    assert.match(execFileSync("bash", ["-c", `source ${JSON.stringify(bash)}; complete -p fleet`], { encoding: "utf8" }), /complete -F _fleet fleet/);
  });

  it("zsh: a #compdef script describing every command and its flags", async () => {
    const result = await runCli(["completion", "zsh"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^#compdef fleet\n/);
    for (const name of Object.keys(commands)) assert.match(result.stdout, new RegExp(`^    ${name}\\) _arguments `, "m"), name);
    assert.match(result.stdout, /'--release\[[^\]]*\]:sha256 hex: '/);
    assert.match(result.stdout, /'--stack\[[^\]]*\]:stack:_fleet_stacks'/);
  });

  it("refuses another shell with exit 2 and the two it knows", async () => {
    const result = await runCli(["completion", "fish"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown shell 'fish'\. Fix: fleet completion bash, or fleet completion zsh/);
  });
});
