import type { Digest } from "../core/digest";
import { newRolloutId, type IntentRecord, type LedgerResult, type OutcomeRecord } from "../artifacts/ledger";
import type { ReleaseStore } from "../artifacts/store/store";
import type { LiveRegion, Progress, Target } from "../targets/target";
import { crashPoint } from "./crash-points";
import { type ProbesOf, storedProbes } from "./probes";
import { smokeRegion, type SmokeResult } from "./smoke";
import { pruneAfterRollout } from "./retention";
import type { InterruptedRegion } from "./unfinished";
import { planRollout } from "./waves";

/** What happened to one region. */
export interface RegionOutcome {
  key: string;
  account: string;
  region: string;
  from: Digest | null;
  to: Digest;
  result: LedgerResult;
  /** The digest the region serves now. */
  live: Digest | null;
  reason?: string;
  smoke?: SmokeResult;
  /** The unfinished rollout this one took the region over from: the region was redone, whatever it served. */
  recovers?: string;
}

export interface RolloutReport {
  stack: string;
  /** Which kind of target ran it: the next steps a failure prints name `--local` when it was the local cloud. */
  target: Target["kind"];
  action: IntentRecord["action"];
  /** The rollout's id: every ledger record it wrote carries it. */
  rollout: string;
  ok: boolean;
  /**
   * Stopped by the signal (Ctrl-C, SIGTERM, SIGHUP, a closed output, a lost lock): the region in flight finished,
   * then every changed region was put back.
   */
  interrupted: boolean;
  regions: RegionOutcome[];
  /** Set when the ledger could not be written; the regions are as reported. */
  ledgerError?: string;
  /** Set when old function versions could not be deleted after the rollout; the rollout itself is done. */
  pruneError?: string;
}

export interface RolloutOptions {
  target: Target;
  action: IntentRecord["action"];
  /** `"<account>/<region>"` → the digest it must end on; regions not listed are left alone. */
  desired: Record<string, Digest>;
  store: ReleaseStore;
  who: string;
  progress: Progress;
  /** Aborting it stops after the region in flight and reverts; a string reason says why (e.g. `SIGTERM`). */
  signal?: AbortSignal;
  /** Per smoke request. @default 10 s */
  smokeTimeoutMs?: number;
  /** The probes of each release. @default each release's own, from its manifest in the store */
  probes?: ProbesOf;
  /** @default () => new Date() */
  now?: () => Date;
  /** The rollout's id (its stack lock's). @default a new one */
  id?: string;
  /**
   * What unfinished rollouts left in doubt on the stack (`interruptedRegions` of the ledger). Those regions are
   * redone even when they seem to serve their digest already, and go back to the digest the ledger last vouched
   * for, so no region is ever skipped because a half-done rollout left it looking finished.
   */
  unfinished?: InterruptedRegion[];
}

/**
 * Moves regions to their desired digest in waves, smoking each wave; at the first failure (or on the signal) puts
 * every region it changed back on its previous digest. Write-ahead: before a wave changes, the ledger gets an
 * intent per region (what it is about to become); once the rollout is over, an outcome per region, whatever
 * happened. A crash in between leaves intents without outcomes, which `interruptedRegions` reports. Refuses to
 * start (ArtifactError) when the store's ledger is not writable.
 *
 * The steps of a wave (intent, change, smoke) are where a new kind of step goes (a canary's share, a bake): its
 * own record kind in the ledger, its own crash point.
 */
