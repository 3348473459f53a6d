import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Digest } from "../../core/digest";
import { rollout } from "../../rollout/rollout";
import { regionKey } from "../../core/region-key";
import { testStage } from "../helpers/stages";
import { testProbes } from "../helpers/test-bundle";
import type { ReleaseStore } from "../../artifacts/store/store";
import type { LedgerRecord, OutcomeRecord } from "../../artifacts/ledger";
import { PulumiTarget, type PulumiStackLike } from "../../targets/pulumi-target";
import type { OutputMap, PreviewOptions, UpOptions } from "@pulumi/pulumi/automation";
import { outputMap, previewResult, upResult } from "../helpers/automation-results";

const a = `sha256:${"a".repeat(64)}` as Digest;
const b = `sha256:${"b".repeat(64)}` as Digest;

const prod = testStage("prod", [["222222222222", ["us-east-1"]], ["333333333333", ["eu-west-1"]]], { api: "rest", requireRelease: true, release: `sha256:${"0".repeat(64)}` });

/**
 * A stand-in for an Automation API stack that behaves like the program would: `up` turns the config into outputs
 * (`fleet:releases` per region over `fleet:release`) and records every call in order.
 */
class FakeStack implements PulumiStackLike {
  config: Record<string, string> = { "fleet:release": a };
  calls: string[] = [];
  outputsValue: OutputMap = {};

  constructor(private readonly urls: Record<string, string>) {
    this.deployFromConfig();
  }
  async outputs() {
    return this.outputsValue;
  }
  // Like `pulumi config get`: an object key (set entry by entry with --path) reads back as its JSON text.
  async getConfig(key: string) {
    const entries = Object.entries(this.config).filter(([k]) => k.startsWith(`${key}[`));
    if (entries.length > 0) return { value: JSON.stringify(Object.fromEntries(entries.map(([k, v]) => [JSON.parse(k.slice(key.length + 1, -1)) as string, v]))) };
    if (this.config[key] === undefined) throw new Error(`configuration key '${key}' not found for stack 'prod'`);
    return { value: this.config[key] };
  }
  async setAllConfig(config: Record<string, { value: string }>, path?: boolean) {
    for (const [key, { value }] of Object.entries(config)) this.config[key] = value;
    this.calls.push(`set${path ? " --path" : ""} ${Object.entries(config).map(([k, v]) => `${k}=${v.value.slice(0, 8)}`).join(" ")}`);
  }
  async removeConfig(key: string) {
    for (const k of Object.keys(this.config)) if (k === key || k.startsWith(`${key}[`)) delete this.config[k];
    this.calls.push(`rm ${key}`);
  }
  async up(options?: UpOptions) {
    this.calls.push("up");
    options?.onOutput?.("Updating (prod)\n  ~ aws:lambda:Function upd");
    options?.onOutput?.("ated\n");
    this.deployFromConfig();
    return upResult(this.outputsValue);
  }
  async preview(options?: PreviewOptions) {
    this.calls.push("preview");
    options?.onOutput?.("Previewing update (prod)\n");
    return previewResult();
  }
  private deployFromConfig() {
    const releases: Record<string, string> = {};
    for (const key of Object.keys(this.urls)) releases[key] = this.config[`fleet:releases[${JSON.stringify(key)}]`] ?? this.config["fleet:release"]!;
    this.outputsValue = outputMap({ endpoints: this.urls, release: this.config["fleet:release"], releases });
  }
}

/** A store that only keeps the ledger: the outcomes of a rollout land in `records`. */
const memoryStore = (records: OutcomeRecord[]): ReleaseStore =>
  ({
    location: "memory",
    assertWritable: async () => undefined,
    appendLedger: async (r: LedgerRecord[]) => void records.push(...r.filter((x): x is OutcomeRecord => x.step === "outcome")),
    ledger: async () => ({ records, warnings: [] }),
  }) as unknown as ReleaseStore;

