import { actor } from "../../artifacts/git";
import { asCli, digestArg, durationArg, finishRollout, lockOptions, progress, stageForTarget, stageOf, storeOf, targetOf, targetOptions } from "../release-support";
import { createRelease } from "../../artifacts/create-release";
import { rollout } from "../../rollout/rollout";
import { CliError, defineCommand } from "../command";
import { interruptSignal } from "../interrupt";
import { lockForRollout } from "../rollout-session";
import type { HeldStackLock } from "../../rollout/stack-lock";
import { fleetCommand } from "../../core/fleet-command";

export default defineCommand({
  summary: "Deploy a release to every region of a stack (the local 'pulumi up' with --local)",
  synopsis: "--stack <stack> [--release sha256:<hex>] [--local] [--wait <duration>] [--json]",
  description: `Puts every account x region of the stack on one release, in waves (the first region alone, smoke it, then the
rest); a region failing smoke stops the deploy and puts changed regions back. Without --release the working tree
is built and stored first (refused for stages with requireRelease: true).

One rollout per stack: the stack's lock in the release store is held for the whole deploy; another rollout of
the stack refuses, naming the holder (or waits, with --wait). Ctrl-C, SIGTERM, SIGHUP or a closed output finish
or revert the region in flight, put changed regions back and report. Regions an interrupted rollout left
unfinished are redone.`,
  options: {
    stack: { type: "string", description: "the stack (Pulumi.<stack>.yaml)" },
    release: { type: "string", value: "sha256:hex", description: "a stored release (see 'fleet releases'): its whole digest or its first 12+ hex digits" },
    ...lockOptions,
    ...targetOptions,
  },
  async run({ values }) {
    const stage = stageOf(values.stack);
    const store = storeOf(values.store);
    const waitMs = durationArg(values.wait, "--wait");
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
