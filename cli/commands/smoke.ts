import { asCli, positiveInt, progress, stageOf, storeOf, targetOf, targetOptions, targetUsage } from "../release-support";
import { formatSmoke } from "../format";
import { smokeRegion, type SmokeResult } from "../../rollout/smoke";
import type { LiveRegion } from "../../targets/target";
import { defineCommand } from "../command";

export default defineCommand({
  summary: "Call every regional endpoint of a stack: /health, /openapi.json and one contract call",
  usage: `Usage: fleet smoke --stack <stack> [--local] [--json]

For each account x region of the stack: GET /health (200, its own region, the release the stack says it
serves), GET /openapi.json (an OpenAPI 3.1 document) and GET /v1/greetings/fleet. Prints a table (status, latency,
digest); exits 1 when any region fails.

Options:
  --stack <stack>  the stack (Pulumi.<stack>.yaml)
${targetUsage}
  --timeout <ms>   per request (default 10000)
  -h, --help`,
  options: { stack: { type: "string" }, timeout: { type: "string" }, ...targetOptions },
  async run({ values }) {
    const stage = stageOf(values.stack);
    const timeoutMs = positiveInt(values.timeout, "--timeout", 10_000);
    const target = targetOf(stage, values.local, storeOf(values.store));
    try {
      const live = await asCli(() => target.live());
      // A region the stack records no release for has nothing to match: it fails rather than passing unchecked.
      const results = await Promise.all(
        live.map((r) => (r.release ? smokeRegion(r, { expect: r.release, timeoutMs }) : unrecorded(r))),
      );
      for (const r of results) progress(`${stage.stack} ${r.key}: ${r.ok ? "ok" : `FAILED: ${r.failures.join("; ")}`}`);
      process.stdout.write(values.json ? `${JSON.stringify({ stack: stage.stack, ok: results.every((r) => r.ok), regions: results })}\n` : formatSmoke(stage.stack, results));
      return results.every((r) => r.ok) ? 0 : 1;
    } finally {
      await target.close();
    }
  },
});

function unrecorded(region: LiveRegion): SmokeResult {
  return { key: region.key, account: region.account, region: region.region, url: region.url, ok: false, status: null, latencyMs: 0, release: null, failures: ["no release deployed here: run 'fleet deploy' first"] };
}
