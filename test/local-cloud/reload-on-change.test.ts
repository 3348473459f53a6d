import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { startEmulator, type Emulator, type EndpointConfig } from "../../emulator";
import { reloadOnChange, type Reloader } from "../../local-cloud/reload-on-change";
import { handlerDir } from "../emulator/handlers";
import { send } from "../emulator/http-client";

/** A bundle that answers its version and its region, so a reload and the kept environment both show. */
const versionHandler = (version: string) => `
exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ version: ${JSON.stringify(version)}, region: process.env.AWS_REGION }) });
`;

/** Polls `check` until it holds (a file watcher and a rebuild take a moment), failing after `ms`. */
async function eventually(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("the condition never held");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("reloadOnChange (fleet start --watch)", () => {
  const files = handlerDir();
  let emulator: Emulator | undefined;
  let reloader: Reloader | undefined;
  afterEach(async () => {
    await reloader?.close();
    await emulator?.close();
    reloader = undefined;
    emulator = undefined;
  });
  after(() => files.cleanup());

  it("rebuilds on a source change and swaps every endpoint, each keeping its region; a failed build keeps the old code", async () => {
    const bundleFile = files.write("v1.js", versionHandler("v1"));
    const source = path.join(path.dirname(bundleFile), "src");
    mkdirSync(source);
    const endpoints: EndpointConfig[] = ["us-east-1", "eu-west-1"].map((region) => ({
      key: `000000000000/${region}`, account: "000000000000", region, port: 0, api: "http", stage: "dev", bundleFile, env: { FLEET_STAGE: "dev" },
    }));
    emulator = await startEmulator({ endpoints, log: () => {} });
    const answers = () => Promise.all(emulator!.endpoints.map(async (e) => (await send(`${e.url}x`)).json()));
    assert.deepEqual(await answers(), [{ version: "v1", region: "us-east-1" }, { version: "v1", region: "eu-west-1" }]);

    // The "build" reads the source file and writes a bundle from it; "broken" fails like an esbuild error.
    let builds = 0;
    const progress: string[] = [];
    const rebuild = async () => {
      builds += 1;
      const version = readFileSync(path.join(source, "version.txt"), "utf8").trim();
      if (version === "broken") throw new Error("could not build the Lambda bundle: app/x.ts:1:1: Expected ';'");
      return files.write(`${version}.js`, versionHandler(version));
    };
    reloader = reloadOnChange({ dirs: [source], rebuild, emulator, endpoints, progress: (line) => progress.push(line), debounceMs: 30 });

    writeFileSync(path.join(source, "version.txt"), "v2");
    await eventually(async () => (await answers()).every((a) => a.version === "v2"));
    assert.deepEqual(await answers(), [{ version: "v2", region: "us-east-1" }, { version: "v2", region: "eu-west-1" }]);
    assert.match(progress.join("\n"), /reloaded 2 endpoint\(s\) in \d+ ms after changes to .*version\.txt/);

    writeFileSync(path.join(source, "version.txt"), "broken");
    await eventually(async () => progress.some((line) => line.includes("still serving the previous build: fix the problems above and save again")));
    assert.match(progress.join("\n"), /Expected ';'/);
    assert.deepEqual((await answers()).map((a) => a.version), ["v2", "v2"]);
    assert.ok(builds >= 2);
  });

  it("rebuilds after every rename-style save (sed -i) of a file in a subfolder, and never for an editor's temp file", async () => {
    const bundleFile = files.write("tree.js", versionHandler("tree"));
    const source = path.join(path.dirname(bundleFile), "tree");
    mkdirSync(path.join(source, "routes"), { recursive: true });
    const file = path.join(source, "routes", "a.ts");
    writeFileSync(file, "v0");
    const progress: string[] = [];
    let builds = 0;
    reloader = reloadOnChange({
      dirs: [source],
      rebuild: async () => {
        builds += 1;
        return bundleFile;
      },
      emulator: { endpoints: [], replace: async () => undefined, canary: async () => undefined, close: async () => undefined },
      endpoints: [],
      progress: (line) => progress.push(line),
      debounceMs: 30,
    });
    for (let save = 1; save <= 3; save++) {
      execFileSync("sed", ["-i", `s/v${save - 1}/v${save}/`, file]);
      await eventually(async () => builds === save);
    }
    writeFileSync(path.join(source, "routes", ".a.ts.swp"), "swap");
    writeFileSync(file, "v4");
    await eventually(async () => builds === 4);
    assert.ok(progress.every((line) => /after changes to \S*routes\/a\.ts$/.test(line)), progress.join("\n"));
  });
});
