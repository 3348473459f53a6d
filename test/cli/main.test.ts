import assert from "node:assert/strict";
import { runCli } from "../helpers/run-cli";

describe("fleet (the command)", () => {
  it("lists every subcommand with a summary under --help", async () => {
    const result = await runCli(["--help"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Commands:\n(.|\n)*\bbuild\b/);
  });

  it("rejects an unknown command with exit 2 and says how to get help", async () => {
    const result = await runCli(["frobnicate"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown command 'frobnicate'.*fleet --help/);
  });

  it("rejects an unknown flag with exit 2 and prints the command's usage", async () => {
    const result = await runCli(["build", "--nope"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--nope/);
    assert.match(result.stderr, /Usage: fleet build/);
  });
});
