import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRelease } from "../../artifacts/create-release";
import { LocalReleaseStore } from "../../artifacts/store/local-store";
import { runCli } from "../helpers/run-cli";
import { writeTestBundle, testProbes } from "../helpers/test-bundle";

const bin = path.resolve(__dirname, "../../cli/bin.js");

describe("fleet start --deployed with deploy --local (two processes)", function () {
  this.timeout(120_000);
  let root: string;
  let env: NodeJS.ProcessEnv;
  let server: ChildProcess | undefined;
  let endpoints: { stack: string; key: string; url: string }[];
  let first: string;
  let second: string;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-start-deployed-"));
    env = { ...process.env, FLEET_STORE: path.join(root, "releases"), FLEET_LOCAL_DIR: path.join(root, "local") };
    const store = new LocalReleaseStore(env.FLEET_STORE!);
    for (const version of ["1", "2"]) {
      const dir = await writeTestBundle({ version });
      const { digest } = await createRelease({ store, bundleDir: dir, probes: testProbes });
      if (version === "1") first = digest;
      else second = digest;
      await rm(dir, { recursive: true, force: true });
    }
    server = spawn(process.execPath, [bin, "start", "--deployed", "--port", "0", "--json"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    server.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      let out = "";
      server!.stdout!.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0]!);
      });
      server!.once("exit", (code) => reject(new Error(`fleet start --deployed exited with ${code}: ${stderr}`)));
    });
    endpoints = (JSON.parse(line) as { endpoints: typeof endpoints }).endpoints;
  });
  after(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server!.once("exit", resolve));
      server.kill("SIGINT");
      await exited;
    }
    await rm(root, { recursive: true, force: true });
  });

  const health = async (stack: string) =>
    Promise.all(endpoints.filter((e) => e.stack === stack).map(async (e) => (await fetch(new URL("health", e.url))).status));

  it("serves every stack's regions, answering 503 where nothing is deployed yet", async () => {
    assert.deepEqual([...new Set(endpoints.map((e) => e.stack))], ["dev", "prod"]);
    assert.equal(endpoints.length, 6);
    assert.deepEqual(await health("dev"), [503, 503]);
  });

  it("picks up deploy and promote from another process without a restart", async () => {
    const deploy = await runCli(["deploy", "--local", "--stack", "dev", "--release", first, "--json"], { env });
    assert.equal(deploy.code, 0, deploy.stderr);
    for (const e of endpoints.filter((e) => e.stack === "dev")) {
      const body = (await (await fetch(new URL("health", e.url))).json()) as { release: string };
      assert.equal(body.release, first);
    }
    // No bake (prod's is 5m): bakes are tested with short ones in test/rollout/progressive.test.ts.
    const promote = await runCli(["promote", "--local", "--from", "dev", "--to", "prod", "--yes", "--bake", "0s"], { env });
    assert.equal(promote.code, 0, promote.stderr);
    assert.match(promote.stdout, /promote prod: done/);
    const redeploy = await runCli(["deploy", "--local", "--stack", "dev", "--release", second], { env });
    assert.equal(redeploy.code, 0, redeploy.stderr);
    const releases = await Promise.all(
      endpoints.map(async (e) => [e.stack, ((await (await fetch(new URL("health", e.url))).json()) as { release: string }).release]),
    );
    assert.deepEqual(releases, [["dev", second], ["dev", second], ["prod", first], ["prod", first], ["prod", first], ["prod", first]]);
  });

  it("on Ctrl-C during a promotion puts the region in flight back, leaves the rest untouched and exits 130", async () => {
    const child = spawn(process.execPath, [bin, "promote", "--local", "--from", "dev", "--to", "prod", "--yes", "--bake", "0s"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("prod 222222222222/us-east-1: deploying") && child.signalCode === null && !stderr.includes("interrupted")) child.kill("SIGINT");
    });
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    assert.equal(code, 130, stderr);
    assert.match(stdout, /promote prod: INTERRUPTED/);
    assert.match(stdout, /222222222222 +us-east-1 +rolled back/);
    assert.match(stdout, /333333333333 +eu-central-1 +untouched/);
    const releases = await Promise.all(
      endpoints.filter((e) => e.stack === "prod").map(async (e) => ((await (await fetch(new URL("health", e.url))).json()) as { release: string }).release),
    );
    assert.deepEqual(releases, Array(4).fill(first));
  });
});
