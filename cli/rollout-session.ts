import type { LedgerRecord } from "../artifacts/ledger";
import { describeLock, type StoredLock } from "../artifacts/lock";
import type { ReleaseStore } from "../artifacts/store/store";
import { lockStack, StackLockedError, type HeldStackLock } from "../rollout/stack-lock";
import { interruptedRegions, type InterruptedRegion } from "../rollout/unfinished";
import { err } from "./output";
import { progress } from "./release-support";

/** What the store says about the rollouts of some stacks. */
export interface RolloutState {
  /** The ledger, in order (its unreadable lines already warned about). */
  records: LedgerRecord[];
  /** The stacks' locks: rollouts under way, or gone (stale). */
  locks: StoredLock[];
  /** Regions unfinished rollouts left in doubt. */
  interrupted: InterruptedRegion[];
}

/**
 * Reads the ledger and the locks of `stacks` and says on stderr what every command on a stack must say: lines of
 * the ledger it skipped, locks whose holder is gone, and regions an unfinished rollout left between two digests,
 * with the fix. A rollout holding a live lock is under way, not unfinished. `local` picks the fix's flag (unknown:
 * both are shown); `sayLocks: false` when the caller reports the lock itself.
 */
export async function readRolloutState(store: ReleaseStore, stacks: string[], local: boolean | undefined, sayLocks = true): Promise<RolloutState> {
  const read = await store.ledger();
  for (const warning of read.warnings) err(`fleet: warning: ${warning}\n`);
  const locks = (await Promise.all(stacks.map((stack) => store.readLock(stack)))).filter((lock): lock is StoredLock => lock !== undefined);
  const running = new Set(locks.flatMap((lock) => (!lock.stale && lock.record ? [lock.record.rollout] : [])));
  const interrupted = interruptedRegions(read.records, running).filter((region) => stacks.includes(region.stack));
  const flag = local === undefined ? " [--local]" : local ? " --local" : "";
  for (const lock of sayLocks ? locks : []) {
    if (lock.stale) err(`fleet: warning: stack ${lock.stack} is locked by a rollout that is gone: ${describeLock(lock)} (stale: ${lock.stale}). Fix: 'fleet unlock --stack ${lock.stack}'\n`);
    else err(`stack ${lock.stack}: a rollout is under way: ${describeLock(lock)}\n`);
  }
  for (const stack of new Set(interrupted.map((region) => region.stack))) {
    const regions = interrupted.filter((region) => region.stack === stack);
    err(
      `fleet: warning: stack ${stack} has an unfinished rollout (${[...new Set(regions.map((r) => r.rollout))].join(", ")}): ` +
        `${regions.map((r) => `${r.key} may be on ${r.from ?? "no release"} or ${r.to}${r.weight !== undefined ? ` or in a canary step sending ${r.weight}% to ${r.to}` : ""} (since ${r.since})`).join("; ")}. ` +
        `Fix: 'fleet rollback${flag} --stack ${stack}' puts them back on the first, or run the interrupted command again to complete it\n`,
    );
  }
  return { records: read.records, locks, interrupted };
}

/**
 * Takes the lock of `stack` for one rollout (waiting up to `waitMs` for another to finish), then reads what
 * unfinished rollouts left on it, which this rollout redoes. A refusal says who holds the stack and, first, what
 * the store says about it.
 */
export async function lockForRollout(
  store: ReleaseStore,
  stack: string,
  options: { waitMs?: number; local?: boolean; signal?: AbortSignal },
): Promise<RolloutState & { lock: HeldStackLock }> {
  let lock: HeldStackLock;
  try {
    const command = `fleet ${process.argv.slice(2).join(" ")}`.slice(0, 1000);
    lock = await lockStack({ store, stack, command, progress, waitMs: options.waitMs ?? 0, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    if (error instanceof StackLockedError) await readRolloutState(store, [stack], options.local, false).catch(() => undefined);
    throw error;
  }
  try {
    // The only lock now is this rollout's own.
    const state = await readRolloutState(store, [stack], options.local, false);
    if (state.interrupted.length > 0) {
      progress(`stack ${stack}: this rollout takes over ${state.interrupted.map((r) => r.key).join(", ")} from the unfinished one: changed, smoked and recorded, whatever they serve now`);
    }
    return { ...state, lock };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
