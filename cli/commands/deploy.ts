import { actor } from "../../artifacts/git";
import { asCli, digestArg, finishRollout, interruptSignal, progress, stageForTarget, stageOf, storeOf, targetOf, targetOptions } from "../release-support";
import { createRelease } from "../../artifacts/create-release";
import { rollout } from "../../rollout/rollout";
import { CliError, defineCommand } from "../command";

export default defineCommand({
  summary: "Deploy a release to every region of a stack (the local 'pulumi up' with --local)",
  synopsis: "--stack <stack> [--release sha256:<hex>] [--local] [--json]",
  description: `Puts every account x region of the stack on one release, in waves (the first region alone, smoke it, then the
rest); a region failing smoke stops the deploy and puts changed regions back. Without --release the working tree
is built and stored first (refused for stages with requireRelease: true).`,
  options: {
    stack: { type: "string", description: "the stack (Pulumi.<stack>.yaml)" },
    release: { type: "string", value: "sha256:hex", description: "a stored release (see 'fleet releases')" },
    ...targetOptions,
  },
  async run({ values }) {
    const stage = stageOf(values.stack);
    const store = storeOf(values.store);
    let digest = digestArg(values.release, "--release");
    if (!digest) {
      if (stage.config.requireRelease) throw new CliError(`stack ${stage.stack} has requireRelease: true: pass --release sha256:<hex> (promote a tested release with 'fleet promote')`, 2);
      progress("no --release: building and storing the working tree…");
      digest = (await asCli(() => createRelease({ store }))).digest;
      progress(`release ${digest}`);
    }
    const release = digest;
    await asCli(() => store.get(release));
    const target = targetOf(stage, values.local, store);
    const interrupt = interruptSignal();
    try {
      const live = await asCli(() => target.live());
      // The current releases too: a failed wave is put back on them.
      await asCli(() => stageForTarget(target, store, [release, ...live.flatMap((r) => (r.release ? [r.release] : []))]));
      const report = await asCli(async () =>
        rollout({ target, action: "deploy", desired: Object.fromEntries(live.map((r) => [r.key, release])), store, who: await actor(), progress, signal: interrupt.signal }),
      );
      return finishRollout(report, values.json);
    } finally {
      interrupt.dispose();
      await target.close();
    }
  },
});