export async function rollout(options: RolloutOptions): Promise<RolloutReport> {
  const { target, progress, desired, store } = options;
  const stack = target.stage.stack;
  const id = options.id ?? newRolloutId();
  const clock = options.now ?? (() => new Date());
  // Before any change: a change the ledger cannot record would leave regions on digests nobody knows about.
  await store.assertWritable();
  // …and before the first `pulumi up`: a limit the cloud would enforce only halfway through one.
  await target.preflight?.(progress);
  const live = await target.live();
  const left = new Map((options.unfinished ?? []).filter((u) => u.stack === stack).map((u) => [u.key, u]));
  const outcomes = new Map<string, RegionOutcome>();
  const planned: LiveRegion[] = [];
  for (const region of live) {
    const to = desired[region.key];
    if (!to) continue;
    const unfinished = left.get(region.key);
    const from = unfinished ? unfinished.from : (region.release ?? null);
    const outcome: RegionOutcome = { key: region.key, account: region.account, region: region.region, from, to, result: from === to && !unfinished ? "unchanged" : "untouched", live: region.release ?? null };
    if (unfinished) outcome.recovers = unfinished.rollout;
    outcomes.set(region.key, outcome);
    if (from !== to || unfinished) planned.push(region);
  }
  const fields = (o: RegionOutcome) => ({
    time: clock().toISOString(),
    rollout: id,
    action: options.action,
    stack,
    account: o.account,
    region: o.region,
    from: o.from,
    to: o.to,
    who: options.who.slice(0, 200),
    ...(o.recovers ? { recovers: o.recovers } : {}),
  });

  const touched: LiveRegion[] = [];
  let failure: string | undefined;
  let interrupted = false;
  const plan = planRollout(target.stage.config.rollout, live, (region) => planned.includes(region));
  for (const wave of plan.waves.map((w) => w.regions)) {
    if (wave.length === 0) continue;
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    crashPoint("before-intent");
    try {
      await store.appendLedger(wave.map((r): IntentRecord => ({ step: "intent", ...fields(outcomes.get(r.key)!) })));
    } catch (error) {
      failure = `the ledger could not record the change of ${wave.map((r) => r.key).join(", ")}, so it was not made: ${(error as Error).message}`;
      break;
    }
    crashPoint("after-intent");
    touched.push(...wave);
    try {
      await target.apply(Object.fromEntries(wave.map((r) => [r.key, desired[r.key]!])), progress, options.signal);
    } catch (error) {
      failure = `deploying ${wave.map((r) => r.key).join(", ")} failed: ${(error as Error).message}`;
      for (const r of wave) outcomes.get(r.key)!.reason = (error as Error).message;
      // The signal also cancels a `pulumi up` in flight, which then fails: still an interrupt.
      if (options.signal?.aborted) interrupted = true;
      break;
    }
    crashPoint("after-change");
    const smoked = await smokeWave(target, wave, (r) => desired[r.key]!, options);
    crashPoint("after-smoke");
    for (const result of smoked) {
      const outcome = outcomes.get(result.key)!;
      outcome.smoke = result;
      progress(`${stack} ${result.key}: smoke ${result.ok ? "ok" : `FAILED: ${result.failures.join("; ")}`} (${result.latencyMs} ms)`);
      if (result.ok) {
        outcome.result = "changed";
        outcome.live = outcome.to;
      } else outcome.reason = result.failures.join("; ");
    }
    const failed = smoked.filter((r) => !r.ok);
    if (failed.length > 0) {
      failure = `smoke failed in ${failed.map((r) => r.key).join(", ")}`;
      break;
    }
    if (options.signal?.aborted) interrupted = true;
  }

  if (failure || interrupted) await revert(target, touched, outcomes, failure ?? `interrupted (${interruption(options.signal)})`, options);

  const regions = live.filter((r) => outcomes.has(r.key)).map((r) => outcomes.get(r.key)!);
  const report: RolloutReport = { stack, target: target.kind, action: options.action, rollout: id, ok: !failure && !interrupted, interrupted, regions };
  try {
    await store.appendLedger(
      regions.map((o): OutcomeRecord => ({ step: "outcome", ...fields(o), result: o.result, live: o.live, ...(o.reason ? { reason: o.reason.slice(0, 2000) } : {}) })),
    );
  } catch (error) {
    report.ledgerError = (error as Error).message;
  }
  crashPoint("after-outcome");
  if (report.ok && !report.ledgerError) {
    const pruneError = await pruneAfterRollout(target, store, progress);
    if (pruneError) report.pruneError = pruneError;
  }
  return report;
}

/** What stopped a rollout, from its signal's reason: a string names it (SIGTERM, stdout closed…); else Ctrl-C. */
function interruption(signal: AbortSignal | undefined): string {
  return typeof signal?.reason === "string" ? signal.reason : "Ctrl-C";
}

/**
 * Puts every touched region back on its previous digest and checks it serves that digest again. Not cancelled by
 * the rollout's signal: stopping is what it finishes.
 */
async function revert(target: Target, touched: LiveRegion[], outcomes: Map<string, RegionOutcome>, why: string, options: RolloutOptions): Promise<void> {
  if (touched.length === 0) return;
  const stack = target.stage.stack;
  options.progress(`${stack}: ${why}; putting ${touched.map((r) => r.key).join(", ")} back`);
  try {
    await target.apply(Object.fromEntries(touched.map((r) => [r.key, outcomes.get(r.key)!.from])), options.progress);
  } catch (error) {
    for (const r of touched) {
      const outcome = outcomes.get(r.key)!;
      outcome.result = "failed";
      outcome.reason = `${outcome.reason ? `${outcome.reason}; ` : ""}revert failed: ${(error as Error).message}`;
      outcome.live = null;
    }
    return;
  }
  crashPoint("during-revert");
  const restored = touched.filter((r) => outcomes.get(r.key)!.from !== null);
  const smoked = await smokeWave(target, restored, (r) => outcomes.get(r.key)!.from!, options);
  for (const r of touched) {
    const outcome = outcomes.get(r.key)!;
    const check = smoked.find((s) => s.key === r.key);
    if (check && !check.ok) {
      outcome.result = "failed";
      outcome.live = (check.release as Digest | null) ?? null;
      outcome.reason = `${outcome.reason ? `${outcome.reason}; ` : ""}after revert: ${check.failures.join("; ")}`;
    } else {
      outcome.result = "rolled back";
      outcome.live = outcome.from;
      outcome.reason ??= why;
    }
    options.progress(`${stack} ${r.key}: ${outcome.result} to ${outcome.live ?? "no release"}`);
  }
}

async function smokeWave(target: Target, wave: LiveRegion[], expect: (r: LiveRegion) => Digest, options: RolloutOptions): Promise<SmokeResult[]> {
  // Re-read: a deploy can change a region's URL (a first deploy creates it).
  const now = new Map((await target.live()).map((r) => [r.key, r]));
  const probesOf = options.probes ?? storedProbes(options.store);
  return Promise.all(
    wave.map(async (r) => smokeRegion(now.get(r.key) ?? { ...r, url: undefined }, { expect: expect(r), probes: await probesOf(expect(r)), timeoutMs: options.smokeTimeoutMs ?? 10_000 })),
  );
}
