import { describeLock } from "../../artifacts/lock";
import { asCli, confirm, stageOf, storeOf } from "../release-support";
import { CliError, defineCommand } from "../command";
import { err, out } from "../output";
import { readRolloutState } from "../rollout-session";

export default defineCommand({
  summary: "Break a stack's lock, left by a rollout whose holder is gone (kill -9, a lost machine)",
  synopsis: "--stack <stack> [--store <where>] [--yes] [--json]",
  description: `Shows who holds the stack's lock in the release store (command, rollout, user@host, pid, since) and whether
the holder is gone, asks, then removes exactly that lock (if it changed meanwhile, nothing is removed). Breaking
a live lock makes its rollout stop at its next check (within a third of the S3 lease, or 5 s) and put its regions
back. What the broken rollout left unfinished stays in the ledger: 'fleet rollback --stack <stack>' puts those
regions back, or run that command again to complete it.`,
  options: {
    stack: { type: "string", description: "the stack (Pulumi.<stack>.yaml)" },
    store: { type: "string", value: "where", description: "release store: a directory or s3://bucket/prefix (default $FLEET_STORE, else .fleet/releases)" },
    yes: { type: "boolean", description: "do not ask for confirmation (required when stdin is not a terminal)" },
    json: { type: "boolean", description: "print { stack, unlocked, lock } as JSON on stdout" },
  },
  async run({ values }) {
    const stage = stageOf(values.stack);
    const store = storeOf(values.store);
    const lock = await asCli(() => store.readLock(stage.stack));
    if (!lock) {
      out(values.json ? `${JSON.stringify({ stack: stage.stack, unlocked: false, lock: null })}\n` : `stack ${stage.stack} is not locked: nothing to do\n`);
      return 0;
    }
    const state = lock.stale ? `stale: ${lock.stale}` : "its holder may still be running: breaking the lock stops that rollout, which then puts its regions back";
    if (!values.json) err(`stack ${stage.stack} is locked by ${describeLock(lock)}\n  (${state})\n`);
    await confirm(`break the lock of ${stage.stack}?`, values.yes);
    const unlocked = await asCli(() => store.deleteLock(lock));
    if (!unlocked) throw new CliError(`the lock of ${stage.stack} changed while you were deciding (it was released or taken again): nothing was removed. Fix: run 'fleet unlock --stack ${stage.stack}' again to see it`, 1);
    out(values.json ? `${JSON.stringify({ stack: stage.stack, unlocked, lock: { ...(lock.record ?? {}), stale: lock.stale ?? null } })}\n` : `unlocked stack ${stage.stack}\n`);
    // What the broken rollout left, said now rather than at the next command.
    await asCli(() => readRolloutState(store, [stage.stack], undefined));
    return 0;
  },
});
