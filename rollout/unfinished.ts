import type { LedgerRecord } from "../artifacts/ledger";
import type { Digest } from "../core/digest";
import { regionKey } from "../core/region-key";

/**
 * A region an unfinished rollout left in doubt: an intent with no outcome of its rollout after it (a kill -9, a
 * lost machine). The region serves `from` (the last digest the ledger vouched for) or `to` (what the rollout was
 * putting there). `fleet status --json` lists these as `interrupted`.
 */
export interface InterruptedRegion {
  /** The rollout that left it (the latest, when one unfinished rollout took over another's region). */
  rollout: string;
  stack: string;
  key: string;
  account: string;
  region: string;
  from: Digest | null;
  to: Digest;
  /** When the first unfinished intent was written. */
  since: string;
  /**
   * The canary step it was last set to (percent of requests to `to`, the rest to `from`), when it was stopped in
   * one; absent when it never got one (then it serves `from` or `to` alone).
   */
  weight?: number;
}

/**
 * Every region left in doubt, from the ledger alone: per region, the intents not followed by an outcome of the same
 * rollout (canary and bake records do not end it: a canary step leaves the region in doubt at its weight). Rollouts
 * in `running` (they hold a live lock) are under way, not interrupted, and are left out. A rollout that redoes an
 * unfinished region writes its own intent with the same `from`, so a chain of interrupted rollouts still names the
 * digest the region had before the first of them.
 */
export function interruptedRegions(records: LedgerRecord[], running: ReadonlySet<string> = new Set()): InterruptedRegion[] {
  const open = new Map<string, InterruptedRegion>();
  for (const record of records) {
    const id = `${record.stack} ${regionKey(record.account, record.region)}`;
    const pending = open.get(id);
    if (record.step === "intent") {
      open.set(id, {
        rollout: record.rollout,
        stack: record.stack,
        key: regionKey(record.account, record.region),
        account: record.account,
        region: record.region,
        from: pending ? pending.from : record.from,
        to: record.to,
        since: pending ? pending.since : record.time,
      });
    } else if (pending && record.rollout === pending.rollout) {
      if (record.step === "outcome") open.delete(id);
      else if (record.step === "canary") pending.weight = record.weight;
    }
  }
  return [...open.values()].filter((region) => !running.has(region.rollout));
}
