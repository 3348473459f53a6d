import { actor } from "../../artifacts/git";
import { asCli, confirm, digestArg, finishRollout, interruptSignal, progress, stageForTarget, stageOf, storeOf, targetOf, targetOptions } from "../release-support";
import { formatRollbackPlan } from "../format";
import { rollbackTargets } from "../../rollout/plans";
import { rollout } from "../../rollout/rollout";
import { defineCommand } from "../command";

export default defineCommand({
  summary: "Put every region of a stack back on its previous (or a given) release, with waves and smoke",
  synopsis: "--stack <stack> [--to sha256:<hex>] [--local] [--yes] [--dry-run] [--json]",
  description: `Without --to each region goes back to the release it served before its latest deploy or promote (from the
ledger). Same waves, smoke checks and revert-on-failure as promote.`,
  options: {
    stack: { type: "string", description: "the stack" },
    to: { type: "string", value: "sha256:hex", description: "the release to go back to, everywhere" },
    yes: { type: "boolean", description: "do not ask for confirmation (required when stdin is not a terminal)" },
    "dry-run": { type: "boolean", description: "print the plan and change nothing" },
    ...targetOptions,
  },
  async run({ values }) {
    const stage = stageOf(values.stack);
    const to = digestArg(values.to, "--to");
    const store = storeOf(values.store);
    const target = targetOf(stage, values.local, store);
    const interrupt = interruptSignal();
    try {
      const live = await asCli(() => target.live());
      const desired = await asCli(async () => rollbackTargets(live, await store.ledger(), stage.stack, to));
      for (const digest of new Set(Object.values(desired))) await asCli(() => store.get(digest));
      const plan = live.map((r) => ({ key: r.key, from: r.release ?? null, to: desired[r.key]! }));
      if (values["dry-run"]) {
        process.stdout.write(values.json ? `${JSON.stringify({ dryRun: true, stack: stage.stack, regions: plan })}\n` : formatRollbackPlan(stage.stack, plan));
        return 0;
      }
      if (!values.json) process.stderr.write(formatRollbackPlan(stage.stack, plan));
      await confirm(`roll ${stage.stack} back?`, values.yes);
      await asCli(() => stageForTarget(target, store, [...Object.values(desired), ...live.flatMap((r) => (r.release ? [r.release] : []))]));
      const report = await asCli(async () => rollout({ target, action: "rollback", desired, store, who: await actor(), progress, signal: interrupt.signal }));
      return finishRollout(report, values.json);
    } finally {
      interrupt.dispose();
      await target.close();
    }
  },
});
