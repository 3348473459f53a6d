import { actor } from "../../artifacts/git";
import { asCli, confirm, digestArg, durationArg, finishRollout, lockOptions, progress, rolloutArgs, rolloutOptions, stageForTarget, stageOf, storeOf, targetOf, targetOptions } from "../release-support";
import { planRollout, summarizePlan } from "../../rollout/waves";
import { formatRollbackPlan } from "../format";
import { rollbackTargets } from "../../rollout/plans";
import { rollout } from "../../rollout/rollout";
import { defineCommand } from "../command";
import { interruptSignal } from "../interrupt";
import { out } from "../output";
import { lockForRollout, readRolloutState } from "../rollout-session";
import type { HeldStackLock } from "../../rollout/stack-lock";

export default defineCommand({
  summary: "Put every region of a stack back on its previous (or a given) release, with waves and smoke",
  synopsis: "--stack <stack> [--to sha256:<hex>] [--local] [--yes] [--dry-run] [--fast] [--bake <duration>] [--no-alarms] [--wait <duration>] [--json]",
  description: `Without --to each region goes back to the release it served before its latest deploy or promote (from the
ledger). When a rollout was interrupted (kill -9, a lost machine) and left regions unfinished, even in the middle
of a canary step, only those go back, each to the digest it had before that rollout. Same waves, canary steps,
bakes, smoke checks, lock and revert-on-failure as promote; --fast skips the canary steps and bakes (the release
it returns to is known), keeping the waves and smoke.`,
  options: {
    stack: { type: "string", description: "the stack" },
    to: { type: "string", value: "sha256:hex", description: "the release to go back to, everywhere: its whole digest or its first 12+ hex digits" },
    yes: { type: "boolean", description: "do not ask for confirmation (required when stdin is not a terminal)" },
    "dry-run": { type: "boolean", description: "print the plan and change nothing" },
    fast: { type: "boolean", description: "skip canary steps and bakes: straight back to the known release, wave by wave, with smoke" },
    ...rolloutOptions,
    ...lockOptions,
    ...targetOptions,
  },
  async run({ values }) {
    const stage = stageOf(values.stack);
    const store = storeOf(values.store);
    const waitMs = durationArg(values.wait, "--wait");
    const { bakeMs, watchAlarms } = rolloutArgs(values);
    const fast = values.fast === true;
    const to = await digestArg(values.to, "--to", store);
    const target = targetOf(stage, values.local, store);
    const interrupt = interruptSignal();
    let lock: HeldStackLock | undefined;
    try {
      // A dry run changes nothing, so it takes no lock; it still says what is unfinished or under way.
      const session = values["dry-run"]
        ? { ...(await asCli(() => readRolloutState(store, [stage.stack], values.local))), lock: undefined }
        : await asCli(() => lockForRollout(store, stage.stack, { waitMs, local: values.local, signal: interrupt.signal }));
      lock = session.lock;
      const live = await asCli(() => target.live());
      const desired = await asCli(async () => rollbackTargets(live, session.records, stage.stack, to, session.interrupted, values.local === true));
      for (const digest of new Set(Object.values(desired))) await asCli(() => store.get(digest));
      const plan = live.filter((r) => desired[r.key]).map((r) => ({ key: r.key, from: r.release ?? null, to: desired[r.key]!, unfinished: session.interrupted.find((u) => u.key === r.key) }));
      const waves = summarizePlan(planRollout(stage.config.rollout, live, (r) => plan.some((p) => p.key === r.key && (p.from !== p.to || p.unfinished)), { fast, bakeMs, splits: (r) => r.release !== undefined }));
      if (!session.lock) {
        out(values.json ? `${JSON.stringify({ dryRun: true, stack: stage.stack, regions: plan, rollout: waves })}\n` : formatRollbackPlan(stage.stack, plan, waves));
        return 0;
      }
      if (!values.json) progress(formatRollbackPlan(stage.stack, plan, waves).trimEnd());
      await confirm(`roll ${stage.stack} back?`, values.yes, interrupt.signal);
      await asCli(() => stageForTarget(target, store, [...Object.values(desired), ...live.flatMap((r) => (r.release ? [r.release] : []))]));
      const held = session.lock;
      const report = await asCli(async () =>
        rollout({ target, action: "rollback", desired, store, who: await actor(), progress, signal: AbortSignal.any([interrupt.signal, held.lost]), id: held.id, unfinished: session.interrupted, fast, bakeMs, watchAlarms }),
      );
      return finishRollout(report, values.json, interrupt);
    } finally {
      await lock?.release();
      interrupt.dispose();
      await target.close();
    }
  },
});
