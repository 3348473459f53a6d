import { actor } from "../../artifacts/git";
import { asCli, digestArg, durationArg, finishRollout, lockOptions, progress, rolloutArgs, rolloutOptions, stageForTarget, stageOf, storeOf, targetOf, targetOptions } from "../release-support";
import { formatDeployPlan } from "../format";
import { out } from "../output";
import { planRollout, summarizePlan } from "../../rollout/waves";
import { createRelease } from "../../artifacts/create-release";
import { rollout } from "../../rollout/rollout";
import { CliError, defineCommand } from "../command";
import { interruptSignal } from "../interrupt";
import { lockForRollout, readRolloutState } from "../rollout-session";
import type { HeldStackLock } from "../../rollout/stack-lock";
import { fleetCommand } from "../../core/fleet-command";

export default defineCommand({
  summary: "Deploy a release to every region of a stack (the local 'pulumi up' with --local)",
  synopsis: "--stack <stack> [--release sha256:<hex>] [--local] [--dry-run] [--bake <duration>] [--no-alarms] [--wait <duration>] [--json]",
  description: `Puts every account x region of the stack on one release, in the stage's waves (fleet:rollout; by default the
first region alone, then the rest): within a wave each region goes through the canary steps, then takes all
traffic and is smoked; after each step and each wave a bake repeats the probes and watches the region's alarms.
A failing smoke, a failing probe or an alarm stops the deploy and puts changed regions back. --dry-run prints the
plan (waves, canary steps, bakes, the time they take). Without --release the working tree is built and stored
first (refused for stages with requireRelease: true).

One rollout per stack: the stack's lock in the release store is held for the whole deploy; another rollout of
the stack refuses, naming the holder (or waits, with --wait). Ctrl-C, SIGTERM, SIGHUP or a closed output finish
or revert the region in flight, put changed regions back and report. Regions an interrupted rollout left
unfinished are redone.`,
  options: {
    stack: { type: "string", description: "the stack (Pulumi.<stack>.yaml)" },
    release: { type: "string", value: "sha256:hex", description: "a stored release (see 'fleet releases'): its whole digest or its first 12+ hex digits" },
    "dry-run": { type: "boolean", description: "print the plan (and, for real accounts, run pulumi preview) and change nothing" },
    ...rolloutOptions,
    ...lockOptions,
    ...targetOptions,
  },
  async run({ values }) {
    const stage = stageOf(values.stack);
    const store = storeOf(values.store);
    const waitMs = durationArg(values.wait, "--wait");
    const { bakeMs, watchAlarms } = rolloutArgs(values);
    let digest = await digestArg(values.release, "--release", store);
    if (!digest) {
      if (stage.config.requireRelease) throw new CliError(
          `stack ${stage.stack} has requireRelease: true: pass --release sha256:<hex> (see 'fleet releases'), or promote a tested release: '${fleetCommand("promote", { local: values.local === true }, "--from <tested stack>", `--to ${stage.stack}`)}'`,
          2,
        );
      progress("no --release: building and storing the working tree…");
      digest = (await asCli(() => createRelease({ store }))).digest;
      progress(`release ${digest}`);
    }
    const release = digest;
    await asCli(() => store.get(release));
    const target = targetOf(stage, values.local, store);
    const interrupt = interruptSignal();
    let lock: HeldStackLock | undefined;
    try {
      if (values["dry-run"]) {
        // A dry run changes nothing, so it takes no lock; it still says what is unfinished or under way.
        const state = await asCli(() => readRolloutState(store, [stage.stack], values.local));
        const live = await asCli(() => target.live());
        const plan = summarizePlan(planRollout(stage.config.rollout, live, (r) => r.release !== release || state.interrupted.some((u) => u.key === r.key), { bakeMs, splits: (r) => r.release !== undefined }));
        if (target.preview) {
          await asCli(() => stageForTarget(target, store, [release]));
          await asCli(() => target.preview!(Object.fromEntries(live.map((r) => [r.key, release])), progress, interrupt.signal));
        }
        out(values.json ? `${JSON.stringify({ dryRun: true, stack: stage.stack, digest: release, current: live, rollout: plan })}\n` : formatDeployPlan(stage.stack, release, live, plan));
        return 0;
      }
      const session = await asCli(() => lockForRollout(store, stage.stack, { waitMs, local: values.local, signal: interrupt.signal }));
      lock = session.lock;
      const live = await asCli(() => target.live());
      // The current releases too: a failed wave is put back on them (and regions in doubt on their recorded one).
      const current = [...live.flatMap((r) => (r.release ? [r.release] : [])), ...session.interrupted.flatMap((r) => (r.from ? [r.from] : []))];
      await asCli(() => stageForTarget(target, store, [release, ...current]));
      const report = await asCli(async () =>
        rollout({
          target,
          action: "deploy",
          desired: Object.fromEntries(live.map((r) => [r.key, release])),
          store,
          who: await actor(),
          progress,
          signal: AbortSignal.any([interrupt.signal, session.lock.lost]),
          id: session.lock.id,
          unfinished: session.interrupted,
          bakeMs,
          watchAlarms,
        }),
      );
      return finishRollout(report, values.json, interrupt);
    } finally {
      await lock?.release();
      interrupt.dispose();
      await target.close();
    }
  },
});
