import type { Digest } from "../core/digest";
import { regionKey } from "../core/region-key";
import type { LedgerRecord } from "../artifacts/ledger";
import type { ReleaseStore } from "../artifacts/store/store";
import type { Progress, Target } from "../targets/target";

/**
 * The releases a region can still be rolled back to: the last `count` distinct digests the ledger shows it
 * serving (the one live now first). Their Lambda versions are kept; older ones may go.
 */
export function releasesToKeep(ledger: readonly LedgerRecord[], stack: string, account: string, region: string, count: number): Digest[] {
  const kept: Digest[] = [];
  for (let i = ledger.length - 1; i >= 0 && kept.length < count; i--) {
    const record = ledger[i]!;
    // Outcomes say what a region served; an intent only what it was about to.
    if (record.step !== "outcome" || record.stack !== stack || record.account !== account || record.region !== region || record.live === null) continue;
    if (!kept.includes(record.live)) kept.push(record.live);
  }
  return kept;
}

/**
 * After a completed rollout: has the target delete the versions of releases older than the stage's
 * `keepVersions` in every region. Never fails the rollout: a failure is reported and the versions stay.
 * @returns the failure's message, if any
 */
export async function pruneAfterRollout(target: Target, store: ReleaseStore, progress: Progress): Promise<string | undefined> {
  if (!target.prune) return undefined;
  try {
    const ledger = (await store.ledger()).records;
    const { stage } = target;
    const keep = Object.fromEntries(stage.regions.map((r) => [regionKey(r.account, r.region), releasesToKeep(ledger, stage.stack, r.account, r.region, stage.config.keepVersions)]));
    await target.prune(keep, progress);
    return undefined;
  } catch (error) {
    const message = `old Lambda versions were not deleted (the rollout itself is done): ${(error as Error).message}`;
    progress(`${target.stage.stack}: ${message}`);
    return message;
  }
}
