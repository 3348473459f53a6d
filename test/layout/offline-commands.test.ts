import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli } from "../helpers/run-cli";

/**
 * The offline commands answer from the stage files and the local store alone: they must not pay for (or depend
 * on) the bundler and its plugins, the Pulumi SDK or the AWS SDK. Each child records the modules it loaded.
 * (tsx, which runs the CLI's TypeScript, transpiles with esbuild's transform API: that one module is tsx's own.)
 */
describe("offline commands load only what they need", function () {
  this.timeout(60_000);
  let dir: string;
  let recorder: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "fleet-loads-"));
    recorder = path.join(dir, "record.js");
    await writeFile(recorder, `process.on("exit", () => require("fs").writeFileSync(process.env.FLEET_TEST_LOADED, Object.keys(require.cache).join("\\n")));\n`);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function loaded(args: string[]): Promise<string[]> {
    const file = path.join(dir, `${args.join("-").replace(/[^a-z-]/g, "")}.txt`);
    const result = await runCli(args, {
      env: { NODE_OPTIONS: `--require ${recorder}`, FLEET_TEST_LOADED: file, FLEET_LOCAL_DIR: path.join(dir, "local"), FLEET_STORE: path.join(dir, "store") },
    });
    assert.equal(result.code, 0, result.stderr);
    return (await readFile(file, "utf8")).split("\n");
  }

  const heavy = (modules: string[]) =>
    modules.filter((m) => /[\\/]node_modules[\\/](@pulumi|@aws-sdk|serverless-http|koa)[\\/]/.test(m) || /[\\/](build|stacks|emulator)[\\/][^\\/]+\.ts$/.test(m));

  it("fleet check: stage files and their schema, nothing else", async () => {
    const modules = await loaded(["check"]);
    assert.deepEqual(heavy(modules), []);
    assert.ok(modules.some((m) => m.endsWith(`${path.sep}core${path.sep}stage-schema.ts`)), "the check ran");
  });

  it("fleet bootstrap policy: the stage files, the bootstrap's config and its policies, without the Pulumi program", async () => {
    const modules = await loaded(["bootstrap", "policy", "--account", "111111111111"]);
    assert.deepEqual(heavy(modules), []);
    assert.ok(modules.some((m) => m.endsWith(`${path.sep}bootstrap${path.sep}policies${path.sep}deploy-policy.ts`)), "the policy was generated");
    assert.ok(!modules.some((m) => m.endsWith(`${path.sep}bootstrap${path.sep}index.ts`)), "the bootstrap program stays unloaded");
  });

  it("fleet status --local: the store and the ledger, no cloud SDK, no bundler, no emulator", async () => {
    const modules = await loaded(["status", "--local"]);
    assert.deepEqual(heavy(modules), []);
    assert.ok(modules.some((m) => m.endsWith(`${path.sep}local-cloud${path.sep}local-state.ts`)), "the local state was read");
  });
});
