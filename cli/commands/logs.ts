import { defaultLocalDir } from "../../local-cloud/local-state";
import { cloudLogSources, localLogSources, readRegionLogs, type RegionLogEvent } from "../../targets/region-logs";
import { CliError, defineCommand } from "../command";
import { err, out } from "../output";
import { durationArg, progress, regionsOptions, selectRegions, stageOf } from "../release-support";

// The emulator's own one-line form of a function log line (plain JavaScript, shared with its worker).
const { readableLine } = require("../../emulator/worker/readable-line.js") as {
  readableLine: (line: string, label: string, prefix: string, at?: number) => string;
};

export default defineCommand({
  summary: "Print the function logs of every region of a stack, merged by time; --follow keeps printing",
  synopsis: "--stack <stack> [--local] [--region <r>]... [--since 10m] [--follow] [--json]",
  description: `Prints what the stack's function wrote in each account x region, merged by time, one line each, prefixed by
the time and account/region: a request's line of fleet's access log as time, region, method, path, status and
ms, another JSON line as its level and message, anything else as written.

In the cloud it reads each region's log group /fleet/<stack>/function in CloudWatch Logs through the account's
deploy role. With --local it reads the local cloud's logs (.fleet/local/logs/<stack>/), which every process
serving the stack writes: fleet start, fleet start --deployed, and a --local command serving it itself.

--follow keeps printing new lines until Ctrl-C. A region that cannot be read is named on stderr with why; the
others are printed; exits 1 when a region could not be read, 2 on a usage error.

--json prints one JSON object per line (so --follow streams it): { key, account, region, timestamp, message },
timestamp in ms since the epoch and message as the function wrote it.`,
  options: {
    ...regionsOptions,
    since: { type: "string", value: "when", default: "10m", description: "from this long ago (e.g. 30s, 10m, 2h) or this time (e.g. 2026-12-01T21:00:00Z)" },
    follow: { type: "boolean", short: "f", description: "keep printing new lines until Ctrl-C" },
    local: { type: "boolean", description: "the local cloud (.fleet/local/) instead of real accounts" },
    json: { type: "boolean", description: "one JSON object per line on stdout: { key, account, region, timestamp, message }" },
  },
  examples: `  fleet logs --local --stack dev --follow
  fleet logs --stack prod --region eu-west-1 --since 1h
  fleet logs --stack prod --json | jq -r 'select(.message | contains("ERROR")) | .key'`,
  async run({ values }) {
    const stage = stageOf(values.stack);
    const refs = selectRegions(stage, values.region, "to read them all");
    const since = sinceArg(values.since);
    const sources = values.local ? localLogSources(stage, refs, defaultLocalDir()) : cloudLogSources(stage, refs, since);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    progress(`${stage.stack}: ${values.follow ? "following" : "reading"} the function logs of ${refs.length} region${refs.length === 1 ? "" : "s"}${values.local ? " (local cloud)" : ""} since ${new Date(since).toISOString()}`);
    try {
      const failed = await readRegionLogs(sources, {
        since,
        follow: values.follow ?? false,
        signal: stop.signal,
        onLines: (lines) => out(lines.map((line) => (values.json ? jsonLine(line) : humanLine(line))).join("")),
        onError: (ref, error) => err(`fleet: ${stage.stack} ${ref.key}: could not read its logs: ${error.message}\n`),
      });
      return failed.length > 0 ? 1 : 0;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
  },
});

function humanLine(line: RegionLogEvent): string {
  const time = new Date(line.timestamp).toISOString().slice(11, 23);
  return `${readableLine(line.message, line.key, `${time} ${line.key} `, line.timestamp)}\n`;
}

function jsonLine({ key, account, region, timestamp, message }: RegionLogEvent): string {
  return `${JSON.stringify({ key, account, region, timestamp, message })}\n`;
}

/** `--since`: a duration back from now, or a time; a usage error naming both forms. */
function sinceArg(value: string): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const at = Date.parse(value);
    if (Number.isNaN(at)) throw new CliError(`--since '${value}' is not a time. Fix: an ISO 8601 time such as 2026-12-01T21:00:00Z, or a duration such as 10m`, 2);
    return at;
  }
  return Date.now() - durationArg(value, "--since")!;
}
