import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import type { StackLockRecord } from "../../artifacts/lock";
import { LocalReleaseStore } from "../../artifacts/store/local-store";
import { lockStack, StackLockedError } from "../../rollout/stack-lock";

/** A pid that ran on this host and is gone. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", "0"]).pid!;
}

function lockRecord(rollout: string, holder: StackLockRecord["holder"]): StackLockRecord {
  return { stack: "prod", rollout, command: "fleet promote --from dev --to prod", holder, since: "2026-12-01T18:45:30.000Z" };
}

describe("stack locks in a local store", () => {
  let root: string;
  let store: LocalReleaseStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-lock-"));
    store = new LocalReleaseStore(root);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("gives the lock to exactly one of many at once, as a whole file naming the holder, and leaves no temporary file", async () => {
    const me = { user: "ci", host: hostname(), pid: process.pid };
    const tries = await Promise.all(Array.from({ length: 12 }, (_, i) => store.createLock(lockRecord(`20261201T184530Z-0000000${i.toString(16)}`, me))));
    const winners = tries.filter((t) => t !== undefined);
    assert.equal(winners.length, 1);
    const file = JSON.parse(await readFile(path.join(root, "locks", "prod.lock"), "utf8")) as StackLockRecord;
    assert.deepEqual(file, winners[0]!.record);
    assert.deepEqual(await readdir(path.join(root, "locks")), ["prod.lock"]);
  });

  it("reports a lock as stale when its holder is a process of this host that is gone, never one of another host", async () => {
    await store.createLock(lockRecord("20261201T184530Z-00000001", { user: "ci", host: hostname(), pid: deadPid() }));
    assert.match((await store.readLock("prod"))?.stale ?? "", /^pid \d+ is no longer running on /);
    await rm(path.join(root, "locks", "prod.lock"));
    await store.createLock(lockRecord("20261201T184530Z-00000002", { user: "ci", host: "another-host", pid: deadPid() }));
    assert.equal((await store.readLock("prod"))?.stale, undefined);
  });

  it("reports an unreadable lock file as stale, and removes a lock only while it is still the one seen", async () => {
    await writeFile(path.join(root, "x"), "");
    await store.createLock(lockRecord("20261201T184530Z-00000003", { user: "ci", host: hostname(), pid: process.pid }));
    const seen = (await store.readLock("prod"))!;
    await writeFile(path.join(root, "locks", "prod.lock"), "{ torn");
    const unreadable = (await store.readLock("prod"))!;
    assert.deepEqual([unreadable.record, unreadable.stale], [undefined, "its file " + path.relative(process.cwd(), path.join(root, "locks", "prod.lock")) + " is not a valid lock"]);
    assert.equal(await store.deleteLock(seen), false);
    assert.equal(await store.deleteLock(unreadable), true);
    assert.equal(await store.readLock("prod"), undefined);
  });

  it("refuses a stack name that would leave the locks directory", async () => {
    await assert.rejects(store.readLock("../../etc/passwd"), /stack name "..\/..\/etc\/passwd" is not one Pulumi accepts/);
  });
});

describe("lockStack (one rollout per stack)", () => {
  let root: string;
  let store: LocalReleaseStore;
  const lines: string[] = [];
  const options = (over: Partial<Parameters<typeof lockStack>[0]> = {}) => ({ store, stack: "prod", command: "fleet deploy --stack prod", progress: (line: string) => lines.push(line), ...over });
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), "fleet-lockstack-"));
    store = new LocalReleaseStore(root);
    lines.length = 0;
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("refuses a second rollout at once, naming the holder, since when and the fix; after release the stack is free", async () => {
    const first = await lockStack(options({ command: "fleet promote --from dev --to prod" }));
    await assert.rejects(lockStack(options()), (error: unknown) => {
      assert.ok(error instanceof StackLockedError);
      assert.match(
        error.message,
        new RegExp(
          `^stack prod is locked: fleet promote --from dev --to prod \\(rollout ${first.id}\\) by [^@]+@${hostname()}, pid ${process.pid}, since \\S+\\. One rollout per stack at a time\\. Fix: wait for it to finish, or pass --wait <duration>`,
        ),
      );
      return true;
    });
    await first.release();
    const second = await lockStack(options());
    assert.notEqual(second.id, first.id);
    await second.release();
  });

  it("with a wait, takes the lock once the holder releases it", async () => {
    const first = await lockStack(options());
    const waiting = lockStack(options({ waitMs: 60_000, pollMs: 20 }));
    // Released only once the second has said it waits: the order is the point, not the time.
    while (!lines.some((line) => line.includes("waiting up to"))) await new Promise((resolve) => setTimeout(resolve, 10));
    await first.release();
    const second = await waiting;
    assert.match(lines.join("\n"), /stack prod is locked by fleet deploy --stack prod \(rollout \S+\) .*: waiting up to 60 s for it/);
    await second.release();
  });

  it("refuses a stale lock at once even with a wait, saying it is stale and how to break it", async () => {
    await store.createLock(lockRecord("20261201T184530Z-0000dead", { user: "ci", host: hostname(), pid: deadPid() }));
    await assert.rejects(lockStack(options({ waitMs: 60_000 })), /^StackLockedError: stack prod is locked by a rollout that is gone: .*\(stale: pid \d+ is no longer running on .*\)\..*Fix: .*'fleet unlock --stack prod'/s);
  });

  it("stops waiting when its signal fires, having changed nothing", async () => {
    const first = await lockStack(options());
    const stop = new AbortController();
    const waiting = lockStack(options({ waitMs: 60_000, pollMs: 20, signal: stop.signal }));
    while (!lines.some((line) => line.includes("waiting up to"))) await new Promise((resolve) => setTimeout(resolve, 10));
    stop.abort("SIGTERM");
    await assert.rejects(waiting, /stopped waiting for the lock of stack prod \(SIGTERM\): nothing was changed/);
    assert.equal((await store.readLock("prod"))?.record?.rollout, first.id);
    await first.release();
  });

  it("fires `lost` when the lock is broken under a running rollout, and then leaves the new holder's lock alone", async () => {
    const held = await lockStack(options({ checkMs: 20 }));
    await store.deleteLock((await store.readLock("prod"))!);
    const next = await lockStack(options());
    if (!held.lost.aborted) await new Promise((resolve) => held.lost.addEventListener("abort", resolve, { once: true }));
    assert.match(String(held.lost.reason), /was broken \(fleet unlock\) or taken over/);
    await held.release();
    assert.equal((await store.readLock("prod"))?.record?.rollout, next.id);
    await next.release();
  });
});
