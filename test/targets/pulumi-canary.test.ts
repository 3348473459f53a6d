import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import type { OutputMap, PreviewOptions, UpOptions } from "@pulumi/pulumi/automation";
import type { LedgerRecord } from "../../artifacts/ledger";
import type { ReleaseStore } from "../../artifacts/store/store";
import type { Digest } from "../../core/digest";
import { rollout, type RolloutOptions } from "../../rollout/rollout";
import { loadStage } from "../../core/stage";
import { readStageFileValues } from "../../core/stage-file";
import { planStack, type Plan } from "../../stacks/plan/engine";
import type { CloudWatchLike } from "../../targets/cloudwatch-alarms";
import type { DeployRoleTarget } from "../../targets/deploy-role";
import { PulumiTarget, regionTargets, type PulumiStackLike } from "../../targets/pulumi-target";
import { outputMap, previewResult, upResult } from "../helpers/automation-results";
import { testStage } from "../helpers/stages";
import { testProbes } from "../helpers/test-bundle";
import { writeFixtureRelease } from "../stacks/fixture-release";

/**
 * The Pulumi target's canary mapping: which config each step sets and which regions each `pulumi up` targets.
 * The stack is a fake typed as the Automation API's `Stack`, starting from the real program's outputs (a mocked
 * run of prod); after each `up` it models the outputs from the config, and the real program run on the same
 * config checks that model (and that every config the target writes is one the program accepts).
 */

const prod = loadStage("prod");
const east = "222222222222/us-east-1";
const a = `sha256:${"a".repeat(64)}` as Digest;
const b = `sha256:${"b".repeat(64)}` as Digest;

