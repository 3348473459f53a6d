import { z } from "zod";

/** What happened to one region in one deploy, promote or rollback. */
export const LedgerResult = z.enum([
  /** The region now serves `to` and passed smoke. */
  "changed",
  /** The region was changed, then put back on `from` (its own smoke failed, a later region's did, or Ctrl-C). */
  "rolled back",
  /** The region was part of the plan but never touched (an earlier region failed). */
  "untouched",
  /** The region already served `to`: nothing to do. */
  "unchanged",
  /** The region could not be put back: it serves `to` (or an unknown state) and needs attention. */
  "failed",
]);
export type LedgerResult = z.infer<typeof LedgerResult>;

/** One line of the release ledger: one region, one action. */
export const LedgerRecord = z.strictObject({
  time: z.string(),
  action: z.enum(["deploy", "promote", "rollback"]),
  stack: z.string(),
  account: z.string(),
  region: z.string(),
  /** The digest the region served before; null when it served none (first deploy) or a source build. */
  from: z.string().nullable(),
  to: z.string(),
  result: LedgerResult,
  /** The digest the region serves after the action: always known, which is the point of the ledger. */
  live: z.string().nullable(),
  who: z.string(),
  /** Why it failed or was rolled back, when it was. */
  reason: z.string().optional(),
});
export type LedgerRecord = z.infer<typeof LedgerRecord>;

/** Parses ledger lines, skipping none: a corrupted line is an error naming where it is. */
export function parseLedgerLine(line: string, where: string): LedgerRecord {
  try {
    return LedgerRecord.parse(JSON.parse(line));
  } catch (error) {
    throw new Error(`ledger ${where} holds an unreadable record (${(error as Error).message.split("\n")[0]}): fix or remove that line`);
  }
}
