import type { Digest } from "../core/digest";
import { newRolloutId, type BakeRecord, type CanaryRecord, type IntentRecord, type LedgerRecord, type LedgerResult, type OutcomeRecord } from "../artifacts/ledger";
import { formatDuration } from "../core/duration";
import type { ReleaseStore } from "../artifacts/store/store";
import type { LiveRegion, Progress, Target } from "../targets/target";
import { bake } from "./bake";
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
  /** What a bake caught (an alarm in ALARM, a failing probe), per region: why the rollout went back. */
  caught?: BakeFailure[];
}

/** One region a bake failed: where in the rollout, at which weight, and what it caught. */
export interface BakeFailure {
  key: string;
  /** `wave 1/3 (1), canary step 1/2 (10%)` or `wave 1/3 (1), 100%`. */
  where: string;
  /** Percent of the region's requests on the new release during the bake. */
  weight: number;
  /** The alarm in ALARM (e.g. `5xx-rate`), when one was. */
  alarm?: string;
  /** Everything that failed, alarms and probes. */
  reason: string;
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
  /** Skip canary steps and bakes (`fleet rollback --fast`): back to a release known to work, in the same waves. */
  fast?: boolean;
  /** How long each bake lasts, in ms, instead of the stage's `fleet:rollout.bake` (`--bake`). */
  bakeMs?: number;
  /** Read each region's alarms while baking. @default true (false: `--no-alarms`, the probes alone) */
  watchAlarms?: boolean;
  /** Between rounds of probes during a bake. @default 1 s */
  bakeIntervalMs?: number;
}