/** `fleet:traffic["k"].f` → `{ traffic: { k: { f } } }`: the `fleet:` values a config with --path entries holds. */
function fleetValues(config: Record<string, string>): Record<string, unknown> {
  const values: Record<string, any> = { ...readStageFileValues("prod").values };
  delete values.release;
  for (const [key, value] of Object.entries(config)) {
    const path = /^fleet:(\w+)(?:\[("[^"]+")\](?:\.(\w+))?)?$/.exec(key);
    assert.ok(path, `unexpected config key ${key}`);
    const [, name, entry, field] = path;
    if (!entry) values[name!] = value;
    else if (!field) values[name!] = { ...values[name!], [JSON.parse(entry)]: value };
    else values[name!] = { ...values[name!], [JSON.parse(entry)]: { ...values[name!]?.[JSON.parse(entry)], [field]: value } };
  }
  return values;
}

/** What the program's outputs become for a config (the mocks publish version "1" of every function). */
function modelOutputs(base: Record<string, unknown>, values: Record<string, any>): OutputMap {
  const releases: Record<string, string> = {};
  const versions: Record<string, unknown> = {};
  for (const ref of prod.regions) {
    const code = values.releases?.[ref.key] ?? values.release;
    const traffic = values.traffic?.[ref.key];
    releases[ref.key] = code;
    versions[ref.key] = traffic
      ? { version: traffic.stableVersion, release: traffic.stableRelease, canary: { version: "1", release: code, weight: Number(traffic.canaryWeight) } }
      : { version: "1", release: code };
  }
  return outputMap({ ...base, ...(new Set(Object.values(releases)).has(values.release) ? { release: values.release } : {}), releases, versions });
}

/** A stack typed as the Automation API's: config set and removed as `pulumi config` does, every `up` recorded. */
class ProgramStack implements PulumiStackLike {
  config: Record<string, string> = { "fleet:release": a };
  ups: { target: string[] | undefined; config: Record<string, string> }[] = [];
  current: OutputMap;

  constructor(private readonly base: Record<string, unknown>) {
    this.current = modelOutputs(base, fleetValues(this.config));
  }
  async outputs() {
    return this.current;
  }
  async getConfig(key: string) {
    if (this.config[key] === undefined) throw new Error(`configuration key '${key}' not found`);
    return { value: this.config[key] };
  }
  async setAllConfig(config: Record<string, { value: string }>) {
    for (const [key, { value }] of Object.entries(config)) this.config[key] = value;
  }
  async removeConfig(key: string) {
    for (const k of Object.keys(this.config)) if (k === key || k.startsWith(`${key}[`)) delete this.config[k];
  }
  async up(options?: UpOptions) {
    this.ups.push({ target: options?.target, config: { ...this.config } });
    this.current = modelOutputs(this.base, fleetValues(this.config));
    return upResult(this.current);
  }
  async preview(_options?: PreviewOptions) {
    return previewResult();
  }
}

/** Pulumi's `--target` glob (pkg/resource/deploy/target.go, getMatcher): `**` any characters, `*` none of `:`. */
function matches(glob: string, urn: string): boolean {
  const pattern = glob
    .split("**")
    .map((part) => part.split("*").map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^:]*"))
    .join(".*");
  return new RegExp(`^${pattern}$`).test(urn);
}

describe("PulumiTarget canary steps (config per step, targeted pulumi up) against the real program's outputs", function () {
  this.timeout(240_000);
  let fixture: { dir: string; zipPath: string };
  let initial: Plan;

  before(async () => {
    fixture = await writeFixtureRelease();
    initial = await planStack({ stack: "prod", releaseMode: { kind: "fixture", zipPath: fixture.zipPath }, config: { values: fleetValues({ "fleet:release": a }) } });
  });
  after(async () => {
    if (fixture) await rm(fixture.dir, { recursive: true, force: true });
  });

  it("targets exactly one region's resources: every resource under its RegionalApi, none of another region", () => {
    const byUrn = new Map(initial.resources.map((r) => [r.urn, r]));
    const regionOf = (urn: string): string | undefined => {
      const resource = byUrn.get(urn);
      if (!resource) return undefined;
      if (resource.type === "fleet:aws:RegionalApi") return `${resource.account}/${resource.region}`;
      return resource.parent ? regionOf(resource.parent) : undefined;
    };
    const unowned = initial.resources.filter((r) => !r.type.startsWith("pulumi:providers:") && regionOf(r.urn) === undefined).map((r) => r.urn);
    assert.deepEqual(unowned, [], "every resource but the providers belongs to one region (the stack resource is not registered by the program)");
    for (const ref of prod.regions) {
      const globs = regionTargets("prod", [ref.key]);
      // Providers are always part of a targeted update, whether a glob names them or not (the region's does).
      const targeted = initial.resources.filter((r) => !r.type.startsWith("pulumi:providers:") && globs.some((glob) => matches(glob, r.urn))).map((r) => r.urn);
      const owned = initial.resources.filter((r) => regionOf(r.urn) === ref.key).map((r) => r.urn);
      assert.deepEqual(targeted.sort(), owned.sort(), ref.key);
      assert.ok(owned.length > 20, `${ref.key} has its function, API, alarms and domain records`);
    }
  });

  it("sets fleet:traffic per step and runs one up targeted at the region; the way back first takes the weight to 0 (provisioned concurrency), then the release", async () => {
    const stack = new ProgramStack({ endpoints: initial.outputs.endpoints, alarmNames: initial.outputs.alarmNames, functionNames: initial.outputs.functionNames });
    const target = new PulumiTarget(prod, async () => stack);
    const lines: string[] = [];

    await target.shift({ [east]: { stable: a, canary: b, weight: 10 } }, (line) => lines.push(line));
    assert.deepEqual(stack.ups[0]!.target, regionTargets("prod", [east]));
    assert.deepEqual(stack.ups[0]!.config, {
      "fleet:release": a,
      [`fleet:releases["${east}"]`]: b,
      ...Object.fromEntries(prod.regions.filter((r) => r.key !== east).map((r) => [`fleet:releases["${r.key}"]`, a])),
      [`fleet:traffic["${east}"].stableVersion`]: "1",
      [`fleet:traffic["${east}"].stableRelease`]: a,
      [`fleet:traffic["${east}"].canaryWeight`]: "10",
    });
    assert.deepEqual((await target.live()).find((r) => r.key === east)?.canary, { release: b, weight: 10 });
    assert.equal((await target.live()).find((r) => r.key === east)?.release, a, "live still serves the stable release");
    assert.match(lines[0]!, /^prod: pulumi up \(222222222222\/us-east-1: 10% to sha256:bbbbbbbbbbbb\)$/);

    // Another region changing meanwhile leaves this one's step in place.
    await target.shift({ [east]: { stable: a, canary: b, weight: 50 } }, () => undefined);
    assert.equal(stack.ups[1]!.config[`fleet:traffic["${east}"].canaryWeight`], "50");

    await target.apply({ [east]: b }, () => undefined);
    assert.equal(stack.ups.length, 4, "weight 0, then the release alone");
    assert.deepEqual(stack.ups[2]!.target, regionTargets("prod", [east]));
    assert.equal(stack.ups[2]!.config[`fleet:traffic["${east}"].canaryWeight`], "0");
    // The codes of the first step (east on b, the others on a) with no step left.
    assert.deepEqual(stack.ups[3]!.config, Object.fromEntries(Object.entries(stack.ups[0]!.config).filter(([key]) => !key.startsWith("fleet:traffic"))));
    const after = (await target.live()).find((r) => r.key === east)!;
    assert.deepEqual([after.release, after.canary], [b, undefined]);

    // The real program, on the configs of the first step and of the end (test/stacks/program.test.ts runs it at
    // weight 0), gives the outputs the fake modelled and records live as expected.
    const checked = [stack.ups[0]!, stack.ups[3]!];
    const plans = await Promise.all(checked.map((up) => planStack({ stack: "prod", releaseMode: { kind: "fixture", zipPath: fixture.zipPath }, config: { values: fleetValues(up.config) } })));
    plans.forEach((plan, i) => {
      const modelled = modelOutputs({}, fleetValues(checked[i]!.config));
      assert.deepEqual(plan.outputs.versions, modelled.versions!.value, `versions after up ${i + 1}`);
      assert.deepEqual(plan.outputs.releases, modelled.releases!.value, `releases after up ${i + 1}`);
    });
    const alias = (plan: Plan) => plan.resources.find((r) => r.type === "aws:lambda/alias:Alias" && `${r.account}/${r.region}` === east)!;
    assert.deepEqual([alias(plans[0]!).inputs.functionVersion, alias(plans[0]!).inputs.routingConfig], ["1", { additionalVersionWeights: { "1": 0.1 } }]);
    assert.deepEqual([alias(plans[1]!).inputs.functionVersion, alias(plans[1]!).inputs.routingConfig], ["1", undefined]);
  });

  it("refuses a step from a release live does not serve, before any up", async () => {
    const stack = new ProgramStack({ endpoints: initial.outputs.endpoints });
    await assert.rejects(new PulumiTarget(prod, async () => stack).shift({ [east]: { stable: b, canary: a, weight: 10 } }, () => undefined), /a canary step keeps live on sha256:b+, but the stack outputs say live serves sha256:a+ \(version 1\)\. Fix: /);
    assert.equal(stack.ups.length, 0);
  });

  it("reads each region's alarms by the names the stack outputs, through its account's deploy role, in one DescribeAlarms", async () => {
    const stack = new ProgramStack({ endpoints: initial.outputs.endpoints, alarmNames: initial.outputs.alarmNames });
    const opened: DeployRoleTarget[] = [];
    const sent: DescribeAlarmsCommand[] = [];
    const cloudWatchFor = (where: DeployRoleTarget): CloudWatchLike => {
      opened.push(where);
      return {
        async send(command) {
          assert.ok(command instanceof DescribeAlarmsCommand);
          sent.push(command);
          if (where.region === "eu-west-1") throw new Error("User is not authorized to perform: cloudwatch:DescribeAlarms");
          return { MetricAlarms: command.input.AlarmNames!.map((name) => ({ AlarmName: name, StateValue: name.includes("5xx-rate") ? "ALARM" : "OK", StateReason: name.includes("5xx-rate") ? "Threshold Crossed: 2 datapoints [0.33, 0.3] were greater than the threshold (0.02)." : "" })) };
        },
      };
    };
    const target = new PulumiTarget(prod, async () => stack, undefined, cloudWatchFor);
    const alarms = await target.alarms([east, "333333333333/eu-west-1"]);
    const names = (initial.outputs.alarmNames as Record<string, Record<string, string>>)[east]!;
    assert.deepEqual(sent[0]!.input, { AlarmNames: Object.values(names), AlarmTypes: ["MetricAlarm"], MaxRecords: 100 });
    assert.deepEqual(opened.map((o) => [o.stack, o.account, o.roleArn, o.region]), [
      ["prod", "222222222222", "arn:aws:iam::222222222222:role/fleet-deploy", "us-east-1"],
      ["prod", "333333333333", "arn:aws:iam::333333333333:role/fleet-deploy", "eu-west-1"],
    ]);
    const eastAlarms = alarms[east]!;
    assert.ok(eastAlarms.readable);
    assert.deepEqual(eastAlarms.alarms.map((alarm) => [alarm.name, alarm.state]), [["5xx-rate", "ALARM"], ["function-errors", "OK"], ["throttles", "OK"], ["p99-latency", "OK"]]);
    assert.match(eastAlarms.alarms[0]!.reason, /Threshold Crossed/);
    const west = alarms["333333333333/eu-west-1"]!;
    assert.equal(west.readable, false);
    assert.match(!west.readable ? west.error : "", /not authorized to perform: cloudwatch:DescribeAlarms\. Fix: .*--no-alarms/);
  });

  it("says a region is unreadable when CloudWatch lacks one of its alarms, or the outputs name none", async () => {
    const stack = new ProgramStack({ endpoints: initial.outputs.endpoints, alarmNames: initial.outputs.alarmNames });
    const partial: CloudWatchLike = { send: async (command) => ({ MetricAlarms: [{ AlarmName: (command as DescribeAlarmsCommand).input.AlarmNames![0], StateValue: "OK" }] }) };
    const alarms = await new PulumiTarget(prod, async () => stack, undefined, () => partial).alarms([east]);
    assert.match(alarms[east]!.readable ? "" : alarms[east]!.error, /CloudWatch has no alarm .*p99-latency/);
    const bare = new ProgramStack({ endpoints: initial.outputs.endpoints });
    const none = await new PulumiTarget(prod, async () => bare, undefined, () => partial).alarms([east]);
    assert.match(none[east]!.readable ? "" : none[east]!.error, /the stack outputs name no alarm for it/);
  });

  describe("a rollout through the Pulumi target: canary steps on the alias, bakes on CloudWatch alarms (fake stack, regions on 127.0.0.1)", function () {
    this.timeout(60_000);
    // prod's accounts and regions, waves [1, 50%, 100%] and canary [10], without concurrency (no Lambda preflight).
    const stage = testStage("prod", prod.config.targets.map((t) => [t.account, t.regions]), { rollout: { waves: [1, "50%", "100%"], canary: [10], bake: "5m" } });
    const [first, second] = stage.regions.map((r) => r.key);
    let server: Server;
    let stack: ProgramStack;
    let base: string;
    const served = (key: string) => ((stack.current.versions?.value as Record<string, { release: string }>)[key]!.release);

    before(async () => {
      // Plays each region on 127.0.0.1 as fleet's adapter answers: the release live serves (the stable one during a step).
      server = createServer((req, res) => {
        const [, account, region, ...rest] = (req.url ?? "").split("/");
        const route = rest.join("/");
        const body = route === "openapi.json" ? { openapi: "3.1.0", paths: {} } : { status: "ok" };
        res.writeHead(route === "health" || route === "openapi.json" || route.startsWith("v1/greetings/") ? 200 : 404, {
          "content-type": "application/json",
          "x-fleet-release": served(`${account}/${region}`),
          "x-fleet-region": String(region),
        });
        res.end(JSON.stringify(body));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      await new Promise((resolve) => server.close(resolve));
    });
    beforeEach(() => {
      stack = new ProgramStack({ endpoints: Object.fromEntries(stage.regions.map((r) => [r.key, `${base}/${r.key}/`])), alarmNames: initial.outputs.alarmNames });
    });

    /** CloudWatch as the deploy role reads it: `state` per region (a thrown error: not readable). */
    const cloudWatch = (state: (region: string) => "OK" | "ALARM" | Error, reads: string[]) => (where: DeployRoleTarget): CloudWatchLike => ({
      async send(command) {
        reads.push(where.region);
        const value = state(where.region);
        if (value instanceof Error) throw value;
        return { MetricAlarms: (command as DescribeAlarmsCommand).input.AlarmNames!.map((name) => ({ AlarmName: name, StateValue: name.includes("5xx-rate") ? value : "OK", StateReason: "Threshold Crossed: 1 datapoint [0.33] was greater than the threshold (0.02)." })) };
      },
    });
    const run = (cloudWatchFor: (where: DeployRoleTarget) => CloudWatchLike, records: LedgerRecord[], overrides: Partial<RolloutOptions> = {}) =>
      rollout({
        target: new PulumiTarget(stage, async () => stack, undefined, cloudWatchFor),
        action: "promote",
        desired: Object.fromEntries(stage.regions.map((r) => [r.key, b])),
        store: { location: "memory", assertWritable: async () => undefined, appendLedger: async (r: LedgerRecord[]) => void records.push(...r), ledger: async () => ({ records, warnings: [] }) } as unknown as ReleaseStore,
        probes: async () => testProbes,
        who: "t",
        progress: () => undefined,
        bakeMs: 200,
        bakeIntervalMs: 100,
        ...overrides,
      });

    it("per region: an up at the canary's weight, a bake reading its alarms, the up of the release alone, a bake; every wave", async () => {
      const records: LedgerRecord[] = [];
      const reads: string[] = [];
      const report = await run(cloudWatch(() => "OK", reads), records);
      assert.equal(report.ok, true, JSON.stringify(report.regions));
      const weightOf = (up: (typeof stack.ups)[number]) => Object.entries(up.config).filter(([key]) => key.endsWith(".canaryWeight")).map(([key, value]) => `${/\["(.+)"\]/.exec(key)![1]}=${value}`);
      assert.deepEqual(stack.ups.map((up) => [up.target, weightOf(up)]), [
        [regionTargets("prod", [first!]), [`${first}=10`]],
        [regionTargets("prod", [first!]), []],
        [regionTargets("prod", [second!]), [`${second}=10`]],
        [regionTargets("prod", [second!]), []],
        [regionTargets("prod", stage.regions.slice(2).map((r) => r.key)), stage.regions.slice(2).map((r) => `${r.key}=10`)],
        [regionTargets("prod", stage.regions.slice(2).map((r) => r.key)), []],
      ]);
      assert.ok(stage.regions.every((r) => reads.includes(r.region)), "every region's alarms were read");
      const [w3a, w3b] = stage.regions.slice(2).map((r) => r.region);
      const bakes = records.flatMap((r) => (r.step === "bake" ? [`${r.region} ${r.weight} ${r.result} ${r.alarms ? "alarms" : "probes only"}`] : []));
      assert.deepEqual(bakes, [...[first, second].flatMap((key) => [10, 100].map((w) => `${key!.split("/")[1]} ${w} passed alarms`)), `${w3a} 10 passed alarms`, `${w3b} 10 passed alarms`, `${w3a} 100 passed alarms`, `${w3b} 100 passed alarms`]);
    });

    it("a region in ALARM during its canary step: weight 0 first, then the release it had; later waves untouched", async () => {
      const records: LedgerRecord[] = [];
      const report = await run(cloudWatch((region) => (region === stage.regions[1]!.region ? "ALARM" : "OK"), []), records);
      assert.equal(report.ok, false);
      assert.deepEqual(report.caught?.map((c) => [c.key, c.where, c.alarm]), [[second, "wave 2/3 (50%), canary step 1/1 (10%)", "5xx-rate"]]);
      assert.deepEqual(report.regions.map((r) => r.result), ["rolled back", "rolled back", "untouched", "untouched"]);
      const last = stack.ups.slice(-2);
      assert.deepEqual(last.map((up) => up.config[`fleet:traffic["${second}"].canaryWeight`]), ["0", undefined], "the weight to 0, then no canary");
      assert.deepEqual(stage.regions.map((r) => served(r.key)), Array(4).fill(a));
    });

    it("a region whose alarms cannot be read fails its wave (never bakes blind), unless --no-alarms", async () => {
      const denied = new Error("User is not authorized to perform: cloudwatch:DescribeAlarms");
      const unreadable = await run(cloudWatch((region) => (region === stage.regions[0]!.region ? denied : "OK"), []), []);
      assert.equal(unreadable.ok, false);
      assert.match(unreadable.caught?.[0]?.reason ?? "", /^alarms unreadable: User is not authorized to perform: cloudwatch:DescribeAlarms\. Fix: .*--no-alarms/);
      assert.deepEqual(unreadable.regions.map((r) => r.result), ["rolled back", "untouched", "untouched", "untouched"]);

      stack = new ProgramStack({ endpoints: Object.fromEntries(stage.regions.map((r) => [r.key, `${base}/${r.key}/`])), alarmNames: initial.outputs.alarmNames });
      const reads: string[] = [];
      const records: LedgerRecord[] = [];
      const blind = await run(cloudWatch(() => denied, reads), records, { watchAlarms: false });
      assert.equal(blind.ok, true);
      assert.deepEqual(reads, []);
      assert.ok(records.filter((r) => r.step === "bake").every((r) => r.step === "bake" && r.alarms === false));
    });
  });
});