describe("PulumiTarget", () => {
  // Output values only: never called.
  const urls = { "222222222222/us-east-1": "https://abc.execute-api.us-east-1.amazonaws.com/prod/", "333333333333/eu-west-1": "https://def.execute-api.eu-west-1.amazonaws.com/prod/" };

  it("maps stack outputs to regions: endpoints and the per-region release", async () => {
    const stack = new FakeStack(urls);
    const target = new PulumiTarget(prod, async (name) => (assert.equal(name, "prod"), stack));
    assert.deepEqual(await target.live(), [
      { ...prod.regions[0]!, url: urls["222222222222/us-east-1"], release: a },
      { ...prod.regions[1]!, url: urls["333333333333/eu-west-1"], release: a },
    ]);
  });

  it("treats a source build (release output not a digest) and a missing endpoint as unknown", async () => {
    const stack = new FakeStack({ "222222222222/us-east-1": urls["222222222222/us-east-1"] });
    stack.outputsValue = outputMap({ endpoints: { "222222222222/us-east-1": "https://x/" }, release: "build" });
    const live = await new PulumiTarget(prod, async () => stack).live();
    assert.deepEqual(live.map((r) => [r.url, r.release]), [["https://x/", undefined], [undefined, undefined]]);
  });

  it("overrides one region with fleet:releases, then goes back to a single fleet:release when all agree", async () => {
    const stack = new FakeStack(urls);
    const target = new PulumiTarget(prod, async () => stack);
    const lines: string[] = [];
    await target.apply({ "222222222222/us-east-1": b }, (line) => lines.push(line));
    assert.deepEqual(stack.calls, [`rm fleet:releases`, "rm fleet:traffic", `set --path fleet:releases["222222222222/us-east-1"]=sha256:b fleet:releases["333333333333/eu-west-1"]=sha256:a`, "up"]);
    assert.deepEqual(lines, ["prod: pulumi up (222222222222/us-east-1)", "prod | Updating (prod)", "prod |   ~ aws:lambda:Function updated"]);
    assert.deepEqual((await target.live()).map((r) => r.release), [b, a]);

    stack.calls = [];
    await target.apply({ "333333333333/eu-west-1": b }, () => undefined);
    assert.deepEqual(stack.calls, ["rm fleet:releases", "rm fleet:traffic", "set fleet:release=sha256:b", "up"]);
    assert.deepEqual(stack.config, { "fleet:release": b });
  });

  describe("in a rollout", () => {
    let server: Server;
    let stack: FakeStack;
    let failing: { key: string; release: string } | undefined;
    beforeEach(async () => {
      failing = undefined;
      // Plays the deployed regions on 127.0.0.1: each answers with the release the fake stack deployed to it.
      server = createServer((req, res) => {
        const [, account, region, ...rest] = (req.url ?? "").split("/");
        const key = `${account}/${region}`;
        const release = (stack.outputsValue.releases?.value as Record<string, string>)[key];
        // As fleet's adapter does: every answer names its release and region.
        const send = (status: number, body: unknown) =>
          res.writeHead(status, { "content-type": "application/json", "x-fleet-release": String(release), "x-fleet-region": String(region) }).end(JSON.stringify(body));
        const route = rest.join("/");
        if (route === "health") return failing?.key === key && failing.release === release ? send(500, {}) : send(200, { status: "ok", region, release });
        if (route === "openapi.json") return send(200, { openapi: "3.1.0", paths: {} });
        if (route.startsWith("v1/greetings/")) return send(200, { greeting: "Hello" });
        send(404, {});
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      stack = new FakeStack(Object.fromEntries(prod.regions.map((r) => [r.key, `${base}/${r.key}/`])));
    });
    afterEach(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it("runs one up per wave: the first region alone (per-region override), then the rest (one release)", async () => {
      const records: OutcomeRecord[] = [];
      const report = await rollout({ target: new PulumiTarget(prod, async () => stack), action: "promote", desired: { "222222222222/us-east-1": b, "333333333333/eu-west-1": b }, store: memoryStore(records), probes: async () => testProbes, who: "t", progress: () => undefined });
      assert.equal(report.ok, true);
      assert.deepEqual(stack.calls, [
        "rm fleet:releases",
        "rm fleet:traffic",
        `set --path fleet:releases["222222222222/us-east-1"]=sha256:b fleet:releases["333333333333/eu-west-1"]=sha256:a`,
        "up",
        "rm fleet:releases",
        "rm fleet:traffic",
        "set fleet:release=sha256:b",
        "up",
      ]);
      assert.deepEqual(records.map((r) => [r.region, r.result, r.live]), [["us-east-1", "changed", b], ["eu-west-1", "changed", b]]);
    });

    it("hands the rollout's signal to pulumi up (the Automation API's cancel), reports the cancelled up as an interrupt, and puts the stack back with an up that no signal cancels", async () => {
      const controller = new AbortController();
      const up = stack.up.bind(stack);
      const signals: (AbortSignal | undefined)[] = [];
      // As the Automation API does with UpOptions.signal: aborting it makes the pulumi CLI cancel the update and fail.
      stack.up = async (options) => {
        signals.push(options?.signal);
        if (options?.signal?.aborted) {
          stack.calls.push("up (cancelled)");
          throw new Error("update canceled");
        }
        return up(options);
      };
      const records: OutcomeRecord[] = [];
      const report = await rollout({
        target: new PulumiTarget(prod, async () => stack),
        action: "promote",
        desired: { "222222222222/us-east-1": b, "333333333333/eu-west-1": b },
        store: memoryStore(records),
        probes: async () => testProbes,
        who: "t",
        signal: controller.signal,
        progress: (line) => {
          // SIGTERM lands while the first up is starting.
          if (line.includes("pulumi up")) controller.abort("SIGTERM");
        },
      });
      assert.deepEqual([report.ok, report.interrupted], [false, true]);
      assert.deepEqual(stack.calls.filter((c) => c.startsWith("up")), ["up (cancelled)", "up"]);
      assert.deepEqual(signals, [controller.signal, undefined]);
      assert.deepEqual(records.map((r) => [r.region, r.result, r.live]), [["us-east-1", "rolled back", a], ["eu-west-1", "untouched", a]]);
      assert.match(records[0]!.reason ?? "", /update canceled/);
    });

    it("never reads or writes the stack's secrets: after waves, a rollback and a preview they are as they were, and no progress line or ledger record holds one", async () => {
      const secret = "s3cr3t-in-the-stack-config";
      stack.config["fleet:secrets.API_TOKEN"] = secret;
      // What `pulumi up` prints of a secret input: Pulumi masks it.
      const up = stack.up.bind(stack);
      stack.up = async (options) => {
        options?.onOutput?.("  ~ aws:lambda/function:Function updated [diff: ~environment]; environment: [secret]\n");
        return up(options);
      };
      failing = { key: "333333333333/eu-west-1", release: b };
      const records: OutcomeRecord[] = [];
      const lines: string[] = [];
      const target = new PulumiTarget(prod, async () => stack);
      await rollout({ target, action: "promote", desired: { "222222222222/us-east-1": b, "333333333333/eu-west-1": b }, store: memoryStore(records), probes: async () => testProbes, who: "t", progress: (line) => lines.push(line) });
      await target.preview({ "222222222222/us-east-1": b }, (line) => lines.push(line));
      assert.equal(stack.config["fleet:secrets.API_TOKEN"], secret, "the secret entry is untouched");
      assert.ok(!stack.calls.some((call) => call.includes("fleet:secrets")), String(stack.calls));
      assert.ok(lines.some((line) => line.includes("environment: [secret]")), "Pulumi's output reached the progress lines");
      assert.ok(records.length > 0);
      assert.doesNotMatch(JSON.stringify({ lines, records }), new RegExp(secret));
    });

    it("puts the stack back with one more up when the second wave fails smoke", async () => {
      failing = { key: "333333333333/eu-west-1", release: b };
      const records: OutcomeRecord[] = [];
      const report = await rollout({ target: new PulumiTarget(prod, async () => stack), action: "promote", desired: { "222222222222/us-east-1": b, "333333333333/eu-west-1": b }, store: memoryStore(records), probes: async () => testProbes, who: "t", progress: () => undefined });
      assert.equal(report.ok, false);
      assert.deepEqual(stack.calls.slice(-4), ["rm fleet:releases", "rm fleet:traffic", "set fleet:release=sha256:a", "up"]);
      assert.equal(stack.calls.filter((c) => c === "up").length, 3);
      assert.deepEqual(records.map((r) => [r.region, r.result, r.live]), [["us-east-1", "rolled back", a], ["eu-west-1", "rolled back", a]]);
    });
  });

  it("previews a change and leaves the config as it was", async () => {
    const stack = new FakeStack(urls);
    await new PulumiTarget(prod, async () => stack).preview({ "222222222222/us-east-1": b }, () => undefined);
    assert.ok(stack.calls.includes("preview"));
    assert.deepEqual(stack.config, { "fleet:release": a });
  });

  it("puts back the config it found after a preview, not the digests the outputs report (a dry run changes no file)", async () => {
    const stack = new FakeStack(urls);
    // A `build` stage: the outputs name the digest of the last build, the file says build.
    stack.config = { "fleet:release": "build" };
    await new PulumiTarget(prod, async () => stack).preview({ "222222222222/us-east-1": b }, () => undefined);
    assert.deepEqual(stack.config, { "fleet:release": "build" });

    // Per-region overrides written by hand (or by an interrupted wave) come back entry by entry.
    stack.config = { "fleet:release": a, 'fleet:releases["333333333333/eu-west-1"]': b };
    await new PulumiTarget(prod, async () => stack).preview({ "222222222222/us-east-1": b }, () => undefined);
    assert.deepEqual(stack.config, { "fleet:release": a, 'fleet:releases["333333333333/eu-west-1"]': b });
  });

  it("leaves fleet:release unset after a preview when the stack had none (every region named in fleet:releases)", async () => {
    const stack = new FakeStack(urls);
    const overrides = { 'fleet:releases["222222222222/us-east-1"]': a, 'fleet:releases["333333333333/eu-west-1"]': a };
    stack.config = { ...overrides };
    // One digest for every region: the preview itself runs on fleet:release alone.
    await new PulumiTarget(prod, async () => stack).preview({ "222222222222/us-east-1": b, "333333333333/eu-west-1": b }, () => undefined);
    assert.ok(stack.calls.includes(`set fleet:release=${b.slice(0, 8)}`), stack.calls.join(", "));
    assert.deepEqual(stack.config, overrides);
  });

  it("on a stack never deployed, refuses the first wave before any up, says how to deploy it once, and records nothing as changed", async () => {
    const stack = new FakeStack(urls);
    stack.outputsValue = {};
    const records: OutcomeRecord[] = [];
    const report = await rollout({ target: new PulumiTarget(prod, async () => stack), action: "deploy", desired: { "222222222222/us-east-1": b, "333333333333/eu-west-1": b }, store: memoryStore(records), probes: async () => testProbes, who: "t", progress: () => undefined });
    assert.equal(report.ok, false);
    assert.equal(stack.calls.includes("up"), false);
    assert.deepEqual(records.map((r) => [r.region, r.result, r.live]), [["us-east-1", "rolled back", null], ["eu-west-1", "untouched", null]]);
    assert.match(records[0]!.reason ?? "", /333333333333\/eu-west-1 serves no release yet .* Fix: deploy the whole stack once: pulumi config set fleet:release <digest> -s prod && pulumi up -s prod/);
  });
});