/**
 * Moves regions to their desired digest in the stage's waves (rollout/waves.ts): within a wave, group by group,
 * each region through the canary steps (its release keeps serving, the new one takes the step's share), then the
 * new release alone, smoked; a bake after each canary step and each wave (rollout/bake.ts: the probes at a steady
 * rate and the region's alarms). At the first failure, alarm or failing probe (or on the signal) it puts every
 * region it changed back on its previous digest: canary weight to 0 first, then the previous release. Write-ahead: before a wave changes, the ledger gets an
 * intent per region (what it is about to become); once the rollout is over, an outcome per region, whatever
 * happened. A crash in between leaves intents without outcomes, which `interruptedRegions` reports. Refuses to
 * start (ArtifactError) when the store's ledger is not writable.
 *
 * Each canary step has its own record (write-ahead, before the shift) and each bake its result, both under the
 * rollout's id: a crash mid-canary leaves the region's intent open at the last recorded weight.
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
  /** Regions in a canary step now, and its weight: a revert first takes their weight to 0. */
  const weights = new Map<string, number>();
  let failure: string | undefined;
  let interrupted = false;
  const caught: BakeFailure[] = [];
  const plan = planRollout(target.stage.config.rollout, live, (region) => planned.includes(region), { fast: options.fast, bakeMs: options.bakeMs });
  const probesOf = options.probes ?? storedProbes(store);
  const timeoutMs = options.smokeTimeoutMs ?? 10_000;
  const touch = (regions: LiveRegion[]) => touched.push(...regions.filter((r) => !touched.includes(r)));
  const record = async (records: LedgerRecord[], what: string): Promise<boolean> => {
    try {
      await store.appendLedger(records);
      return true;
    } catch (error) {
      failure = `the ledger could not record ${what}, so it was not made: ${(error as Error).message}`;
      return false;
    }
  };
  /** Bakes `regions` at `weight`, records each result; false when one failed or the bake was interrupted. */
  const bakeStep = async (regions: LiveRegion[], weight: number, where: string, releasesOf: (o: RegionOutcome) => Digest[], probesFor: (o: RegionOutcome) => Digest): Promise<boolean> => {
    const now = new Map((await target.live()).map((r) => [r.key, r]));
    const baking = await Promise.all(
      regions.map(async (r) => ({ region: now.get(r.key) ?? { ...r, url: undefined }, probes: await probesOf(probesFor(outcomes.get(r.key)!)), releases: releasesOf(outcomes.get(r.key)!) })),
    );
    const results = await bake({ target, regions: baking, durationMs: plan.bakeMs, intervalMs: options.bakeIntervalMs, watchAlarms: options.watchAlarms !== false, where, progress, timeoutMs, signal: options.signal });
    crashPoint("during-bake");
    await record(
      results.map((b): BakeRecord => ({ step: "bake", ...fields(outcomes.get(b.key)!), weight, result: b.result, ms: Math.round(b.ms), probes: b.probes, alarms: options.watchAlarms !== false, ...(b.reason ? { reason: b.reason.slice(0, 2000) } : {}) })),
      `the bake of ${regions.map((r) => r.key).join(", ")}`,
    );
    for (const b of results.filter((b) => b.result === "failed")) {
      const reason = `bake at ${where}: ${b.reason}`;
      outcomes.get(b.key)!.reason = reason;
      caught.push({ key: b.key, where, weight, ...(b.alarm ? { alarm: b.alarm } : {}), reason: b.reason! });
    }
    if (caught.length > 0) failure = `caught during the bake at ${where} in ${caught.map((c) => c.key).join(", ")}: ${caught.map((c) => c.reason).join("; ")}`;
    else if (results.some((b) => b.result === "interrupted")) interrupted = true;
    return !failure && !interrupted;
  };

  const changing = plan.waves.filter((wave) => wave.regions.length > 0);
  waves: for (const [w, wave] of changing.entries()) {
    const place = `wave ${w + 1}/${changing.length} (${wave.size})`;
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    progress(`${stack}: ${place}: ${wave.regions.map((r) => r.key).join(", ")}${plan.canary.length > 0 ? `, canary ${plan.canary.map((c) => `${c}%`).join(", ")}` : ""}${plan.bakeMs > 0 ? `, bake ${formatDuration(plan.bakeMs)}` : ""}`);
    crashPoint("before-intent");
    if (!(await record(wave.regions.map((r): IntentRecord => ({ step: "intent", ...fields(outcomes.get(r.key)!) })), `the change of ${wave.regions.map((r) => r.key).join(", ")}`))) break;
    crashPoint("after-intent");
    for (const group of wave.groups) {
      // A canary splits traffic between what a region serves and its new release: not for a first deploy, nor
      // for a region an unfinished rollout left on its new release already.
      const canaried = group.filter((r) => {
        const o = outcomes.get(r.key)!;
        return o.from !== null && o.from !== o.to && r.release === o.from;
      });
      for (const [s, weight] of (canaried.length > 0 ? plan.canary : []).entries()) {
        const where = `${place}, canary step ${s + 1}/${plan.canary.length} (${weight}%)`;
        if (options.signal?.aborted) {
          interrupted = true;
          break waves;
        }
        if (!(await record(canaried.map((r): CanaryRecord => ({ step: "canary", ...fields(outcomes.get(r.key)!), weight })), `the canary step of ${canaried.map((r) => r.key).join(", ")}`))) break waves;
        touch(canaried);
        try {
          await target.shift(Object.fromEntries(canaried.map((r) => [r.key, { stable: outcomes.get(r.key)!.from!, canary: desired[r.key]!, weight }])), progress, options.signal);
        } catch (error) {
          failure = `the canary step at ${where} of ${canaried.map((r) => r.key).join(", ")} failed: ${(error as Error).message}`;
          for (const r of canaried) outcomes.get(r.key)!.reason = (error as Error).message;
          if (options.signal?.aborted) interrupted = true;
          break waves;
        }
        for (const r of canaried) weights.set(r.key, weight);
        crashPoint("after-shift");
        const smoked = await smokeWave(target, canaried, (r) => [outcomes.get(r.key)!.from!, desired[r.key]!], (r) => outcomes.get(r.key)!.from!, options);
        for (const result of smoked) progress(`${stack} ${result.key}: ${where}: smoke ${result.ok ? "ok" : `FAILED: ${result.failures.join("; ")}`} (${result.latencyMs} ms)`);
        const failed = smoked.filter((r) => !r.ok);
        if (failed.length > 0) {
          for (const result of failed) outcomes.get(result.key)!.reason = `smoke at ${where}: ${result.failures.join("; ")}`;
          failure = `smoke failed at ${where} in ${failed.map((r) => r.key).join(", ")}`;
          break waves;
        }
        if (plan.bakeMs > 0 && !(await bakeStep(canaried, weight, where, (o) => [o.from!, o.to], (o) => o.from!))) break waves;
      }
      if (options.signal?.aborted && canaried.length > 0 && plan.canary.length > 0) {
        interrupted = true;
        break waves;
      }
      touch(group);
      try {
        await target.apply(Object.fromEntries(group.map((r) => [r.key, desired[r.key]!])), progress, options.signal);
      } catch (error) {
        failure = `deploying ${group.map((r) => r.key).join(", ")} failed: ${(error as Error).message}`;
        for (const r of group) outcomes.get(r.key)!.reason = (error as Error).message;
        // The signal also cancels a `pulumi up` in flight, which then fails: still an interrupt.
        if (options.signal?.aborted) interrupted = true;
        break waves;
      }
      for (const r of group) weights.delete(r.key);
      crashPoint("after-change");
      const smoked = await smokeWave(target, group, (r) => desired[r.key]!, (r) => desired[r.key]!, options);
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
        break waves;
      }
      if (options.signal?.aborted) {
        interrupted = true;
        break waves;
      }
    }
    if (plan.bakeMs > 0 && !(await bakeStep(wave.regions, 100, `${place}, 100%`, (o) => [o.to], (o) => o.to))) break;
    if (options.signal?.aborted) interrupted = true;
  }

  if (failure || interrupted) await revert(target, touched, outcomes, weights, failure ?? `interrupted (${interruption(options.signal)})`, options, fields);

  const regions = live.filter((r) => outcomes.has(r.key)).map((r) => outcomes.get(r.key)!);
  const report: RolloutReport = { stack, target: target.kind, action: options.action, rollout: id, ok: !failure && !interrupted, interrupted, regions, ...(caught.length > 0 ? { caught } : {}) };
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
 * Puts every touched region back on its previous digest and checks it serves that digest again; a region in a
 * canary step first has its canary's weight taken to 0 (recorded), so traffic leaves the new release before the
 * region changes back. Not cancelled by the rollout's signal: stopping is what it finishes.
 */
