import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { buildBundle } from "../../build/bundle";
import { parseFleetConfig } from "../../core/fleet-config";
import { repoRoot } from "../../core/paths";

/**
 * What AWS's Node.js runtime client (aws-lambda-ric, what AWS's base images run) reports when the bundle throws
 * while loading: `errorType` is the error's `name` (src/utils/error.ts formatError: `errorType: error.name`), in
 * Lambda's logs and in its `/init/error` call. Run in a fresh process, as an execution environment starts.
 */
function initErrorOf(bundleFile: string, env: Record<string, string> = {}): { errorType: string; errorMessage: string } {
  const script = `try { require(${JSON.stringify(bundleFile)}); console.log("null"); } catch (error) { console.log(JSON.stringify({ errorType: error.name, errorMessage: error.message })); }`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { env: { ...process.env, ...env } }).toString()) as { errorType: string; errorMessage: string };
}

describe("error types a bundle reports to Lambda keep their real names (the bundle is minified)", function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    // Inside the repository, so the app resolves koa from its node_modules as a user's app would.
    dir = await mkdtemp(path.join(repoRoot, "test", "fixtures", ".init-error-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("an app's own error class named from its constructor (this.name = new.target.name / this.constructor.name) is reported by that name", async () => {
    const app = path.join(dir, "app", "index.ts");
    await mkdir(path.dirname(app), { recursive: true });
    await writeFile(
      app,
      [
        `import Koa from "koa";`,
        `class SettingsError extends Error { constructor(message: string) { super(message); this.name = new.target.name; } }`,
        `class MissingSecretError extends Error { constructor(message: string) { super(message); this.name = this.constructor.name; } }`,
        `export function createApp(): Koa {`,
        `  if (process.env.BROKEN === "secret") throw new MissingSecretError("API_TOKEN is not set");`,
        `  throw new SettingsError("PORT must be a number");`,
        `}`,
      ].join("\n"),
    );
    const bundle = await buildBundle(path.join(dir, "dist"), { config: parseFleetConfig({ app: path.relative(repoRoot, app) }) });
    assert.deepEqual(initErrorOf(bundle.file), { errorType: "SettingsError", errorMessage: "PORT must be a number" });
    assert.deepEqual(initErrorOf(bundle.file, { BROKEN: "secret" }), { errorType: "MissingSecretError", errorMessage: "API_TOKEN is not set" });
  });

  it("the example app with a bad configuration reports ConfigError, and a module without createApp() AppModuleError", async () => {
    const example = await buildBundle(path.join(dir, "example"));
    const config = initErrorOf(example.file, { FLEET_STAGE: "Not A Stage!" });
    assert.equal(config.errorType, "ConfigError");
    assert.match(config.errorMessage, /FLEET_STAGE="Not A Stage!"/);
    const broken = path.join(dir, "broken", "index.ts");
    await mkdir(path.dirname(broken), { recursive: true });
    await writeFile(broken, "export const nothing = 1;\n");
    const bundle = await buildBundle(path.join(dir, "broken-dist"), { config: parseFleetConfig({ app: path.relative(repoRoot, broken) }) });
    assert.equal(initErrorOf(bundle.file).errorType, "AppModuleError");
  });
});
