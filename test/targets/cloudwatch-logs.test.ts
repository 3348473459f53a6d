import assert from "node:assert/strict";
import { FilterLogEventsCommand, ResourceNotFoundException, type FilterLogEventsCommandInput, type FilteredLogEvent } from "@aws-sdk/client-cloudwatch-logs";
import { ingestionLagMs, LogGroupReader, type CloudWatchLogsLike } from "../../targets/cloudwatch-logs";
import type { DeployRoleTarget } from "../../targets/deploy-role";
import { cloudLogSources, readRegionLogs, type RegionLogEvent } from "../../targets/region-logs";
import { testStage } from "../helpers/stages";

/**
 * `fleet logs` in the cloud against a mocked CloudWatch Logs client: the adapter sends the real
 * @aws-sdk/client-cloudwatch-logs FilterLogEventsCommand (checked by class and input), the mock answers as the
 * service does (pages, events seen again when asked from an earlier time), and the merging and following run for real.
 */

/** A log group as CloudWatch Logs answers FilterLogEvents: events from startTime on, two per page. */
class MockLogs implements CloudWatchLogsLike {
  readonly sent: FilterLogEventsCommandInput[] = [];
  events: FilteredLogEvent[] = [];
  missing = false;
  async send(command: object): Promise<unknown> {
    assert.ok(command instanceof FilterLogEventsCommand, `unexpected ${command.constructor.name}`);
    const input = command.input;
    this.sent.push(input);
    if (this.missing) throw new ResourceNotFoundException({ message: "The specified log group does not exist.", $metadata: {} });
    const matching = this.events.filter((e) => e.timestamp! >= (input.startTime ?? 0));
    const from = input.nextToken ? Number(input.nextToken) : 0;
    return { events: matching.slice(from, from + 2), ...(from + 2 < matching.length ? { nextToken: String(from + 2) } : {}) };
  }
}

const event = (id: string, timestamp: number, message: string): FilteredLogEvent => ({ eventId: id, timestamp, message: `${message}\n`, logStreamName: "s" });

describe("fleet logs in the cloud: CloudWatch Logs adapter", () => {
  it("reads the log group from the start time through every page, oldest first, without the trailing newline", async () => {
    const logs = new MockLogs();
    logs.events = [event("c", 3000, "third"), event("a", 1000, "first"), event("b", 2000, "second"), event("old", 10, "before")];
    const reader = new LogGroupReader(logs, "/fleet/prod/function", 500);
    assert.deepEqual(await reader.read(), [
      { timestamp: 1000, message: "first" },
      { timestamp: 2000, message: "second" },
      { timestamp: 3000, message: "third" },
    ]);
    assert.deepEqual(logs.sent, [
      { logGroupName: "/fleet/prod/function", startTime: 500 },
      { logGroupName: "/fleet/prod/function", startTime: 500, nextToken: "2" },
    ]);
  });

  it("following: asks again from before the newest event (late ingestion) and returns each event once", async () => {
    const logs = new MockLogs();
    const start = 1_000_000;
    logs.events = [event("a", start + 100, "first")];
    const reader = new LogGroupReader(logs, "/fleet/prod/function", start);
    assert.deepEqual((await reader.read()).map((e) => e.message), ["first"]);
    // An event of another stream, ingested late with an earlier time, and a new one.
    logs.events.push(event("late", start + 50, "late"), event("b", start + 200, "second"));
    assert.deepEqual((await reader.read()).map((e) => e.message), ["late", "second"]);
    assert.equal(logs.sent.at(-1)!.startTime, start + 100 - ingestionLagMs);
    assert.deepEqual(await reader.read(), []);
  });

  it("says a missing log group means nothing is deployed there", async () => {
    const logs = new MockLogs();
    logs.missing = true;
    await assert.rejects(new LogGroupReader(logs, "/fleet/prod/function", 0).read(), /log group \/fleet\/prod\/function does not exist \(is the stack deployed in this region\?\)/);
  });

  it("reads each region through its account's deploy role, merges them by time, and names a region it cannot read", async () => {
    const stage = testStage("prod", [
      ["222222222222", ["us-east-1", "us-west-2"]],
      ["333333333333", ["eu-west-1"]],
    ]);
    const opened: DeployRoleTarget[] = [];
    const clients = new Map<string, MockLogs>();
    const sources = cloudLogSources(stage, stage.regions, 0, (target) => {
      opened.push(target);
      const client = new MockLogs();
      clients.set(target.region, client);
      return client;
    });
    assert.deepEqual(opened, [
      { stack: "prod", account: "222222222222", roleArn: "arn:aws:iam::222222222222:role/fleet-deploy", region: "us-east-1" },
      { stack: "prod", account: "222222222222", roleArn: "arn:aws:iam::222222222222:role/fleet-deploy", region: "us-west-2" },
      { stack: "prod", account: "333333333333", roleArn: "arn:aws:iam::333333333333:role/fleet-deploy", region: "eu-west-1" },
    ]);
    clients.get("us-east-1")!.events = [event("1", 10, "east 10"), event("2", 30, "east 30")];
    clients.get("us-west-2")!.missing = true;
    clients.get("eu-west-1")!.events = [event("3", 20, "eu 20")];
    const printed: RegionLogEvent[] = [];
    const errors: string[] = [];
    const failed = await readRegionLogs(sources, { since: 0, onLines: (lines) => printed.push(...lines), onError: (ref, error) => errors.push(`${ref.key}: ${error.message}`) });
    assert.deepEqual(printed.map((l) => `${l.key} ${l.message}`), ["222222222222/us-east-1 east 10", "333333333333/eu-west-1 eu 20", "222222222222/us-east-1 east 30"]);
    assert.deepEqual(failed, ["222222222222/us-west-2"]);
    assert.deepEqual(errors, ["222222222222/us-west-2: log group /fleet/prod/function does not exist (is the stack deployed in this region?)"]);
    for (const client of clients.values()) assert.equal(client.sent[0]!.logGroupName, "/fleet/prod/function");
  });

  it("follows until aborted, printing only new lines, and each region's error once", async () => {
    const stage = testStage("dev", [["111111111111", ["us-east-1"]]]);
    const client = new MockLogs();
    client.events = [event("1", 10, "one")];
    const sources = cloudLogSources(stage, stage.regions, 0, () => client);
    const stop = new AbortController();
    const batches: string[][] = [];
    const reads = { n: 0 };
    const original = sources[0]!.read;
    sources[0]!.read = async () => {
      reads.n++;
      if (reads.n === 2) client.events.push(event("2", 20, "two"));
      if (reads.n === 4) stop.abort();
      return original();
    };
    await readRegionLogs(sources, { since: 0, follow: true, intervalMs: 1, signal: stop.signal, onLines: (lines) => batches.push(lines.map((l) => l.message)), onError: assert.fail });
    assert.deepEqual(batches, [["one"], ["two"]]);
    assert.equal(reads.n, 4);
  });
});
