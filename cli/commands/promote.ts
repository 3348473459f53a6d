import { actor } from "../../artifacts/git";
import { asCli, confirm, finishRollout, interruptSignal, progress, stageForTarget, stageOf, storeOf, targetOf, targetOptions } from "../release-support";
import { formatPlan } from "../format";
import { planPromotion } from "../../rollout/plans";
import { rollout } from "../../rollout/rollout";
import { defineCommand } from "../command";

export default defineCommand({
  summary: "Move the exact release one stack runs into another, region by region, with smoke gates",
  synopsis: "--from <stack> --to <stack> [--local] [--yes] [--dry-run] [--allow-breaking] [--json]",
  description: `Reads the digest live in --from and refuses unless every region there serves it and passes smoke, the artifact
is in the store with its sha256 intact, and its OpenAPI document breaks nothing --to serves now (removed
operation, new required input, narrowed type). Then rolls out: the first region of --to alone, smoke, then the
rest; at the first failure every changed region goes back to its previous digest. Ctrl-C finishes or reverts
the region in flight. Every region is recorded in the ledger.`,
  options: {
    from: { type: "string", value: "stack", description: "the tested stack" },
    to: { type: "string", value: "stack", description: "the stack to change" },
    yes: { type: "boolean", description: "do not ask for confirmation (required when stdin is not a terminal)" },
    "dry-run": { type: "boolean", description: "print the plan (and, for real accounts, run pulumi preview) and change nothing" },
    "allow-breaking": { type: "boolean", description: "promote even when the API has breaking changes" },
    ...targetOptions,
  },
  async run({ values }) {
    const source = stageOf(values.from, "--from");
    const destination = stageOf(values.to, "--to");
    const store = storeOf(values.store);
    const from = targetOf(source, values.local, store);
    const to = targetOf(destination, values.local, store);
    const interrupt = interruptSignal();
    try {
      progress(`checking ${source.stack}: one digest everywhere, smoke, artifact, API…`);
      const plan = await asCli(() => planPromotion({ source: from, destination: to, store, allowBreaking: values["allow-breaking"] === true }));
      if (values["dry-run"]) {
        // Real accounts: let Pulumi show the resource changes too (streamed on stderr).
        if (to.preview) {
          await asCli(() => stageForTarget(to, store, [plan.digest, ...plan.current.flatMap((r) => (r.release ? [r.release] : []))]));
          await asCli(() => to.preview!(Object.fromEntries(plan.current.map((r) => [r.key, plan.digest])), progress));
        }
        process.stdout.write(values.json ? `${JSON.stringify({ dryRun: true, plan })}\n` : formatPlan(plan));
        return 0;
      }
      if (!values.json) process.stderr.write(formatPlan(plan));
      await confirm(`promote ${plan.digest} to ${destination.stack}?`, values.yes);
      const desired = Object.fromEntries(plan.current.map((r) => [r.key, plan.digest]));
      // The current releases too: a failed wave is put back on them.
      await asCli(() => stageForTarget(to, store, [plan.digest, ...plan.current.flatMap((r) => (r.release ? [r.release] : []))]));
      const report = await asCli(async () => rollout({ target: to, action: "promote", desired, store, who: await actor(), progress, signal: interrupt.signal }));
      return finishRollout(report, values.json);
    } finally {
      interrupt.dispose();
      await Promise.all([from.close(), to.close()]);
    }
  },
});
