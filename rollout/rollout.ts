import type { Digest } from "../core/digest";
import type { LedgerRecord, LedgerResult } from "../artifacts/ledger";
import type { ReleaseStore } from "../artifacts/store/store";
import type { LiveRegion, Progress, Target } from "../targets/target";
import { type ProbesOf, storedProbes } from "./probes";
import { smokeRegion, type SmokeResult } from "./smoke";
import { pruneAfterRollout } from "./retention";
import { planWaves } from "./waves";

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
}

export interface RolloutReport {
  stack: string;
  /** Which kind of target ran it: the next steps a failure prints name `--local` when it was the local cloud. */
  target: Target["kind"];
  action: LedgerRecord["action"];
  ok: boolean;
  /** Stopped by Ctrl-C (the signal): the region in flight finished, then every changed region was put back. */
  interrupted: boolean;
  regions: RegionOutcome[];
  /** Set when the ledger could not be written; the regions are as reported. */
  ledgerError?: string;
  /** Set when old function versions could not be deleted after the rollout; the rollout itself is done. */
  pruneError?: string;
}

export interface RolloutOptions {
  target: Target;
  action: LedgerRecord["action"];
  /** `"<account>/<region>"` → the digest it must end on; regions not listed are left alone. */
  desired: Record<string, Digest>;
  store: ReleaseStore;
  who: string;
  progress: Progress;
  /** Aborting it (Ctrl-C) stops after the region in flight and reverts. */
  signal?: AbortSignal;
  /** Per smoke request. @default 10 s */
  smokeTimeoutMs?: number;
  /** The probes of each release. @default each release's own, from its manifest in the store */
  probes?: ProbesOf;
  /** @default () => new Date() */
  now?: () => Date;
}

/**
 * Moves regions to their desired digest in waves, smoking each wave; at the first failure (or Ctrl-C) puts every
 * region it changed back on its previous digest. Appends one ledger record per region, whatever happened; refuses
 * to start (ArtifactError) when the store's ledger is not writable.
 */
export async function rollout(options: RolloutOptions): Promise<RolloutReport> {
  const { target, progress, desired } = options;
  const stack = target.stage.stack;
  // Before any change: a change the ledger cannot record would leave regions on digests nobody knows about.
  await options.store.assertWritable();
  // …and before the first `pulumi up`: a limit the cloud would enforce only halfway through one.
  await target.preflight?.(progress);
  const live = await target.live();
  const outcomes = new Map<string, RegionOutcome>();
  const planned: LiveRegion[] = [];
  for (const region of live) {
    const to = desired[region.key];
    if (!to) continue;
    const from = region.release ?? null;
    outcomes.set(region.key, { key: region.key, account: region.account, region: region.region, from, to, result: from === to ? "unchanged" : "untouched", live: from });
    if (from !== to) planned.push(region);
  }

  const touched: LiveRegion[] = [];
  let failure: string | undefined;
  let interrupted = false;
  for (const wave of planWaves(planned)) {
    if (wave.length === 0) break;
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    touched.push(...wave);
    try {
      await target.apply(Object.fromEntries(wave.map((r) => [r.key, desired[r.key]!])), progress);
    } catch (error) {
      failure = `deploying ${wave.map((r) => r.key).join(", ")} failed: ${(error as Error).message}`;
      for (const r of wave) outcomes.get(r.key)!.reason = (error as Error).message;
      // Ctrl-C also reaches a `pulumi up` in flight (same process group), which cancels itself: still an interrupt.
      if (options.signal?.aborted) interrupted = true;
      break;
    }
    const smoked = await smokeWave(target, wave, (r) => desired[r.key]!, options);
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

  if (failure || interrupted) await revert(target, touched, outcomes, failure ?? "interrupted (Ctrl-C)", options);

  const regions = live.filter((r) => outcomes.has(r.key)).map((r) => outcomes.get(r.key)!);
  const report: RolloutReport = { stack, target: target.kind, action: options.action, ok: !failure && !interrupted, interrupted, regions };
  const time = (options.now ?? (() => new Date()))().toISOString();
  try {
    await options.store.appendLedger(
      regions.map((o) => ({
        time,
        action: options.action,
        stack,
        account: o.account,
        region: o.region,
        from: o.from,
        to: o.to,
        result: o.result,
        live: o.live,
        who: options.who,
        ...(o.reason ? { reason: o.reason } : {}),
      })),
    );
  } catch (error) {
    report.ledgerError = (error as Error).message;
  }
  if (report.ok && !report.ledgerError) {
    const pruneError = await pruneAfterRollout(target, options.store, progress);
    if (pruneError) report.pruneError = pruneError;
  }
  return report;
}

/** Puts every touched region back on its previous digest and checks it serves that digest again. */
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
