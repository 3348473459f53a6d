import { asCli, positiveInt, progress, stageOf, storeOf, targetOf, targetOptions } from "../release-support";
import { formatSmoke } from "../format";
import { storedProbes } from "../../rollout/probes";
import { smokeRegion, type SmokeResult } from "../../rollout/smoke";
import type { LiveRegion } from "../../targets/target";
import { defineCommand } from "../command";
import { out } from "../output";
import { readRolloutState } from "../rollout-session";
import { fleetCommand } from "../../core/fleet-command";

export default defineCommand({
  summary: "Check every regional endpoint of a stack with the app's own probes (fleet.config.ts)",
  synopsis: "--stack <stack> [--local] [--timeout <ms>] [--json]",
  description: `For each account x region of the stack, with the probes of the release it serves (recorded from fleet.config.ts
when the release was built): GET of the health path must answer 2xx from that region (x-fleet-region) on that
release (x-fleet-release); the OpenAPI path, when the app has one, must serve an OpenAPI 3 document; each smoke
call must answer its status. Prints a table (status, latency, digest); exits 1 when any region fails.`,
  options: {
    stack: { type: "string", description: "the stack (Pulumi.<stack>.yaml)" },
    ...targetOptions,
    timeout: { type: "string", value: "ms", description: "per request (default 10000)" },
  },
  async run({ values }) {
    const stage = stageOf(values.stack);
    const context = { local: values.local === true, stack: stage.stack };
    const timeoutMs = positiveInt(values.timeout, "--timeout", 10_000);
    const store = storeOf(values.store);
    const target = targetOf(stage, values.local, store);
    try {
      // A region an unfinished rollout left may be on either digest: say so, whatever smoke finds.
      await asCli(() => readRolloutState(store, [stage.stack], values.local));
      const live = await asCli(() => target.live());
      // A region the stack records no release for has nothing to match: it fails rather than passing unchecked.
      const probesOf = storedProbes(store);
      const results = await Promise.all(
        live.map(async (r) => {
          if (!r.release) return unrecorded(r, `no release deployed here: run '${fleetCommand("deploy", context)}' first`);
          const probes = await probesOf(r.release).catch((error: Error) => error);
          if (probes instanceof Error) return unrecorded(r, `cannot read the probes of ${r.release}: ${probes.message}`);
          return smokeRegion(r, { expect: r.release, probes, timeoutMs });
        }),
      );
      for (const r of results) progress(`${stage.stack} ${r.key}: ${r.ok ? "ok" : `FAILED: ${r.failures.join("; ")}`}`);
      out(values.json ? `${JSON.stringify({ stack: stage.stack, ok: results.every((r) => r.ok), regions: results })}\n` : formatSmoke(stage.stack, results));
      return results.every((r) => r.ok) ? 0 : 1;
    } finally {
      await target.close();
    }
  },
});

function unrecorded(region: LiveRegion, why: string): SmokeResult {
  return { key: region.key, account: region.account, region: region.region, url: region.url, ok: false, status: null, latencyMs: 0, release: null, probes: [], failures: [why] };
}
