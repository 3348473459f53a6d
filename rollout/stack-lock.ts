import { newRolloutId } from "../artifacts/ledger";
import { describeLock, thisHolder, type StackLockRecord, type StoredLock } from "../artifacts/lock";
import type { ReleaseStore } from "../artifacts/store/store";
import { FleetError } from "../core/errors";
import type { Progress } from "../targets/target";

export interface LockStackOptions {
  store: ReleaseStore;
  stack: string;
  /** The command line, for whoever finds the lock. */
  command: string;
  progress: Progress;
  /** How long to wait for a live holder to finish. @default 0: refuse at once */
  waitMs?: number;
  /** How often to look again while waiting. @default 1 s */
  pollMs?: number;
  /** How often a lock without a lease (a file) is checked to still be ours. @default 5 s */
  checkMs?: number;
  /** @default this process */
  holder?: StackLockRecord["holder"];
  /** @default () => new Date() */
  now?: () => Date;
  /** Stops waiting (a signal, Ctrl-C): nothing has changed yet. */
  signal?: AbortSignal;
}

/** A stack lock this process holds, for one rollout. */
export interface HeldStackLock {
  /** The rollout's id: every ledger record of the rollout carries it. */
  readonly id: string;
  /**
   * Aborted when the lock is lost (broken with `fleet unlock`, or its lease could not be renewed): the rollout
   * then stops after the region in flight and puts changed regions back, as on Ctrl-C.
   */
  readonly lost: AbortSignal;
  /** Stops renewing and removes the lock (if it is still this one). */
  release(): Promise<void>;
}

/** A stack another rollout holds (or a lock whose holder is gone): the message names it and the fix. */
export class StackLockedError extends FleetError {
  constructor(readonly lock: StoredLock) {
    super(lockedMessage(lock));
    this.name = "StackLockedError";
  }
}

/**
 * Takes the stack's lock in the release store for one rollout: one rollout per stack at a time. Refuses at once
 * (StackLockedError naming the holder, since when and the fix) when another holds it, or waits up to `waitMs`
 * for it; a lock whose holder is gone (stale) is refused at once, wait or not, since nobody will release it.
 * While held, the lock is renewed (S3: its lease, every third of it) and `lost` fires if it stops being ours.
 */
export async function lockStack(options: LockStackOptions): Promise<HeldStackLock> {
  const { store, stack, progress } = options;
  const now = options.now ?? (() => new Date());
  const deadline = Date.now() + (options.waitMs ?? 0);
  let said = false;
  for (;;) {
    const record: StackLockRecord = { stack, rollout: newRolloutId(now()), command: options.command, holder: options.holder ?? thisHolder(), since: now().toISOString() };
    const created = await store.createLock(record);
    if (created) return hold(store, created, options);
    const existing = await store.readLock(stack);
    // Released between our two calls: try again at once.
    if (!existing) continue;
    if (existing.stale || Date.now() >= deadline) throw new StackLockedError(existing);
    if (!said) progress(`stack ${stack} is locked by ${describeLock(existing)}: waiting up to ${Math.ceil((deadline - Date.now()) / 1000)} s for it`);
    said = true;
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, options.pollMs ?? 1000);
      options.signal?.addEventListener("abort", () => (clearTimeout(timer), resolve(undefined)), { once: true });
    });
    if (options.signal?.aborted) throw new FleetError(`stopped waiting for the lock of stack ${stack} (${String(options.signal.reason)}): nothing was changed`);
  }
}

function hold(store: ReleaseStore, lock: StoredLock, options: LockStackOptions): HeldStackLock {
  const lost = new AbortController();
  let current = lock;
  let renewing: Promise<void> = Promise.resolve();
  const everyMs = lock.record?.leaseSeconds ? (lock.record.leaseSeconds * 1000) / 3 : (options.checkMs ?? 5000);
  const timer = setInterval(() => {
    renewing = renewing.then(async () => {
      if (lost.signal.aborted) return;
      const renewed = await store.renewLock(current).catch((error: Error) => error);
      if (renewed instanceof Error || renewed === undefined) {
        const why = renewed instanceof Error ? `could not be renewed (${renewed.message})` : "was broken (fleet unlock) or taken over";
        options.progress(`stack ${options.stack}: the lock of this rollout ${why}: stopping`);
        lost.abort(`the stack lock ${why}`);
      } else current = renewed;
    });
  }, everyMs);
  // A lock never keeps the process alive by itself.
  timer.unref();
  return {
    id: lock.record!.rollout,
    lost: lost.signal,
    async release() {
      clearInterval(timer);
      await renewing;
      if (lost.signal.aborted) return;
      const removed = await store.deleteLock(current).catch((error: Error) => error);
      if (removed instanceof Error) options.progress(`stack ${options.stack}: could not remove this rollout's lock (${removed.message}); 'fleet unlock --stack ${options.stack}' removes it`);
    },
  };
}

function lockedMessage(lock: StoredLock): string {
  const stack = lock.stack;
  if (lock.stale) {
    return (
      `stack ${stack} is locked by a rollout that is gone: ${describeLock(lock)} (stale: ${lock.stale}). It may have left regions unfinished ` +
      `(see 'fleet status --stack ${stack}'). Fix: make sure nothing else is changing ${stack}, then 'fleet unlock --stack ${stack}', and ` +
      `'fleet rollback --stack ${stack}' to put unfinished regions back, or run the interrupted command again to complete it`
    );
  }
  return (
    `stack ${stack} is locked: ${describeLock(lock)}. One rollout per stack at a time. ` +
    `Fix: wait for it to finish, or pass --wait <duration> (e.g. --wait 10m) to wait for it; if its holder is gone for good, 'fleet unlock --stack ${stack}'`
  );
}
