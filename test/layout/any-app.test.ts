import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../../core/paths";
import { repositoryWith } from "../helpers/repository-copy";
import { runCli } from "../helpers/run-cli";

const run = promisify(execFile);

/**
 * The promise of the platform, checked as a new user would: a Koa app nobody here wrote goes into `app/` with its
 * own `fleet.config.ts`, nothing else changes, and it type-checks, builds, releases, deploys, smokes with its own
 * probes, promotes dev -> prod and serves every region under `fleet start`. Each fixture runs in its own copy of
 * the repository (the example app and its tests gone), with the real `fleet` binary of that copy.
 */
const fixtures = {
  "plain-koa": { health: "/healthz", openapi: false },
  "body-parser": { health: "/status", openapi: true },
} as const;

/** `fleet start` in the copy until it prints its endpoints; stopped with SIGTERM. */
async function startIn(copy: string): Promise<{ endpoints: { key: string; region: string; url: string }[]; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(copy, "cli", "bin.js"), "start", "--port", "0", "--json"], { cwd: copy, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const endpoints = await new Promise<{ key: string; region: string; url: string }[]>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes("\n")) resolve((JSON.parse(stdout.split("\n")[0]!) as { endpoints: { key: string; region: string; url: string }[] }).endpoints);
    });
    child.once("exit", (code) => reject(new Error(`fleet start exited ${code}: ${stderr}`)));
  });
  return {
    endpoints,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

describe("fleet for any Koa app: a fixture app in app/ with its fleet.config.ts, nothing else changed", function () {
  this.timeout(240_000);
  const copies: Record<string, string> = {};
  before(async () => {
    for (const fixture of Object.keys(fixtures) as (keyof typeof fixtures)[]) copies[fixture] = await repositoryWith(fixture);
  });
  after(async () => {
    for (const copy of Object.values(copies)) await rm(copy, { recursive: true, force: true });
  });

  for (const [fixture, expected] of Object.entries(fixtures) as [keyof typeof fixtures, (typeof fixtures)[keyof typeof fixtures]][]) {
    describe(fixture, () => {
      const fleet = (...args: string[]) => runCli(args, { root: copies[fixture]! });
      let digest: string;

      it("type-checks under the repository's compiler settings, with the platform files that import the app", async () => {
        // The whole repository is type-checked by `npm test` itself; what a new app can break is itself, its
        // fleet.config.ts and the files that import the app module (only the bench's app.listen baseline does).
        const project = path.join(copies[fixture]!, "tsconfig.app-check.json");
        await writeFile(project, JSON.stringify({ extends: "./tsconfig.json", include: ["app", "fleet.config.ts", "bench/servers/app-listen.ts"] }));
        const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
        await run(process.execPath, [tsc, "--noEmit", "-p", project], { cwd: copies[fixture] });
      });

      it("releases: the manifest records the app's own probes, and its OpenAPI document only when it has one", async () => {
        const release = await fleet("release", "--json");
        assert.equal(release.code, 0, release.stderr);
        const manifest = JSON.parse(release.stdout) as { digest: string; openapi: string | null; probes: { health: string } };
        digest = manifest.digest;
        assert.equal(manifest.probes.health, expected.health);
        assert.equal(manifest.openapi !== null, expected.openapi);
        if (!expected.openapi) assert.match(release.stderr, /API compatibility is not checked/);
      });

      it("deploys to dev and smokes every region with its own probes", async () => {
        const deploy = await fleet("deploy", "--local", "--stack", "dev", "--release", digest, "--json");
        assert.equal(deploy.code, 0, deploy.stderr);
        assert.deepEqual((JSON.parse(deploy.stdout) as { regions: { result: string }[] }).regions.map((r) => r.result), ["changed", "changed"]);
        const smoke = await fleet("smoke", "--local", "--stack", "dev", "--json");
        assert.equal(smoke.code, 0, smoke.stderr);
        const regions = (JSON.parse(smoke.stdout) as { regions: { region: string; release: string; probes: { path: string; ok: boolean }[] }[] }).regions;
        for (const region of regions) {
          assert.equal(region.release, digest);
          assert.equal(region.probes[0]!.path, expected.health);
          assert.ok(region.probes.every((p) => p.ok));
        }
      });

      it("promotes dev's digest to every prod region", async () => {
        // No bake (prod's is 5m): bakes are tested with short ones in test/rollout/progressive.test.ts.
        const promote = await fleet("promote", "--local", "--from", "dev", "--to", "prod", "--yes", "--json", "--bake", "0s");
        assert.equal(promote.code, 0, promote.stderr);
        const report = JSON.parse(promote.stdout) as { ok: boolean; regions: { result: string; live: string }[] };
        assert.equal(report.ok, true);
        assert.deepEqual(report.regions.map((r) => [r.result, r.live]), Array(4).fill(["changed", digest]));
      });

      it("runs under `fleet start` in every region of dev, each answering from its own region", async () => {
        const started = await startIn(copies[fixture]!);
        try {
          assert.equal(started.endpoints.length, 2);
          for (const endpoint of started.endpoints) {
            const response = await fetch(new URL(expected.health.slice(1), endpoint.url));
            assert.equal(response.status, 200);
            assert.equal(response.headers.get("x-fleet-region"), endpoint.region);
            assert.equal(response.headers.get("x-fleet-release"), "dev");
          }
        } finally {
          await started.stop();
        }
      });
    });
  }
});
