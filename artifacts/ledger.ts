import { randomBytes } from "node:crypto";
import { z } from "zod";
import { type Digest, isDigest } from "../core/digest";
import { isAwsRegion } from "../core/regions";
import { isStackName } from "../core/stack-name";

/** What happened to one region in one deploy, promote or rollback. */
export const LedgerResult = z.enum([
  /** The region now serves `to` and passed smoke. */
  "changed",
  /** The region was changed, then put back on `from` (its own smoke failed, a later region's did, or it was interrupted). */
  "rolled back",
  /** The region was part of the plan but never touched (an earlier region failed). */
  "untouched",
  /** The region already served `to`: nothing to do. */
  "unchanged",
  /** The region could not be put back: it serves `to` (or an unknown state) and needs attention. */
  "failed",
]);
export type LedgerResult = z.infer<typeof LedgerResult>;

/** A rollout's id: its start (UTC, to the second) and 8 random hex digits, e.g. `20261201T184530Z-3f9a1c2b`. */
export const rolloutIdPattern = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

/** A fresh rollout id; the time only makes it readable, the order of records comes from the ledger itself. */
export function newRolloutId(now: Date = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, "").slice(0, 15)}Z-${randomBytes(4).toString("hex")}`;
}

// Every field a path, a table or a decision is built from is checked here, when the record is read: a ledger line
// is input like any other (`sha256:../../tmp/evil` must never reach a file name).
const Digest = z.custom<Digest>((value) => isDigest(value), "is not a sha256:<64 hex> digest");
/** A rollout id as read from a file (a ledger record, a lock). */
export const RolloutId = z.string().regex(rolloutIdPattern, "is not a rollout id");
/** A stack name as read from a file: checked before it names a lock file or an object key. */
export const StackName = z.string().refine(isStackName, "is not a stack name");
const fields = {
  time: z.iso.datetime(),
  /** The rollout the record belongs to: every record of one deploy, promote or rollback carries its id. */
  rollout: RolloutId,
  action: z.enum(["deploy", "promote", "rollback"]),
  stack: StackName,
  account: z.string().regex(/^\d{12}$/, "is not a 12-digit account id"),
  region: z.string().refine((region): boolean => isAwsRegion(region), "is not an AWS region"),
  /** The digest the region served before; null when it served none (first deploy) or a source build. */
  from: Digest.nullable(),
  to: Digest,
  who: z.string().max(200),
  /** The id of an earlier rollout that left this region unfinished, which this one completes or undoes. */
  recovers: RolloutId.optional(),
};

/**
 * Written before a region changes (write-ahead): until an outcome of the same rollout follows, the region may be on
 * `from` or `to`.
 */
export const IntentRecord = z.strictObject({ step: z.literal("intent"), ...fields });
export type IntentRecord = z.infer<typeof IntentRecord>;

/** Written once a region's part in a rollout is over, whatever happened. */
export const OutcomeRecord = z.strictObject({
  step: z.literal("outcome"),
  ...fields,
  /** Absent only in records written before the ledger was write-ahead (no intents, one record per region). */
  rollout: RolloutId.optional(),
  result: LedgerResult,
  /** The digest the region serves after the action: always known, which is the point of the ledger. */
  live: Digest.nullable(),
  /** Why it failed or was rolled back, when it was. */
  reason: z.string().max(2000).optional(),
});
export type OutcomeRecord = z.infer<typeof OutcomeRecord>;

/**
 * Written before a region's canary step (write-ahead, as an intent): from now on the region may send `weight`
 * percent of its requests to `to` and the rest to `from`. Weight 0 is the way back, before `from` alone.
 */
export const CanaryRecord = z.strictObject({ step: z.literal("canary"), ...fields, weight: z.number().int().min(0).max(99) });
export type CanaryRecord = z.infer<typeof CanaryRecord>;

/**
 * Written once a bake is over: how `to` did at `weight` percent (100: the whole region, after its wave) while fleet
 * repeated the probes and watched the region's alarms for `ms`.
 */
export const BakeRecord = z.strictObject({
  step: z.literal("bake"),
  ...fields,
  weight: z.number().int().min(1).max(100),
  result: z.enum(["passed", "failed", "interrupted"]),
  /** How long it baked, in ms. */
  ms: z.number().int().min(0),
  /** Synthetic requests (the probes) it sent to the region. */
  probes: z.number().int().min(0),
  /** Whether the region's alarms were watched (false: `--no-alarms`, the probes alone). */
  alarms: z.boolean(),
  /** What failed: the alarm in ALARM or the failing probe, with the reason. */
  reason: z.string().max(2000).optional(),
});
export type BakeRecord = z.infer<typeof BakeRecord>;

/**
 * One line of the release ledger: one region, one step of one rollout. `step` names the kind, so a new kind of
 * step is one more member here, not a new shape for the others.
 */
export const LedgerRecord = z.discriminatedUnion("step", [IntentRecord, OutcomeRecord, CanaryRecord, BakeRecord]);
export type LedgerRecord = z.infer<typeof LedgerRecord>;

/** What a read of the ledger gives: the records in order, and one warning per line it had to skip. */
export interface LedgerRead {
  records: LedgerRecord[];
  /** `<file>:<line>: …`, one per skipped line, for stderr. */
  warnings: string[];
}

/** The ledger lines of records: whole lines, each ending in a newline. Refuses a record it could not read back. */
export function ledgerLines(records: LedgerRecord[]): string {
  return records.map((record) => `${JSON.stringify(LedgerRecord.parse(record))}\n`).join("");
}

/**
 * Parses a ledger text (`where` names the file or object, for warnings). A line that is not a valid record is
 * skipped with a warning naming it, never fatal; a last line without its newline is a write cut short (a torn
 * tail) and is skipped too. Lines from before the write-ahead ledger read as outcomes.
 */
export function parseLedger(text: string, where: string): LedgerRead {
  const lines = text.split("\n");
  const tail = lines.pop() ?? "";
  const read: LedgerRead = { records: [], warnings: [] };
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    const record = parseRecord(line);
    if (typeof record === "string") read.warnings.push(`${where}:${index + 1}: skipped an unreadable ledger record (${record})`);
    else read.records.push(record);
  });
  if (tail.trim() !== "") read.warnings.push(`${where}:${lines.length + 1}: skipped an unfinished last line (a write cut short)`);
  return read;
}

/** A record, or why the line is not one. */
function parseRecord(line: string): LedgerRecord | string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return "not JSON";
  }
  // Records written before the ledger was write-ahead have no step: each was the outcome of its region.
  if (json !== null && typeof json === "object" && !Array.isArray(json) && !("step" in json)) json = { step: "outcome", ...json };
  const parsed = LedgerRecord.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  return `${issue.path.join(".") || "record"}: ${issue.message}`;
}
