import { createInterface } from "node:readline/promises";
import { CliError } from "./command";
import { isDigest, resolveDigest, type Digest } from "../core/digest";
import { FleetError } from "../core/errors";
import { formatRollout } from "./format";
import type { RolloutReport } from "../rollout/rollout";
import { didYouMean } from "../core/did-you-mean";
import { loadStage, type RegionRef, type Stage } from "../core/stage";
import { maxBakeMs } from "../core/stage-schema";
import { listStageFiles } from "../core/stage-file";
import { LocalReleaseStore } from "../artifacts/store/local-store";
import { openStore } from "../artifacts/store/open-store";
import { defaultStoreDir } from "../core/paths";
import type { ReleaseStore } from "../artifacts/store/store";
import { LocalTarget } from "../targets/local-target";
import { PulumiTarget } from "../targets/pulumi-target";
import type { Progress, Target } from "../targets/target";
import type { Interrupt } from "./interrupt";
import { err, outOrErr } from "./output";

/** The flags every release command shares. */
export const targetOptions = {
  local: { type: "boolean", description: "the local cloud (.fleet/local/, served by 'fleet start') instead of real accounts" },
  store: { type: "string", value: "where", description: "release store: a directory or s3://bucket/prefix (default $FLEET_STORE, else .fleet/releases)" },
  json: { type: "boolean", description: "print the result as JSON on stdout (progress stays on stderr)" },
} as const;

/** The flags of the commands that act on every region of a stack at once (call, invoke, logs): which stack, which regions. */
export const regionsOptions = {
  stack: { type: "string", description: "the stack (Pulumi.<stack>.yaml)" },
  region: {
    type: "string",
    value: "r",
    multiple: true,
    description: "only this region: a region name (in every account) or <account>/<region>; repeat for several (default: every region)",
  },
} as const;

/** The flags of the commands that change a stack: how long to wait for another rollout of it. */
export const lockOptions = {
  wait: { type: "string", value: "duration", description: "when another rollout holds the stack, wait up to this long for it (e.g. 30s, 10m, 1h) instead of refusing" },
} as const;

/** The flags of the commands that roll out: how long each bake lasts, and baking without alarms. */
export const rolloutOptions = {
  bake: { type: "string", value: "duration", description: "bake this long after each canary step and each wave instead of fleet:rollout.bake (0s to 1h, e.g. 0s, 30s, 10m)" },
  // Commander makes `--no-alarms` the negation of `alarms`: the value is false when given, true otherwise.
  "no-alarms": { type: "boolean", description: "bake on the probes alone: do not read the regions' alarms (a region whose alarms cannot be read otherwise fails its wave)" },
} as const;

/** The rollout settings of {@link rolloutOptions}' flags: `--bake` checked against fleet:rollout's bound. */
export function rolloutArgs(values: { bake?: string; "no-alarms"?: boolean }): { bakeMs: number | undefined; watchAlarms: boolean } {
  const bakeMs = durationArg(values.bake, "--bake");
  if (bakeMs !== undefined && bakeMs > maxBakeMs) throw new CliError(`--bake '${values.bake}' is longer than 1h, the longest bake fleet waits. Fix: e.g. --bake 5m`, 2);
  return { bakeMs, watchAlarms: values["no-alarms"] !== false };
}

/** Progress lines go to stderr so `--json` output on stdout stays parseable; a closed stderr drops them. */
export const progress: Progress = (line) => err(`${line}\n`);

/**
 * Loads a stage, turning a missing, unknown or invalid stack into a CLI error that names it (`example`: how the
 * flag is given, when the command takes more than one stack).
 */
export function stageOf(stack: string | undefined, flag = "--stack", example?: string): Stage {
  if (!stack) throw missingStack(flag, example);
  try {
    return loadStage(stack);
  } catch (error) {
    throw new CliError(`${flag} ${stack}: ${(error as Error).message}`, 2);
  }
}

/** The usage error of a missing stack flag: an example, and the stacks there are in `root`. */
export function missingStack(flag: string, example?: string, root?: string): CliError {
  const known = listStageFiles(root);
  return new CliError(`${flag} <stack> is required (e.g. ${example ?? `${flag} ${known[0] ?? "dev"}`}; stacks here: ${known.join(", ") || "none"})`, 2);
}

