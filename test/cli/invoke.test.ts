import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRelease } from "../../artifacts/create-release";
import { LocalReleaseStore } from "../../artifacts/store/local-store";
import type { Digest } from "../../core/digest";
import type { InvokeAnswer } from "../../core/invoke-answer";
import { functionLogFile } from "../../local-cloud/function-logs";
import { writeLocalState } from "../../local-cloud/local-state";
import { runCli } from "../helpers/run-cli";
import { testProbes, writeTestBundle } from "../helpers/test-bundle";

const east = "111111111111/us-east-1";
const west = "111111111111/eu-west-1";

/**
 * `fleet invoke --local` against the repository's dev stack (two regions) in a temporary local cloud: the event
 * handed to each region's function as written (no gateway), the release the state names, real worker threads.
 */
describe("fleet invoke --local (CLI)", function () {
  this.timeout(90_000);
  let root: string;
  let env: NodeJS.ProcessEnv;
  let localDir: string;
  let event: string;
  let good: Digest;
  let crashing: Digest;
  const fleet = (args: string[], input?: string) => runCli(args, { env, ...(input === undefined ? {} : { input }) });

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-invoke-"));
    localDir = path.join(root, "local");
    env = { FLEET_STORE: path.join(root, "releases"), FLEET_LOCAL_DIR: localDir };
    const store = new LocalReleaseStore(env.FLEET_STORE!);
    const release = async (options: Parameters<typeof writeTestBundle>[0]) => {
      const dir = await writeTestBundle(options);
      try {
        return (await createRelease({ store, bundleDir: dir, probes: testProbes })).digest;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    };
    good = await release({ version: "invoke-1", logs: true });
    crashing = await release({ version: "invoke-crash", crashInRegion: "eu-west-1" });
    // An HTTP API event as the test bundle reads one; fleet invoke hands it over as written.
    event = path.join(root, "event.json");
    await writeFile(event, JSON.stringify({ rawPath: "/health", requestContext: { http: { method: "GET" } } }));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("hands the event to every region's function and prints what each returned, with the release that ran", async () => {
    await writeLocalState(localDir, "dev", { releases: { [east]: good, [west]: good } });
    const result = await fleet(["invoke", "--local", "--stack", "dev", "--event", event]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split("\n");
    assert.match(lines[0]!, new RegExp(`^${east}  returned  \\d+ ms  ${good.slice(0, 19)}$`));
    assert.equal(JSON.parse(JSON.parse(lines[1]!).body).region, "us-east-1");
    assert.match(lines[2]!, new RegExp(`^${west}  returned  \\d+ ms  ${good.slice(0, 19)}$`));
    assert.deepEqual(JSON.parse(JSON.parse(lines[3]!).body), { status: "ok", stage: "dev", region: "eu-west-1", release: good });
    // The function's output: on stderr as it runs, and in the region's log for fleet logs --local.
    assert.match(result.stderr, /\[111111111111\/eu-west-1\] plain \/health/);
    assert.match(await readFile(functionLogFile(localDir, "dev", west), "utf8"), /"message":"plain \/health"/);
  });

  it("--json gives one answer per region; --region picks one; the event can come from stdin", async () => {
    const result = await fleet(["invoke", "--local", "--stack", "dev", "--region", "eu-west-1", "--event", "-", "--json"], JSON.stringify({ rawPath: "/echo", body: "hi", requestContext: { http: { method: "POST" } } }));
    assert.equal(result.code, 0, result.stderr);
    const answers = JSON.parse(result.stdout) as InvokeAnswer[];
    assert.deepEqual(answers.map((a) => [a.key, a.account, a.region, a.ran, a.functionError, a.error]), [[west, "111111111111", "eu-west-1", good, null, null]]);
    assert.deepEqual(JSON.parse(JSON.parse(answers[0]!.payload!).body), { method: "POST", path: "/echo", query: {}, headers: {}, body: "hi" });
    assert.equal(typeof answers[0]!.durationMs, "number");
  });

  it("a function that fails is reported with Lambda's error document and exit 1; a region serving nothing says how to deploy", async () => {
    await writeLocalState(localDir, "dev", { releases: { [east]: good, [west]: crashing } });
    const result = await fleet(["invoke", "--local", "--stack", "dev", "--event", event, "--json"]);
    assert.equal(result.code, 1);
    const [returned, failed] = JSON.parse(result.stdout) as InvokeAnswer[];
    assert.equal(failed!.functionError, "Unhandled");
    assert.equal(JSON.parse(failed!.payload!).errorType, "Runtime.InitError");
    assert.match(JSON.parse(failed!.payload!).errorMessage, /cannot start in eu-west-1/);
    assert.equal(returned!.functionError, null);
    assert.match(result.stderr, /fleet: 1 of 2 regions did not return: 111111111111\/eu-west-1/);

    const none = await fleet(["invoke", "--local", "--stack", "prod", "--region", "us-east-1", "--event", event]);
    assert.equal(none.code, 1);
    assert.match(none.stdout, /^222222222222\/us-east-1  NOT INVOKED: serves no release: run 'fleet deploy --local --stack prod --release <digest>' first$/m);
  });

  it("refuses a missing, unreadable or non-JSON event before invoking anything (exit 2, naming --event and the fix)", async () => {
    const missing = await fleet(["invoke", "--local", "--stack", "dev"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--event <file\|-> is required: .* Fix: e\.g\. --event event\.json/);
    const absent = await fleet(["invoke", "--local", "--stack", "dev", "--event", path.join(root, "nope.json")]);
    assert.equal(absent.code, 2);
    assert.match(absent.stderr, /nope\.json: cannot read it \(ENOENT\)\. Fix:/);
    const text = await fleet(["invoke", "--local", "--stack", "dev", "--event", "-"], "{not json");
    assert.equal(text.code, 2);
    assert.match(text.stderr, /--event - is not JSON \(.*\)\. Fix: the event must be one JSON document/);
    assert.equal(text.stdout, "");
  });
});