async function revert(
  target: Target,
  touched: LiveRegion[],
  outcomes: Map<string, RegionOutcome>,
  weights: Map<string, number>,
  why: string,
  options: RolloutOptions,
  fields: (o: RegionOutcome) => Omit<IntentRecord, "step">,
): Promise<void> {
  if (touched.length === 0) return;
  const stack = target.stage.stack;
  options.progress(`${stack}: ${why}; putting ${touched.map((r) => r.key).join(", ")} back`);
  const weighted = touched.filter((r) => (weights.get(r.key) ?? 0) > 0);
  if (weighted.length > 0) {
    try {
      await options.store.appendLedger(weighted.map((r): CanaryRecord => ({ step: "canary", ...fields(outcomes.get(r.key)!), weight: 0 })));
      await target.shift(Object.fromEntries(weighted.map((r) => [r.key, { stable: outcomes.get(r.key)!.from!, canary: outcomes.get(r.key)!.to, weight: 0 }])), options.progress);
    } catch (error) {
      // The release change below still takes the canary away.
      options.progress(`${stack}: could not take the canary weight of ${weighted.map((r) => r.key).join(", ")} to 0 first (${(error as Error).message}); changing the release back`);
    }
  }
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
  const smoked = await smokeWave(target, restored, (r) => outcomes.get(r.key)!.from!, (r) => outcomes.get(r.key)!.from!, options);
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

/** Smokes `wave` once: each region must answer from (one of) `expect` its release(s), with the probes of `probesOf`'s release. */
async function smokeWave(target: Target, wave: LiveRegion[], expect: (r: LiveRegion) => Digest | Digest[], probesOf: (r: LiveRegion) => Digest, options: RolloutOptions): Promise<SmokeResult[]> {
  // Re-read: a deploy can change a region's URL (a first deploy creates it).
  const now = new Map((await target.live()).map((r) => [r.key, r]));
  const probes = options.probes ?? storedProbes(options.store);
  return Promise.all(
    wave.map(async (r) => smokeRegion(now.get(r.key) ?? { ...r, url: undefined }, { expect: expect(r), probes: await probes(probesOf(r)), timeoutMs: options.smokeTimeoutMs ?? 10_000 })),
  );
}