export function storeOf(spec: string | undefined): ReleaseStore {
  try {
    return openStore(spec);
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
}

/** The local cloud or the Pulumi stack for a stage. */
export function targetOf(stage: Stage, local: boolean | undefined, store: ReleaseStore, options: { serve?: boolean } = {}): Target {
  return local ? new LocalTarget({ stage, store, ...options }) : new PulumiTarget(stage);
}

/**
 * A release from the command line: a whole digest, or an unambiguous prefix (12 hex digits or more, as tables show
 * them) of a release in `store`; else a usage error naming the flag (an ambiguous prefix lists the candidates).
 */
export async function digestArg(value: string | undefined, flag: string, store: Pick<ReleaseStore, "list">): Promise<Digest | undefined> {
  if (value === undefined) return undefined;
  const known = isDigest(value) ? [] : (await asCli(() => store.list())).map((manifest) => manifest.digest);
  try {
    return resolveDigest(value, known);
  } catch (error) {
    if (error instanceof FleetError) throw new CliError(`${flag} ${error.message}`, 2);
    throw error;
  }
}

/** Runs a command body, turning the release library's user errors into CLI errors. */
export async function asCli<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof FleetError) throw new CliError(error.message, 1);
    throw error;
  }
}

/**
 * Asks "yes/no" on the terminal unless `yes`; without a terminal and without --yes it refuses, because nobody
 * could have read the plan. Ctrl-C (or `signal`) at the question cancels.
 */
export async function confirm(question: string, yes: boolean | undefined, signal?: AbortSignal): Promise<void> {
  if (yes) return;
  if (!process.stdin.isTTY) throw new CliError(`refusing to continue without confirmation: stdin is not a terminal. Re-run with --yes (or --dry-run to see the plan)`, 2);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const asking = new AbortController();
  const cancel = () => asking.abort();
  rl.on("SIGINT", cancel);
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    const answer = (await rl.question(`${question} [y/N] `, { signal: asking.signal }).catch(() => "")).trim().toLowerCase();
    if (answer !== "y" && answer !== "yes") throw new CliError("cancelled: nothing was changed", 1);
  } finally {
    signal?.removeEventListener("abort", cancel);
    rl.close();
  }
}

/** A positive integer flag, e.g. `--timeout 5000`, or a usage error naming it. */
export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${flag} '${value}' must be a positive whole number`, 2);
  return n;
}

/** `30s`, `10m`, `1h`, `500ms` as milliseconds, or a usage error naming the flag. */
export function durationArg(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d{1,9})(ms|s|m|h)$/.exec(value.trim());
  if (!match) throw new CliError(`${flag} '${value}' is not a duration. Fix: a whole number and a unit, e.g. ${flag} 30s, 10m or 1h`, 2);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as "ms" | "s" | "m" | "h"];
}

/**
 * Prints a rollout report (table or JSON) on stdout, or on stderr when stdout is closed, and gives the exit code:
 * 0 done, 1 failed, 128 + the signal's number when a signal or a closed output interrupted it.
 */
export async function finishRollout(report: RolloutReport, json: boolean | undefined, interrupt: Interrupt): Promise<number> {
  const code = report.ok ? 0 : report.interrupted && interrupt.signal.aborted ? interrupt.exitCode() : 1;
  // The rollout is over: a closed stdout now only moves the report to stderr.
  interrupt.dispose();
  await outOrErr(json ? `${JSON.stringify(report)}\n` : formatRollout(report));
  if (report.ledgerError) throw new CliError(`the regions are as reported above, but the ledger was not written: ${report.ledgerError}`, 1);
  return code;
}

/**
 * The Pulumi program reads `sha256:` releases from `.fleet/releases/` only: when the store is elsewhere (S3),
 * copy the verified artifacts there first, so `pulumi up` deploys exactly the stored bytes.
 */
export async function stageForTarget(target: Target, store: ReleaseStore, digests: Iterable<Digest>): Promise<void> {
  if (target.kind !== "pulumi") return;
  const local = new LocalReleaseStore(defaultStoreDir);
  if (store instanceof LocalReleaseStore && store.root === local.root) return;
  for (const digest of new Set(digests)) {
    const release = await store.get(digest);
    await local.put(release, await store.openapi(digest));
  }
}

/**
 * The regions `--region` names (a region name matches it in every account, `<account>/<region>` one), in stage
 * order; every region of the stack without it. A name the stack does not have is a usage error listing the stack's
 * regions; `without` ends its fix (what leaving the flag out does, e.g. "to call them all").
 */
export function selectRegions(stage: Stage, wanted: string[] | undefined, without: string): RegionRef[] {
  if (!wanted || wanted.length === 0) return stage.regions;
  for (const name of wanted) {
    if (stage.regions.some((r) => r.key === name || r.region === name)) continue;
    const candidates = [...new Set(stage.regions.flatMap((r) => [r.region, r.key]))];
    throw new CliError(
      `--region ${name} is not a region of stack ${stage.stack}${didYouMean(name, candidates)}: its regions are ${stage.regions.map((r) => r.key).join(", ")}. ` +
        `Fix: pass one of those (a region name, or <account>/<region>), or leave --region out ${without}`,
      2,
    );
  }
  return stage.regions.filter((r) => wanted.some((name) => r.key === name || r.region === name));
}
