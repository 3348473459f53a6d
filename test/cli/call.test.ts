import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRelease } from "../../artifacts/create-release";
import { LocalReleaseStore } from "../../artifacts/store/local-store";
import { loadStage } from "../../core/stage";
import { LocalCloud } from "../../local-cloud/local-cloud";
import { endpointsFile, writeLocalEndpoints, writeLocalState } from "../../local-cloud/local-state";
import type { RegionAnswer } from "../../targets/call-regions";
import { runCli } from "../helpers/run-cli";
import { testProbes, writeTestBundle } from "../helpers/test-bundle";

const east = "111111111111/us-east-1";
const west = "111111111111/eu-west-1";

/**
 * `fleet call --local` against the repository's dev (HTTP API) and prod (REST) stacks in a temporary local cloud,
 * each command serving the stack itself, over real HTTP; the test bundle answers like the app, with the adapter's
 * x-fleet-release and x-fleet-region.
 */
describe("fleet call --local (CLI)", function () {
  this.timeout(60_000);
  let root: string;
  let env: NodeJS.ProcessEnv;
  let localDir: string;
  let store: LocalReleaseStore;
  let one: string;
  let two: string;
  let slow: string;
  const fleet = (...args: string[]) => runCli(args, { env });
  const setReleases = (stack: string, releases: Record<string, string>) => writeLocalState(localDir, stack, { releases } as Parameters<typeof writeLocalState>[2]);

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-call-"));
    localDir = path.join(root, "local");
    env = { FLEET_STORE: path.join(root, "releases"), FLEET_LOCAL_DIR: localDir };
    store = new LocalReleaseStore(env.FLEET_STORE!);
    const release = async (options: Parameters<typeof writeTestBundle>[0]) => {
      const dir = await writeTestBundle(options);
      try {
        return (await createRelease({ store, bundleDir: dir, probes: testProbes })).digest;
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    };
    one = await release({ version: "call-1" });
    two = await release({ version: "call-2" });
    slow = await release({ version: "call-slow", slowInRegion: "eu-west-1" });
    // Through the CLI, as a user would: every dev region on `one`.
    const deploy = await fleet("deploy", "--local", "--stack", "dev", "--release", one);
    assert.equal(deploy.code, 0, deploy.stderr);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("calls every region of the deployed stack and prints a row each with status, latency, its own release and the body", async () => {
    const result = await fleet("call", "--local", "--stack", "dev", "GET", "/health");
    assert.equal(result.code, 0, result.stderr);
    const [title, header, ...rows] = result.stdout.trimEnd().split("\n");
    assert.equal(title, "call dev: GET /health");
    assert.match(header!, /^ACCOUNT +REGION +HTTP +LATENCY +RELEASE +BODY$/);
    assert.equal(rows.length, 2);
    assert.match(rows[0]!, new RegExp(`^111111111111 +us-east-1 +200 +\\d+ ms +${one.slice(0, 19)} +\\{"status":"ok","stage":"dev","region":"us-east-1"`));
    assert.match(rows[1]!, new RegExp(`^111111111111 +eu-west-1 +200 +\\d+ ms +${one.slice(0, 19)} +\\{"status":"ok","stage":"dev","region":"eu-west-1"`));
    assert.match(result.stderr, /dev 111111111111\/us-east-1: 200 in \d+ ms/);
  });

  it("--json gives each region's answer with the release that region serves, when regions serve different releases", async () => {
    await setReleases("dev", { [east]: one, [west]: two });
    const result = await fleet("call", "--local", "--stack", "dev", "GET", "/health", "--json");
    assert.equal(result.code, 0, result.stderr);
    const answers = JSON.parse(result.stdout) as RegionAnswer[];
    assert.deepEqual(answers.map((a) => [a.key, a.account, a.region, a.status, a.release, a.headers["x-fleet-region"], a.error]), [
      [east, "111111111111", "us-east-1", 200, one, "us-east-1", null],
      [west, "111111111111", "eu-west-1", 200, two, "eu-west-1", null],
    ]);
    for (const a of answers) {
      assert.match(a.url!, /^http:\/\/127\.0\.0\.1:\d+\/health$/);
      assert.equal(typeof a.latencyMs, "number");
      assert.equal((JSON.parse(a.body!) as { release: string }).release, a.release, "the body comes from the release the header names");
    }
    // Progress stays on stderr: stdout is the JSON alone.
    assert.doesNotMatch(result.stdout, /in \d+ ms/);
  });

  it("POSTs --data as JSON with the --header values, and a content-type --header wins over the default", async () => {
    await setReleases("dev", { [east]: one, [west]: one });
    type Echo = { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: string };
    const echoes = async (...args: string[]) => {
      const result = await fleet("call", "--local", "--stack", "dev", ...args, "--json");
      assert.equal(result.code, 0, result.stderr);
      return (JSON.parse(result.stdout) as RegionAnswer[]).map((a) => JSON.parse(a.body!) as Echo);
    };
    const sent = await echoes("POST", "/echo?lang=fr&n=2", "--data", '{"name": "Ada"}', "--header", "X-Trace: t-1", "--header", "accept-language:de");
    assert.equal(sent.length, 2);
    for (const echo of sent) {
      assert.equal(echo.method, "POST");
      assert.equal(echo.path, "/echo");
      assert.deepEqual(echo.query, { lang: "fr", n: "2" });
      assert.equal(echo.body, '{"name": "Ada"}', "the body as given, not re-serialized");
      assert.equal(echo.headers["content-type"], "application/json");
      assert.equal(echo.headers["x-trace"], "t-1");
      assert.equal(echo.headers["accept-language"], "de");
    }
    // A lower-case method is sent upper-case, as every gateway expects.
    const typed = await echoes("put", "/echo", "--data", "[1]", "--header", "Content-Type: application/merge-patch+json");
    assert.deepEqual(typed.map((e) => [e.method, e.headers["content-type"], e.body]), Array(2).fill(["PUT", "application/merge-patch+json", "[1]"]));
  });

  it("--region calls only the regions named, by region name or <account>/<region>, on a REST stack's /<stage>/ URLs", async () => {
    await setReleases("prod", { "222222222222/us-east-1": one, "222222222222/us-west-2": one, "333333333333/eu-west-1": one, "333333333333/eu-central-1": two });
    const result = await fleet("call", "--local", "--stack", "prod", "--region", "eu-central-1", "--region", "222222222222/us-west-2", "GET", "/echo?lang=fr", "--json");
    assert.equal(result.code, 0, result.stderr);
    const answers = JSON.parse(result.stdout) as RegionAnswer[];
    // In the stage's order, whatever the order of the flags.
    assert.deepEqual(answers.map((a) => [a.key, a.status, a.release]), [["222222222222/us-west-2", 200, one], ["333333333333/eu-central-1", 200, two]]);
    for (const a of answers) {
      assert.match(a.url!, /^http:\/\/127\.0\.0\.1:\d+\/prod\/echo\?lang=fr$/);
      assert.deepEqual((JSON.parse(a.body!) as { query: unknown }).query, { lang: "fr" });
    }
  });

  it("counts any HTTP status as an answer: a 404 exits 0", async () => {
    const result = await fleet("call", "--local", "--stack", "dev", "DELETE", "/nothing-here");
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /111111111111 +us-east-1 +404 /);
    assert.match(result.stdout, /111111111111 +eu-west-1 +404 /);
  });

  it("exits 1 when a region times out, still reporting the region that answered", async () => {
    await setReleases("dev", { [east]: one, [west]: slow });
    const result = await fleet("call", "--local", "--stack", "dev", "--timeout", "500", "GET", "/health");
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, new RegExp(`111111111111 +us-east-1 +200 +\\d+ ms +${one.slice(0, 19)} +\\{"status":"ok"`));
    assert.match(result.stdout, /111111111111 +eu-west-1 +- +\d+ ms +- +NO ANSWER: no answer within 500 ms \(timed out\)\. Fix: .*raise --timeout/);
    assert.match(result.stderr, /1 of 2 regions did not answer: 111111111111\/eu-west-1/);
  });

  it("exits 1 when a region is unreachable (the 'fleet start' serving it lost it), with the others' answers in --json", async () => {
    await setReleases("dev", { [east]: one, [west]: one });
    // What a running `fleet start` publishes, with eu-west-1 on a port nothing listens on any more.
    const cloud = await LocalCloud.start({ stage: loadStage("dev"), store, dir: localDir, publish: false });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as { port: number }).port}/`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    try {
      await writeLocalEndpoints(localDir, "dev", { pid: process.pid, endpoints: { [east]: cloud.urls()[east]!, [west]: deadUrl }, serving: { [east]: one, [west]: one } });
      const result = await fleet("call", "--local", "--stack", "dev", "GET", "/health", "--json");
      assert.equal(result.code, 1, result.stderr);
      const answers = JSON.parse(result.stdout) as RegionAnswer[];
      assert.deepEqual(answers.map((a) => [a.key, a.status, a.release]), [[east, 200, one], [west, null, null]]);
      assert.match(answers[1]!.error!, /^unreachable \(ECONNREFUSED\) at http:\/\/127\.0\.0\.1:\d+\. Fix: /);
      assert.equal(answers[1]!.url, `${deadUrl}health`);
    } finally {
      await rm(endpointsFile(localDir, "dev"), { force: true });
      await cloud.close();
    }
  });

  describe("usage errors: exit 2, naming the input and the fix, before any region is called", () => {
    const cases: [string, string[], RegExp][] = [
      ["an unknown stack", ["--stack", "dve", "GET", "/health"], /--stack dve: unknown stack 'dve' \(did you mean 'dev'\?\).*stacks here: dev, prod/],
      ["no --stack", ["GET", "/health"], /--stack <stack> is required/],
      ["a region not in the stack", ["--stack", "dev", "--region", "eu-west-2", "GET", "/health"], /--region eu-west-2 is not a region of stack dev \(did you mean 'eu-west-1'\?\): its regions are 111111111111\/us-east-1, 111111111111\/eu-west-1\. Fix: /],
      ["a method that is not an HTTP token", ["--stack", "dev", "G T", "/health"], /method 'G T' is not an HTTP method .*Fix: use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS/],
      ["a method fleet call does not send", ["--stack", "dev", "TRACE", "/health"], /method 'TRACE' is not one fleet call sends\. Fix: use one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS/],
      ["the path without the method", ["--stack", "dev", "/health"], /missing the method before '\/health'\. Fix: .*GET \/health/],
      ["no method and no path", ["--stack", "dev"], /missing <METHOD> <path>\. Fix: /],
      ["a method without a path", ["--stack", "dev", "GET"], /missing the path after GET\. Fix: add it, e\.g\. .*GET \/health/],
      ["a path not starting with /", ["--stack", "dev", "GET", "health"], /path 'health' must start with '\/'.*Fix: \/health/],
      ["an argument after the path", ["--stack", "dev", "GET", "/search", "q=1"], /too many arguments for 'call'/],
      ["--data that is not JSON", ["--stack", "dev", "POST", "/echo", "--data", "{name: 1}"], /--data '\{name: 1\}' is not JSON \(.*position 1.*\)\. Fix: pass one JSON document/],
      ["--data with GET", ["--stack", "dev", "GET", "/echo", "--data", "{}"], /--data cannot go with GET.*Fix: use POST/],
      ["a --header without a colon", ["--stack", "dev", "GET", "/", "--header", "x-trace=t-1"], /--header 'x-trace=t-1' has no ':' between name and value\. Fix: write it as --header 'name: value'/],
      ["a --header without a name", ["--stack", "dev", "GET", "/", "--header", ": v"], /--header ': v' has no name before ':'\. Fix: /],
      ["a --header whose name is not a token", ["--stack", "dev", "GET", "/", "--header", "x trace: 1"], /--header 'x trace: 1': 'x trace' is not a header name .*Fix: /],
      ["a --header the HTTP client sets itself", ["--stack", "dev", "GET", "/", "--header", "Host: example.com"], /--header 'Host: example.com': fleet call cannot send host .*Fix: leave it out/],
      ["a --timeout that is not a positive whole number", ["--stack", "dev", "--timeout", "soon", "GET", "/"], /--timeout 'soon' must be a positive whole number/],
    ];
    for (const [what, args, message] of cases) {
      it(`refuses ${what}`, async () => {
        const result = await fleet("call", "--local", ...args);
        assert.equal(result.code, 2, result.stderr);
        assert.match(result.stderr, message);
        assert.equal(result.stdout, "");
        assert.doesNotMatch(result.stderr, /in \d+ region/, "nothing was called");
      });
    }
  });

  it("documents under --help that any HTTP status counts as an answer", async () => {
    const result = await fleet("call", "--help");
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: fleet call --stack <stack>/);
    // Commander wraps the description to the terminal: any whitespace between the words.
    assert.match(result.stdout, /A\s+region\s+answering\s+any\s+HTTP\s+status,\s+4xx\s+and\s+5xx\s+included,\s+has\s+answered/);
  });
});
