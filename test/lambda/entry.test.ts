import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildBundle } from "../../build/bundle";
import { parseFleetConfig } from "../../core/fleet-config";
import { repoRoot } from "../../core/paths";
import { lambdaContext } from "../helpers/aws-events";
import { events } from "./events";

/**
 * lambda/entry.ts, as the build bundles it around an app module: the handler of a good module answers, and a module
 * that breaks the contract fails at init with an error that says what to export (Lambda reports it as an init error).
 */
describe("the bundle entry (lambda/entry.ts around fleet.config.ts's app module)", function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    // Inside the repository, so the app resolves koa from its node_modules as a user's app would.
    dir = await mkdtemp(path.join(repoRoot, "test", "fixtures", ".entry-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function bundleOf(name: string, source: string): Promise<string> {
    const app = path.join(dir, name, "index.ts");
    await mkdir(path.dirname(app), { recursive: true });
    await writeFile(app, source);
    const bundle = await buildBundle(path.join(dir, name, "dist"), { config: parseFleetConfig({ app: path.relative(repoRoot, app) }) });
    return bundle.file;
  }

  it("answers through createApp() of the configured module", async () => {
    const file = await bundleOf("good", `import Koa from "koa";\nexport function createApp() { const app = new Koa(); app.use((ctx) => { ctx.body = "from the app"; }); return app; }\n`);
    const { handler } = require(file) as { handler: (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }> };
    const response = await handler(events.httpV2(), lambdaContext());
    assert.deepEqual([response.statusCode, response.body], [200, "from the app"]);
  });

  it("fails at init, naming what to export, when the module has no createApp()", async () => {
    const file = await bundleOf("no-create-app", `export const app = 1;\n`);
    assert.throws(() => require(file), (error: Error) => error.name === "AppModuleError" && /does not export createApp\(\)\. Fix:/.test(error.message));
  });

  it("fails at init when createApp() returns something that is not a Koa app", async () => {
    const file = await bundleOf("not-koa", `export function createApp() { return { listen() {} }; }\n`);
    assert.throws(() => require(file), (error: Error) => error.name === "AppModuleError" && /did not return a Koa application\. Fix:/.test(error.message));
  });
});
