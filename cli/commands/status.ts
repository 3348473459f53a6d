import type { OutcomeRecord } from "../../artifacts/ledger";
import { listStageFiles } from "../../core/stage-file";
import { asCli, positiveInt, stageOf, storeOf, targetOf, targetOptions } from "../release-support";
import { formatLedger, formatLive, formatUnfinished } from "../format";
import type { LiveRegion } from "../../targets/target";
import { defineCommand } from "../command";
import { out } from "../output";
import { readRolloutState } from "../rollout-session";
import { lastRollouts } from "../history";

export default defineCommand({
  summary: "Which release is live in every region, and the recent deploys, promotions and rollbacks",
  description: `Prints which release each account x region of each stack serves, the stacks' locks (a rollout under way, or
one whose holder is gone), the regions an interrupted rollout left unfinished (each on one of two digests), then
the latest rollouts of the ledger, each whole (every region it planned; --limit counts rollouts). --json prints { stacks, interrupted: [{ rollout, stack, key, account, region,
from, to, since }], locks, history }.`,
  options: {
    stack: { type: "string", description: "one stack (default: every Pulumi.<stack>.yaml in the repository)" },
    limit: { type: "string", value: "n", description: "rollouts to show, each with all its regions (default 5)" },
    ...targetOptions,
  },
  async run({ values }) {
    const limit = positiveInt(values.limit, "--limit", 5);
    const names = values.stack ? [values.stack] : listStageFiles();
    const store = storeOf(values.store);
    const stacks: { stack: string; regions: LiveRegion[] }[] = [];
    for (const name of names) {
      const target = targetOf(stageOf(name), values.local, store, { serve: false });
      try {
        stacks.push({ stack: name, regions: await asCli(() => target.live()) });
      } finally {
        await target.close();
      }
    }
    const { records, locks, interrupted } = await asCli(() => readRolloutState(store, names, values.local));
    const history = lastRollouts(records.filter((r): r is OutcomeRecord => r.step === "outcome" && names.includes(r.stack)), limit);
    if (values.json) {
      const lockRows = locks.map((l) => ({ stack: l.stack, ...(l.record ?? {}), stale: l.stale ?? null }));
      out(`${JSON.stringify({ stacks, interrupted, locks: lockRows, history })}\n`);
    } else out(`${stacks.map((s) => formatLive(s.stack, s.regions)).join("\n")}\n${formatUnfinished(locks, interrupted)}recent history\n${formatLedger(history)}`);
  },
});
