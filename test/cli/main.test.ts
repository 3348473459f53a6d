import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { commands } from "../../cli/commands";
import { repoRoot } from "../../core/paths";
import { runCli } from "../helpers/run-cli";

describe("fleet (the command)", () => {
  it("lists every subcommand with a summary under --help", async () => {
    const result = await runCli(["--help"]);
    assert.equal(result.code, 0);
    const listed = /Commands:\n([\s\S]*)/.exec(result.stdout)?.[1] ?? "";
    for (const name of Object.keys(commands)) assert.match(listed, new RegExp(`^  ${name} +\\S`, "m"), name);
  });

  it("fleet alone is a usage error: exit 2, the overview on stderr", async () => {
    const result = await runCli([]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Usage: fleet \[options\] \[command\]/);
    assert.equal(result.stdout, "");
  });

  it("rejects an unknown command with exit 2, the closest command and how to get help", async () => {
    const result = await runCli(["delpoy"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^fleet: unknown command 'delpoy'\n\(Did you mean deploy\?\)\nRun 'fleet --help'/);
  });

  it("rejects an unknown flag with exit 2, the closest flag of that command and its usage", async () => {
    const result = await runCli(["deploy", "--relase", "sha256:00"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^fleet: unknown option '--relase'\n\(Did you mean --release\?\)/);
    assert.match(result.stderr, /Usage: fleet deploy --stack <stack>/);
  });

  it("rejects arguments a command does not take with exit 2", async () => {
    const result = await runCli(["build", "extra"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /too many arguments for 'build'/);
  });

  it("fleet help <command> prints that command's help, the same as <command> --help", async () => {
    const [help, flag] = await Promise.all([runCli(["help", "deploy"]), runCli(["deploy", "--help"])]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: fleet deploy /);
    assert.match(help.stdout, /--release <sha256:hex>/);
    assert.equal(help.stdout, flag.stdout);
  });

  it("fleet help <mistyped> suggests the command, as a mistyped command does", async () => {
    const result = await runCli(["help", "promot"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command 'promot'\n\(Did you mean promote\?\)/);
  });

  it("--version prints the version of package.json", async () => {
    const result = await runCli(["--version"]);
    assert.equal(result.code, 0);
    const { version } = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string };
    assert.equal(result.stdout, `${version}\n`);
  });

  it("every command's help lists its options in one aligned column, each with a description", async function () {
    this.timeout(120_000); // a process per command at once: on 2 loaded cores that is not 20 s
    const helps = await Promise.all(Object.keys(commands).map(async (name) => [name, await runCli([name, "--help"])] as const));
    for (const [name, result] of helps) {
      assert.equal(result.code, 0, name);
      const options = /\nOptions:\n((?:  .*\n)+)/.exec(result.stdout)?.[1];
      assert.ok(options, `${name}: an Options section`);
      const items = options.split("\n").filter((line) => /^  -/.test(line));
      const columns = new Set(items.map((line) => /^  (\S.*?)  +\S/.exec(line)?.[0].length));
      assert.equal(columns.size, 1, `${name}: descriptions start at one column:\n${options}`);
      assert.ok(!columns.has(undefined), `${name}: every option has a description:\n${options}`);
    }
  });
});
