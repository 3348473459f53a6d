import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { appendFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRelease } from "../../artifacts/create-release";
import { LocalReleaseStore } from "../../artifacts/store/local-store";
import { functionLogFile } from "../../local-cloud/function-logs";
import { runCli } from "../helpers/run-cli";
import { testProbes, writeTestBundle } from "../helpers/test-bundle";

const east = "111111111111/us-east-1";
const west = "111111111111/eu-west-1";
const bin = path.resolve(__dirname, "../../cli/bin.js");

interface JsonLine {
  key: string;
  account: string;
  region: string;
  timestamp: number;
  message: string;
}

/**
 * `fleet logs --local` against the repository's dev stack (two regions) in a temporary local cloud: the lines the
 * functions wrote while `fleet deploy --local` served and smoked the stack itself, and, with --follow, while
 * `fleet start --deployed` serves it, over real HTTP.
 */
describe("fleet logs --local (CLI)", function () {
  this.timeout(90_000);
  let root: string;
  let env: NodeJS.ProcessEnv;
  let localDir: string;
  const fleet = (...args: string[]) => runCli(args, { env });
  const jsonLines = (stdout: string) => stdout.trimEnd().split("\n").filter(Boolean).map((line) => JSON.parse(line) as JsonLine);

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-logs-"));
    localDir = path.join(root, "local");
    env = { FLEET_STORE: path.join(root, "releases"), FLEET_LOCAL_DIR: localDir };
    const dir = await writeTestBundle({ version: "logs-1", logs: true });
    const { digest } = await createRelease({ store: new LocalReleaseStore(env.FLEET_STORE!), bundleDir: dir, probes: testProbes });
    await rm(dir, { recursive: true, force: true });
    // The deploy serves the stack itself and smokes every region: GET /health and the smoke probe in each.
    const deploy = await fleet("deploy", "--local", "--stack", "dev", "--release", digest);
    assert.equal(deploy.code, 0, deploy.stderr);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("prints every region's lines merged by time, a request's access-log line as time, region, method, path, status, ms", async () => {
    const result = await fleet("logs", "--local", "--stack", "dev");
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split("\n");
    for (const key of [east, west]) {
      assert.ok(lines.some((line) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${key} GET /health 200 1 ms$`).test(line)), result.stdout);
      assert.ok(lines.some((line) => new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${key} plain /v1/greetings/fleet$`).test(line)), result.stdout);
    }
    const times = lines.map((line) => line.slice(0, 12));
    assert.deepEqual(times, [...times].sort());
    assert.match(result.stderr, /dev: reading the function logs of 2 regions \(local cloud\) since /);
  });

  it("--json prints one object per line with the region and the message as written; --region and --since select", async () => {
    const all = await fleet("logs", "--local", "--stack", "dev", "--json");
    assert.equal(all.code, 0, all.stderr);
    const lines = jsonLines(all.stdout);
    assert.deepEqual([...new Set(lines.map((l) => `${l.key} ${l.account} ${l.region}`))].sort(), [`${west} 111111111111 eu-west-1`, `${east} 111111111111 us-east-1`]);
    assert.ok(lines.some((l) => l.key === east && l.message === "plain /health"));
    assert.ok(lines.some((l) => l.key === east && JSON.parse(l.message).path === "/health"));
    assert.deepEqual(lines.map((l) => l.timestamp), [...lines.map((l) => l.timestamp)].sort((a, b) => a - b));

    const west_ = jsonLines((await fleet("logs", "--local", "--stack", "dev", "--region", "eu-west-1", "--json")).stdout);
    assert.ok(west_.length > 0);
    assert.deepEqual([...new Set(west_.map((l) => l.key))], [west]);

    const later = await fleet("logs", "--local", "--stack", "dev", "--since", new Date(Date.now() + 60_000).toISOString(), "--json");
    assert.equal(later.code, 0, later.stderr);
    assert.equal(later.stdout, "");
  });

  it("skips a line that is not a log record (a torn write) and prints the next one", async () => {
    const file = functionLogFile(localDir, "dev", east);
    await appendFile(file, `{"timestamp":12,"mess\n${JSON.stringify({ timestamp: Date.now(), message: "after the torn line" })}\n`);
    const result = await fleet("logs", "--local", "--stack", "dev", "--region", east, "--json");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(jsonLines(result.stdout).at(-1)!.message, "after the torn line");
  });

  it("refuses a region the stack does not have (did you mean) and a --since that is neither a duration nor a time", async () => {
    const region = await fleet("logs", "--local", "--stack", "dev", "--region", "eu-wset-1");
    assert.equal(region.code, 2);
    assert.match(region.stderr, /--region eu-wset-1 is not a region of stack dev \(did you mean 'eu-west-1'\?\): its regions are 111111111111\/us-east-1, 111111111111\/eu-west-1\. Fix: .* or leave --region out to read them all/);
    const since = await fleet("logs", "--local", "--stack", "dev", "--since", "yesterday");
    assert.equal(since.code, 2);
    assert.match(since.stderr, /--since 'yesterday' is not a duration\. Fix:/);
    const stack = await fleet("logs", "--local", "--stack", "dve");
    assert.equal(stack.code, 2);
    assert.match(stack.stderr, /did you mean 'dev'/);
  });

  it("--follow prints the lines of requests served by a running fleet start --deployed as they come, until Ctrl-C", async () => {
    const server = spawn(process.execPath, [bin, "start", "--deployed", "--port", "0", "--json"], { env: { ...process.env, ...env } });
    let follower: ChildProcessWithoutNullStreams | undefined;
    try {
      const { endpoints } = JSON.parse(await firstLine(server)) as { endpoints: { stack: string; key: string; url: string }[] };
      const url = endpoints.find((e) => e.stack === "dev" && e.key === west)!.url;
      follower = spawn(process.execPath, [bin, "logs", "--local", "--stack", "dev", "--follow", "--json", "--since", "1s"], { env: { ...process.env, ...env } });
      let followed = "";
      let said = "";
      follower.stdout.on("data", (chunk: Buffer) => (followed += chunk.toString()));
      follower.stderr.on("data", (chunk: Buffer) => (said += chunk.toString()));
      // The follower is reading once it has said so; a request made after that must reach it.
      await waitFor(() => said.includes("following"), "the follower to start");
      const answer = await fetch(new URL("echo?followed=1", url));
      assert.equal(answer.status, 200);
      await waitFor(() => followed.includes('"plain /echo"'), "the follower to print the request's line");
      assert.ok(jsonLines(followed).some((l) => l.key === west && l.message === "plain /echo"));
      follower.kill("SIGINT");
      const code = await new Promise<number | null>((resolve) => follower!.on("close", resolve));
      assert.equal(code, 0);
    } finally {
      follower?.kill("SIGKILL");
      server.kill("SIGINT");
      await new Promise((resolve) => server.on("close", resolve));
    }
  });
});

function firstLine(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes("\n")) resolve(text.slice(0, text.indexOf("\n")));
    });
    child.on("close", (code) => reject(new Error(`exited ${code} before printing: ${errors}`)));
  });
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
