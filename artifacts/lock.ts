import { hostname, userInfo } from "node:os";
import { z } from "zod";
import { RolloutId, StackName } from "./ledger";

/**
 * What a stack's lock says: which rollout holds the stack, run by whom, where and since when. One per stack in
 * the release store, held for a whole deploy, promote or rollback (several `pulumi up`s; Pulumi's own lock covers
 * one at a time).
 */
export const StackLockRecord = z.strictObject({
  stack: StackName,
  /** The rollout holding the stack: its ledger records carry this id. */
  rollout: RolloutId,
  /** The command line that took it, e.g. `fleet promote --from dev --to prod`. */
  command: z.string().max(1000),
  holder: z.strictObject({ user: z.string().max(200), host: z.string().max(255), pid: z.number().int().positive() }),
  /** ISO 8601, by the holder's clock: for people, never compared with another machine's clock. */
  since: z.iso.datetime(),
  /** S3 only: the lease, in seconds, the lock lasts past its last renewal (as the store's clock measures). */
  leaseSeconds: z.number().int().positive().optional(),
});
export type StackLockRecord = z.infer<typeof StackLockRecord>;

/** A stack's lock as the store holds it. */
export interface StoredLock {
  stack: string;
  /** What the holder wrote; undefined when the lock object cannot be read (it is then stale). */
  record: StackLockRecord | undefined;
  /** Why its holder is gone (a dead pid on this host, an expired lease, an unreadable lock), when it is. */
  stale: string | undefined;
  /** This exact lock (S3: its ETag; a file: its holder's rollout id): renewing, releasing or breaking checks it. */
  version: string;
}

/** A stored lock's bytes as the lock record of `stack`, or undefined when they are not one (not JSON, invalid, another stack's). */
export function parseLockRecord(bytes: Buffer, stack: string): StackLockRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    return undefined;
  }
  const parsed = StackLockRecord.safeParse(json);
  return parsed.success && parsed.data.stack === stack ? parsed.data : undefined;
}

/** This process as a lock holder. */
export function thisHolder(): StackLockRecord["holder"] {
  let user = process.env.USER ?? process.env.USERNAME ?? "unknown";
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep $USER.
  }
  return { user, host: hostname(), pid: process.pid };
}

/** Whether the lock's holder is a process of this host that is gone: the one staleness a file lock can prove. */
export function deadHolder(record: StackLockRecord): string | undefined {
  if (record.holder.host !== hostname()) return undefined;
  try {
    process.kill(record.holder.pid, 0);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH" ? `pid ${record.holder.pid} is no longer running on ${record.holder.host}` : undefined;
  }
}

/** `fleet promote --from dev --to prod (rollout …) by alice@host, pid 42, since …`: who holds a lock, for messages. */
export function describeLock(lock: StoredLock): string {
  const r = lock.record;
  if (!r) return `an unreadable lock`;
  return `${r.command} (rollout ${r.rollout}) by ${r.holder.user}@${r.holder.host}, pid ${r.holder.pid}, since ${r.since}`;
}
