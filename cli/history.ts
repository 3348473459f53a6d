/** What tells the records of one rollout apart: its id where the ledger has one, else its time, action and stack. */
type Rollout = { time: string; action: string; stack: string; rollout?: string };

/**
 * The records of the last `count` rollouts, whole, in ledger order: a 4-region promotion is four records, and
 * `fleet status` shows each rollout entire or not at all. A rollout appends its records together, so they are
 * consecutive in the ledger. Linear in the records.
 */
export function lastRollouts<R extends Rollout>(records: readonly R[], count: number): R[] {
  const idOf = (record: R) => record.rollout ?? `${record.time} ${record.action} ${record.stack}`;
  let start = records.length;
  for (let seen = 0; start > 0; start--) {
    if (start === records.length || idOf(records[start - 1]!) !== idOf(records[start]!)) {
      if (seen === count) break;
      seen++;
    }
  }
  return records.slice(start);
}
