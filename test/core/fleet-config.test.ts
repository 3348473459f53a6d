import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { FleetConfigError, loadFleetConfig, parseFleetConfig } from "../../core/fleet-config";

/** The messages of a config that must be refused. */
function issuesOf(raw: unknown): string[] {
  try {
    parseFleetConfig(raw);
  } catch (error) {
    assert.ok(error instanceof FleetConfigError);
    return error.issues.map((issue) => `${issue.key}: ${issue.message}`);
  }
  assert.fail("accepted");
}

describe("fleet.config.ts (core/fleet-config.ts)", () => {
  it("defaults to app/index.ts, /health and no smoke calls, with no OpenAPI", () => {
    assert.deepEqual(parseFleetConfig({}), { app: "app/index.ts", health: "/health", smoke: [] });
  });

  it("takes every documented key", () => {
    const config = {
      app: "src/app.ts",
      health: "/healthz",
      smoke: [{ method: "POST", path: "/v1/echo?x=1", body: { message: "hi" }, headers: { "x-k": "v" }, status: 201 }],
      openapi: "/openapi.json",
    };
    assert.deepEqual(parseFleetConfig(config), config);
  });

  it("names the key, the bad value and the fix", () => {
    assert.deepEqual(issuesOf({ health: "health" }), ['health: must start with / and hold no spaces or # (got "health"). Fix: e.g. "/health" or "/v1/items?limit=1"']);
    assert.deepEqual(issuesOf({ smoke: [{ method: "FETCH", path: "/", status: 200 }] }), [
      "smoke[0].method: must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS (got \"FETCH\"). Fix: e.g. method: \"GET\"",
    ]);
    assert.deepEqual(issuesOf({ smoke: [{ method: "GET", path: "/", status: 99 }] }), ["smoke[0].status: is not an HTTP status (got 99). Fix: use 100..599"]);
    assert.deepEqual(issuesOf({ app: "../elsewhere/index.ts" }), ['app: must be a path inside the repository (got "../elsewhere/index.ts"). Fix: e.g. "app/index.ts"']);
  });

  it("reports every bad key at once, and suggests the key a typo meant", () => {
    assert.deepEqual(issuesOf({ helth: "/h", openapi: 3, smoke: [{ method: "GET", path: "/", status: 200, statuss: 1 }] }).sort(), [
      "helth: is not a fleet.config.ts setting (did you mean 'health'?). Fix: check the spelling or remove it",
      'openapi: must be a path (got 3). Fix: write it as a string starting with /, e.g. "/health"',
      "smoke[0].statuss: is not a fleet.config.ts setting (did you mean 'status'?). Fix: check the spelling or remove it",
    ]);
  });

  it("refuses a default export that is not an object", () => {
    assert.match(issuesOf("app/index.ts")[0]!, /^\(config\): /);
  });

  describe("loading <root>/fleet.config.ts", () => {
    let root: string;
    beforeEach(async () => {
      root = await mkdtemp(path.join(tmpdir(), "fleet-config-"));
      await mkdir(path.join(root, "app"));
      await writeFile(path.join(root, "app", "index.ts"), "export const createApp = () => undefined;\n");
    });
    afterEach(() => rm(root, { recursive: true, force: true }));

    it("reads the default export of a TypeScript module", async () => {
      await writeFile(path.join(root, "fleet.config.ts"), 'const health: string = "/up";\nexport default { health };\n');
      assert.deepEqual(loadFleetConfig(root), { app: "app/index.ts", health: "/up", smoke: [] });
    });

    it("uses the defaults when there is no file", () => {
      assert.deepEqual(loadFleetConfig(root), { app: "app/index.ts", health: "/health", smoke: [] });
    });

    it("refuses an app module that does not exist, naming the fix", async () => {
      await writeFile(path.join(root, "fleet.config.ts"), 'export default { app: "src/missing.ts" };\n');
      assert.throws(() => loadFleetConfig(root), /fleet\.config\.ts is invalid:\n  app: "src\/missing\.ts" does not exist\. Fix: point app at the module that exports createApp\(\)/);
    });

    it("reports a file that does not load as such", async () => {
      await writeFile(path.join(root, "fleet.config.ts"), "throw new Error('broken on purpose');\n");
      assert.throws(() => loadFleetConfig(root), /\(file\): could not be loaded: broken on purpose\. Fix:/);
    });
  });
});
