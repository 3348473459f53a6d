import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createRelease } from "../../artifacts/create-release";
import type { OutcomeRecord } from "../../artifacts/ledger";
import { LocalReleaseStore } from "../../artifacts/store/local-store";
import { S3ReleaseStore } from "../../artifacts/store/s3-store";
import type { ReleaseStore } from "../../artifacts/store/store";
import type { Digest } from "../../core/digest";
import { regionKey } from "../../core/region-key";
import { startConditionalS3, type ConditionalS3 } from "../helpers/conditional-s3";
import { runCli } from "../helpers/run-cli";
import { testProbes, writeTestBundle } from "../helpers/test-bundle";

const bin = path.resolve(__dirname, "../../cli/bin.js");

/** A `fleet` child whose stderr can be waited on. */
interface Running {
  child: ChildProcess;
  stderr(): string;
  /** Resolves once stderr matches. */
  saw(pattern: RegExp): Promise<void>;
  exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function start(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const w of waiters.filter((w) => w.pattern.test(stderr))) w.resolve();
  });
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    stderr: () => stderr,
    saw: (pattern) =>
      new Promise((resolve, reject) => {
        if (pattern.test(stderr)) return resolve();
        waiters.push({ pattern, resolve });
        void exit.then(() => (pattern.test(stderr) ? resolve() : reject(new Error(`exited before ${pattern}:\n${stderr}`))));
      }),
    exit,
  };
}

/**
 * Two rollouts of one stack at once, as two people (or two CI jobs) start them: exactly one proceeds, the other
 * refuses naming the holder, or waits with --wait; the stack ends where the ledger says. The first one is frozen
 * (SIGSTOP) while it holds the lock, so "at once" is a fact of the test, not a race it hopes to win.
 */
for (const kind of ["local", "s3"] as const) {
  describe(`two rollouts of one stack at once (${kind} store, real processes)`, function () {
    this.timeout(180_000);
    let root: string;
    let s3: ConditionalS3 | undefined;
    let store: ReleaseStore;
    let env: NodeJS.ProcessEnv;
    let x: Digest;
    let y: Digest;

    before(async () => {
      root = await mkdtemp(path.join(tmpdir(), `fleet-concurrent-${kind}-`));
      if (kind === "s3") {
        s3 = await startConditionalS3(path.join(root, "s3"), ["releases"]);
        store = new S3ReleaseStore("s3://releases/team", s3.client());
        env = { FLEET_STORE: "s3://releases/team", FLEET_S3_ENDPOINT: s3.endpoint, AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1" };
      } else {
        store = new LocalReleaseStore(path.join(root, "releases"));
        env = { FLEET_STORE: path.join(root, "releases") };
      }
      env = { ...env, FLEET_LOCAL_DIR: path.join(root, "local"), USER: "concurrent-test" };
      for (const version of ["X", "Y"]) {
        const dir = await writeTestBundle({ version });
        const { digest } = await createRelease({ store, bundleDir: dir, probes: testProbes });
        if (version === "X") x = digest;
        else y = digest;
        await rm(dir, { recursive: true, force: true });
      }
    });
    after(async () => {
      await s3?.close();
      await rm(root, { recursive: true, force: true });
    });

    /** dev's state file against the ledger's last outcome per region: the two must agree. */
    async function stateMatchesLedger(): Promise<Record<string, string>> {
      const state = (JSON.parse(await readFile(path.join(root, "local", "dev.json"), "utf8")) as { releases: Record<string, string> }).releases;
      const outcomes = (await store.ledger()).records.filter((r): r is OutcomeRecord => r.step === "outcome" && r.stack === "dev");
      const last = Object.fromEntries(outcomes.map((r) => [regionKey(r.account, r.region), r.live]));
      assert.deepEqual(state, last);
      return state;
    }

    it("the second refuses at once, naming the holder, since when and the fix; the first finishes and the stack is where the ledger says", async () => {
      const first = start(["deploy", "--local", "--stack", "dev", "--release", x], env);
      await first.saw(/dev 111111111111\/us-east-1: deploying/);
      first.child.kill("SIGSTOP");
      try {
        const second = await runCli(["deploy", "--local", "--stack", "dev", "--release", y], { env });
        assert.equal(second.code, 1);
        assert.match(
          second.stderr,
          new RegExp(`fleet: stack dev is locked: fleet deploy --local --stack dev --release ${x} \\(rollout \\S+\\) by \\S+@\\S+, pid ${first.child.pid}, since \\S+\\. One rollout per stack at a time\\. Fix: wait for it to finish, or pass --wait <duration>`),
        );
        // Under way, not interrupted: its intents have no outcome yet, but its holder is alive.
        const status = JSON.parse((await runCli(["status", "--local", "--stack", "dev", "--json"], { env })).stdout) as { interrupted: unknown[]; locks: { pid?: number; holder: { pid: number }; stale: string | null }[] };
        assert.deepEqual([status.interrupted, status.locks.map((l) => [l.holder.pid, l.stale])], [[], [[first.child.pid, null]]]);
      } finally {
        first.child.kill("SIGCONT");
      }
      assert.equal((await first.exit).code, 0, first.stderr());
      assert.deepEqual(Object.values(await stateMatchesLedger()), [x, x]);
      const rollouts = new Set((await store.ledger()).records.map((r) => r.rollout));
      assert.equal(rollouts.size, 1, "only the first rollout wrote to the ledger");
    });

    it("with --wait, the second waits for the first to finish, then runs: the ledger has both in that order", async () => {
      const first = start(["deploy", "--local", "--stack", "dev", "--release", y], env);
      await first.saw(/dev 111111111111\/us-east-1: deploying/);
      first.child.kill("SIGSTOP");
      let second: Running;
      try {
        second = start(["deploy", "--local", "--stack", "dev", "--release", x, "--wait", "2m"], env);
        await second.saw(/stack dev is locked by fleet deploy --local --stack dev --release sha256:\S+ \(rollout \S+\) .*: waiting up to 120 s for it/);
      } finally {
        first.child.kill("SIGCONT");
      }
      assert.equal((await first.exit).code, 0, first.stderr());
      assert.equal((await second.exit).code, 0, second.stderr());
      assert.deepEqual(Object.values(await stateMatchesLedger()), [x, x]);
      const outcomes = (await store.ledger()).records.filter((r): r is OutcomeRecord => r.step === "outcome");
      assert.deepEqual(outcomes.slice(-4).map((r) => r.to), [y, y, x, x]);
    });
  });
}
