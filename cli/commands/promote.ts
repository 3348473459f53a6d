import { actor } from "../../artifacts/git";
import { asCli, confirm, durationArg, finishRollout, lockOptions, progress, rolloutArgs, rolloutOptions, stageForTarget, stageOf, storeOf, targetOf, targetOptions } from "../release-support";
import { formatPlan } from "../format";
import { planPromotion } from "../../rollout/plans";
import { rollout } from "../../rollout/rollout";
import { CliError, defineCommand } from "../command";
import { interruptSignal } from "../interrupt";
import { out } from "../output";
import { lockForRollout, readRolloutState } from "../rollout-session";
import type { HeldStackLock } from "../../rollout/stack-lock";
import { fleetCommand } from "../../core/fleet-command";
import { listStageFiles } from "../../core/stage-file";

export default defineCommand({
  summary: "Move the exact release one stack runs into another, region by region, with smoke gates",
  synopsis: "--from <stack> --to <stack> [--local] [--yes] [--dry-run] [--allow-breaking] [--bake <duration>] [--no-alarms] [--wait <duration>] [--json]",
  description: `Reads the digest live in --from and refuses unless every region there serves it and passes smoke, the artifact
is in the store with its sha256 intact, and its OpenAPI document breaks nothing --to serves now (removed
operation, new required input, narrowed type). Then rolls out in the waves of --to's fleet:rollout: each region
through the canary steps, then all traffic and smoke; a bake after each step and each wave (the probes as
synthetic traffic, the region's alarms watched). At the first failure every changed region goes back to its
previous digest (a canary's weight to 0 first). The ledger records every region before it changes, each canary
step, each bake and every outcome. --dry-run prints the plan: waves, canary steps, bakes and the time they take.

One rollout per stack: the lock of --to is held from the plan to the report; another rollout of it refuses,
naming the holder (or waits, with --wait). Ctrl-C, SIGTERM, SIGHUP or a closed output finish or revert the region
in flight, put changed regions back and report. Regions an interrupted rollout left unfinished are redone, never
skipped as already there.`,
  options: {
    from: { type: "string", value: "stack", description: "the tested stack" },
    to: { type: "string", value: "stack", description: "the stack to change" },
    yes: { type: "boolean", description: "do not ask for confirmation (required when stdin is not a terminal)" },
    "dry-run": { type: "boolean", description: "print the plan (and, for real accounts, run pulumi preview) and change nothing" },
    "allow-breaking": { type: "boolean", description: "promote even when the API has breaking changes" },
    ...rolloutOptions,
    ...lockOptions,
    ...targetOptions,
  },
  async run({ values }) {
    const stacks = listStageFiles();
    const fromExample = values.from ?? stacks[0] ?? "dev";
    const example = `--from ${fromExample} --to ${values.to ?? stacks.find((stack) => stack !== fromExample) ?? "prod"}`;
    if (values.from !== undefined && values.from === values.to) {
      const others = stacks.filter((stack) => stack !== values.from);
      throw new CliError(
        `--from and --to are both '${values.from}': a promotion moves the release one stack runs into another. ` +
          `Fix: ${fleetCommand("promote", { local: values.local === true }, `--from ${values.from}`, `--to ${others.length === 1 ? others[0] : `<${others.join("|") || "another stack"}>`}`)}`,
        2,
      );
    }
    const source = stageOf(values.from, "--from", example);
    const destination = stageOf(values.to, "--to", example);
    const store = storeOf(values.store);
    const waitMs = durationArg(values.wait, "--wait");
    const { bakeMs, watchAlarms } = rolloutArgs(values);
    const from = targetOf(source, values.local, store);
    const to = targetOf(destination, values.local, store);
    const interrupt = interruptSignal();
    let lock: HeldStackLock | undefined;
    try {
      // A dry run changes nothing, so it takes no lock; it still says what is unfinished or under way.
      const session = values["dry-run"]
        ? { ...(await asCli(() => readRolloutState(store, [destination.stack], values.local))), lock: undefined }
        : await asCli(() => lockForRollout(store, destination.stack, { waitMs, local: values.local, signal: interrupt.signal }));
      lock = session.lock;
      progress(`checking ${source.stack}: one digest everywhere, smoke, artifact, API…`);
      const plan = await asCli(() => planPromotion({ source: from, destination: to, store, allowBreaking: values["allow-breaking"] === true, unfinished: session.interrupted, plan: { bakeMs } }));
      const current = [...plan.current.flatMap((r) => (r.release ? [r.release] : [])), ...plan.unfinished.flatMap((r) => (r.from ? [r.from] : []))];
      if (!session.lock) {
        // Real accounts: let Pulumi show the resource changes too (streamed on stderr).
        if (to.preview) {
          await asCli(() => stageForTarget(to, store, [plan.digest, ...current]));
          await asCli(() => to.preview!(Object.fromEntries(plan.current.map((r) => [r.key, plan.digest])), progress, interrupt.signal));
        }
        out(values.json ? `${JSON.stringify({ dryRun: true, plan })}\n` : formatPlan(plan));
        return 0;
      }
      if (!values.json) progress(formatPlan(plan).trimEnd());
      await confirm(`promote ${plan.digest} to ${destination.stack}?`, values.yes, interrupt.signal);
      const desired = Object.fromEntries(plan.current.map((r) => [r.key, plan.digest]));
      // The current releases too: a failed wave is put back on them.
      await asCli(() => stageForTarget(to, store, [plan.digest, ...current]));
      const held = session.lock;
      const report = await asCli(async () =>
        rollout({ target: to, action: "promote", desired, store, who: await actor(), progress, signal: AbortSignal.any([interrupt.signal, held.lost]), id: held.id, unfinished: plan.unfinished, bakeMs, watchAlarms }),
      );
      return finishRollout(report, values.json, interrupt);
    } finally {
      await lock?.release();
      interrupt.dispose();
      await Promise.all([from.close(), to.close()]);
    }
  },
});
