import { listStageFiles } from "../../core/stage-file";
import { asCli, positiveInt, stageOf, storeOf, targetOf, targetOptions } from "../release-support";
import { formatLedger, formatLive } from "../format";
import type { LiveRegion } from "../../targets/target";
import { defineCommand } from "../command";

export default defineCommand({
  summary: "Which release is live in every region, and the recent deploys, promotions and rollbacks",
  description: "Prints which release each account x region of each stack serves, then the latest records of the ledger.",
  options: {
    stack: { type: "string", description: "one stack (default: every Pulumi.<stack>.yaml in the repository)" },
    limit: { type: "string", value: "n", description: "ledger records to show (default 10)" },
    ...targetOptions,
  },
  async run({ values }) {
    const limit = positiveInt(values.limit, "--limit", 10);
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
    const history = (await asCli(() => store.ledger())).filter((r) => names.includes(r.stack)).slice(-limit);
    if (values.json) process.stdout.write(`${JSON.stringify({ stacks, history })}\n`);
    else process.stdout.write(`${stacks.map((s) => formatLive(s.stack, s.regions)).join("\n")}\nrecent history\n${formatLedger(history)}`);
  },
});
