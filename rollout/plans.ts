import type { Digest } from "../core/digest";
import { FleetError } from "../core/errors";
import { fleetCommand } from "../core/fleet-command";
import type { LedgerRecord } from "../artifacts/ledger";
import type { InterruptedRegion } from "./unfinished";
import { diffOpenApi, type ApiChange } from "./openapi-diff";
import type { ReleaseStore } from "../artifacts/store/store";
import type { LiveRegion, Target } from "../targets/target";
import { type ProbesOf, storedProbes } from "./probes";
import { smokeRegions, type SmokeResult } from "./smoke";
import { planRollout, summarizePlan, type PlanOptions, type PlanSummary } from "./waves";

/** What `fleet promote` is about to do, shown before it asks and printed by `--dry-run`. */
export interface PromotionPlan {
  from: string;
  to: string;
  digest: Digest;
  /** The source stack's smoke results: all passed, or there is no plan. */
  sourceSmoke: SmokeResult[];
  /** The destination as it is now. */
  current: LiveRegion[];
  /** Differences from each release the destination serves now to the promoted one. */
  api: { base: Digest | null; changes: ApiChange[]; note?: string }[];
  /** The destination's regions to change, wave by wave (waves with nothing to change left out). */
  waves: string[][];
  /** The whole plan: every wave with its regions, the canary steps, the bakes and the time they take. */
  rollout: PlanSummary;
  /** Destination regions an unfinished rollout left in doubt: redone, whatever they seem to serve. */
  unfinished: InterruptedRegion[];
}

export interface PromotionCheckOptions {
  source: Target;
  destination: Target;
  store: ReleaseStore;
  allowBreaking: boolean;
  smokeTimeoutMs?: number;
  /** @default each release's own probes, from its manifest in the store */
  probes?: ProbesOf;
  /** What unfinished rollouts left in doubt (`interruptedRegions` of the ledger). @default none */
  unfinished?: InterruptedRegion[];
  /** How the rollout will run (`--bake`). */
  plan?: PlanOptions<LiveRegion>;
}

/**
 * Checks a promotion can go ahead: the source serves one digest in every region and passes smoke, the artifact is
 * in the store with its sha256 intact, and its API breaks nothing the destination serves (unless allowed).
 */
export async function planPromotion(options: PromotionCheckOptions): Promise<PromotionPlan> {
  const { source, destination, store } = options;
  const from = source.stage.stack;
  const sourceLive = await source.live();
  const missing = sourceLive.filter((r) => !r.release);
  if (missing.length > 0) throw new FleetError(`${from} does not serve a release in ${missing.map((r) => r.key).join(", ")}: deploy one there first ('${fleetCommand("deploy", { local: source.kind === "local", stack: from })}')`);
  const digests = [...new Set(sourceLive.map((r) => r.release!))];
  if (digests.length > 1) {
    throw new FleetError(`${from} serves different releases (${sourceLive.map((r) => `${r.key}=${r.release}`).join(", ")}): promote only what every region of ${from} runs; deploy one release to all of ${from} first`);
  }
  const digest = digests[0]!;
  await store.get(digest);
  const probes = await (options.probes ?? storedProbes(store))(digest);
  const sourceSmoke = await smokeRegions(sourceLive, () => ({ expect: digest, probes, timeoutMs: options.smokeTimeoutMs ?? 10_000 }));
  const failed = sourceSmoke.filter((r) => !r.ok);
  if (failed.length > 0) throw new FleetError(`${from} fails smoke, so ${digest} is not promoted: ${failed.map((r) => `${r.key}: ${r.failures.join("; ")}`).join(" | ")}`);

  const current = await destination.live();
  const unfinished = (options.unfinished ?? []).filter((u) => u.stack === destination.stage.stack);
  const promoted = await store.openapi(digest);
  // A region in doubt may serve either digest of its unfinished rollout: compare with both.
  const serving = [...current.map((r) => r.release ?? null), ...unfinished.flatMap((u) => [u.from, u.to])];
  const bases = [...new Set(serving)].filter((d) => d !== digest);
  const api: PromotionPlan["api"] = [];
  for (const base of bases) {
    if (base === null) {
      api.push({ base, changes: [], note: "some regions serve no release yet: nothing to compare" });
      continue;
    }
    const before = (await store.has(base)) ? await store.openapi(base) : undefined;
    if (before === undefined || promoted === undefined) {
      api.push({ base, changes: [], note: `no OpenAPI document stored for ${before === undefined ? base : digest} (fleet.config.ts sets no openapi): API compatibility is not checked` });
    }
    else api.push({ base, changes: diffOpenApi(before, promoted) });
  }
  const breaking = api.flatMap((a) => a.changes.filter((c) => c.breaking));
  if (breaking.length > 0 && !options.allowBreaking) {
    throw new FleetError(`${digest} breaks the API ${destination.stage.stack} serves:\n  ${breaking.map((c) => c.message).join("\n  ")}\npass --allow-breaking to promote anyway`);
  }
  const rollout = planRollout(destination.stage.config.rollout, current, (r) => r.release !== digest || unfinished.some((u) => u.key === r.key), { splits: (r) => r.release !== undefined, ...options.plan });
  const waves = rollout.waves.map((wave) => wave.regions.map((r) => r.key)).filter((wave) => wave.length > 0);
  return { from, to: destination.stage.stack, digest, sourceSmoke, current, api, waves, rollout: summarizePlan(rollout), unfinished };
}

/**
 * The digest each region goes back to: `to` everywhere when given. Else, when an unfinished rollout left regions
 * in doubt, only those, each to the digest it had before (the rest are where the ledger says). Else, per region,
 * the `from` of the ledger's latest deploy or promote that put the region on what it serves now (rollbacks are
 * skipped, so rolling back twice walks further back instead of undoing the first rollback). `local`: the stack is in
 * the local cloud (for the hint).
 */
export function rollbackTargets(live: LiveRegion[], ledger: LedgerRecord[], stack: string, to?: Digest, unfinished: InterruptedRegion[] = [], local = false): Record<string, Digest> {
  if (to) return Object.fromEntries(live.map((r) => [r.key, to]));
  const left = unfinished.filter((u) => u.stack === stack);
  if (left.length > 0) {
    const none = left.find((u) => u.from === null);
    if (none) throw new FleetError(`${stack} ${none.key} served no release before the unfinished rollout ${none.rollout}: pass --to sha256:<hex> to put it on one`);
    return Object.fromEntries(left.map((u) => [u.key, u.from!]));
  }
  const desired: Record<string, Digest> = {};
  for (const region of live) {
    const last = [...ledger]
      .reverse()
      .find((r) => r.step === "outcome" && r.stack === stack && `${r.account}/${r.region}` === region.key && r.action !== "rollback" && r.result === "changed" && r.to === region.release);
    if (!last?.from) throw new FleetError(`no earlier release of ${stack} ${region.key} in the ledger: pass --to sha256:<hex> (see '${fleetCommand("status", { local, stack })}')`);
    desired[region.key] = last.from;
  }
  return desired;
}
