import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import {
  DeleteFunctionCommand,
  GetAccountSettingsCommand,
  GetFunctionConcurrencyCommand,
  InvokeCommand,
  ListAliasesCommand,
  ListProvisionedConcurrencyConfigsCommand,
  ListVersionsByFunctionCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-lambda";
import type { Digest } from "../../core/digest";
import type { LedgerRecord } from "../../artifacts/ledger";
import type { ReleaseStore } from "../../artifacts/store/store";
import { FleetError } from "../../core/errors";
import { rollout } from "../../rollout/rollout";
import { outputMap, previewResult, upResult } from "../helpers/automation-results";
import { lambdaThroughDeployRole, readRegionConcurrency, type LambdaLike, type LambdaTarget } from "../../targets/lambda-account";
import { PulumiTarget, type PulumiStackLike } from "../../targets/pulumi-target";
import { testStage } from "../helpers/stages";

/**
 * fleet's own Lambda calls against a mocked client: the adapter sends the real @aws-sdk/client-lambda Command
 * objects (checked by class and input), the mock answers as Lambda does, and every decision (the concurrency
 * rule, which versions go) runs for real.
 */

type Answer = (command: object) => unknown;

class MockLambda implements LambdaLike {
  readonly sent: object[] = [];
  constructor(private readonly answer: Answer) {}
  async send(command: object): Promise<unknown> {
    this.sent.push(command);
    const result = this.answer(command);
    if (result instanceof Error) throw result;
    return result;
  }
}

const digest = (n: number) => `sha256:${n.toString(16).padStart(2, "0").repeat(32)}` as Digest;
/** Lambda's CodeSha256 of a release: the same sha256, base64. */
const codeSha256 = (d: Digest) => Buffer.from(d.slice(7), "hex").toString("base64");

const settings = (limit: number, unreserved: number) => ({ AccountLimit: { ConcurrentExecutions: limit, UnreservedConcurrentExecutions: unreserved } });

/** A stack whose outputs name each region's function; only `outputs` is used by preflight and prune. */
function stackWithFunctions(names: Record<string, string>): PulumiStackLike & { ups: number } {
  const outputs = outputMap({ functionNames: names, endpoints: {}, releases: {} });
  const stack = {
    ups: 0,
    outputs: async () => outputs,
    getConfig: async () => ({ value: "" }),
    setAllConfig: async () => undefined,
    removeConfig: async () => undefined,
    up: async () => {
      stack.ups++;
      return upResult(outputs);
    },
    preview: async () => previewResult(),
  };
  return stack;
}

describe("fleet's Lambda calls (targets/lambda-account.ts) with a mocked client", () => {
  describe("readRegionConcurrency", () => {
    it("reads the account settings and the function's reservation with GetAccountSettings and GetFunctionConcurrency", async () => {
      const client = new MockLambda((command) => {
        if (command instanceof GetAccountSettingsCommand) return settings(1000, 850);
        if (command instanceof GetFunctionConcurrencyCommand) return { ReservedConcurrentExecutions: 100 };
        return new Error(`unexpected ${command.constructor.name}`);
      });
      assert.deepEqual(await readRegionConcurrency(client, "fn-abc"), { limit: 1000, unreserved: 850, held: 100 });
      assert.ok(client.sent[0] instanceof GetAccountSettingsCommand);
      assert.deepEqual((client.sent[0] as GetAccountSettingsCommand).input, {});
      assert.ok(client.sent[1] instanceof GetFunctionConcurrencyCommand);
      assert.deepEqual((client.sent[1] as GetFunctionConcurrencyCommand).input, { FunctionName: "fn-abc" });
    });

    it("without a reservation, counts the function's provisioned concurrency across every page of configs", async () => {
      const client = new MockLambda((command) => {
        if (command instanceof GetAccountSettingsCommand) return settings(1000, 990);
        if (command instanceof GetFunctionConcurrencyCommand) return {};
        if (command instanceof ListProvisionedConcurrencyConfigsCommand) {
          return command.input.Marker === undefined
            ? { ProvisionedConcurrencyConfigs: [{ FunctionArn: "arn:aws:lambda:us-east-1:1:function:fn:7", RequestedProvisionedConcurrentExecutions: 2 }], NextMarker: "p2" }
            : { ProvisionedConcurrencyConfigs: [{ FunctionArn: "arn:aws:lambda:us-east-1:1:function:fn:8", RequestedProvisionedConcurrentExecutions: 3 }] };
        }
        return new Error(`unexpected ${command.constructor.name}`);
      });
      assert.equal((await readRegionConcurrency(client, "fn")).held, 5);
      assert.deepEqual(client.sent.filter((c) => c instanceof ListProvisionedConcurrencyConfigsCommand).map((c) => (c as ListProvisionedConcurrencyConfigsCommand).input.Marker), [undefined, "p2"]);
    });

    it("counts nothing held when there is no function yet, or the one named is gone", async () => {
      const gone = new MockLambda((command) =>
        command instanceof GetAccountSettingsCommand ? settings(10, 10) : new ResourceNotFoundException({ message: "Function not found", $metadata: {} }),
      );
      assert.deepEqual(await readRegionConcurrency(gone, "fn-deleted"), { limit: 10, unreserved: 10, held: 0 });
      const none = new MockLambda(() => settings(10, 10));
      assert.deepEqual(await readRegionConcurrency(none, undefined), { limit: 10, unreserved: 10, held: 0 });
      assert.equal(none.sent.length, 1, "only GetAccountSettings");
    });
  });

  it("reaches Lambda through the account's deploy role: AssumeRole with the providers' session name, then calls signed with those credentials (real SDK, real HTTP on 127.0.0.1)", async () => {
    const seen: { method: string; url: string; body: string; authorization: string; token: string | undefined }[] = [];
    const server = createServer(async (req: IncomingMessage, res) => {
      let body = "";
      for await (const chunk of req) body += String(chunk);
      seen.push({ method: req.method ?? "", url: req.url ?? "", body, authorization: String(req.headers.authorization ?? ""), token: req.headers["x-amz-security-token"] as string | undefined });
      if (req.method === "POST" && body.includes("Action=AssumeRole")) {
        res.writeHead(200, { "content-type": "text/xml" }).end(
          `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIAASSUMEDKEY</AccessKeyId><SecretAccessKey>assumed-secret</SecretAccessKey><SessionToken>assumed-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::222222222222:assumed-role/fleet-deploy/fleet-prod</Arn><AssumedRoleId>AROA:fleet-prod</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
        );
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ AccountLimit: { ConcurrentExecutions: 10, UnreservedConcurrentExecutions: 10 }, AccountUsage: {} }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const env = { AWS_ENDPOINT_URL_STS: endpoint, AWS_ENDPOINT_URL_LAMBDA: endpoint, AWS_ACCESS_KEY_ID: "AKIADEPLOYER", AWS_SECRET_ACCESS_KEY: "deployer-secret", AWS_CONFIG_FILE: "/nonexistent", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent", AWS_PROFILE: undefined, AWS_SESSION_TOKEN: undefined };
    const saved = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
    for (const [key, value] of Object.entries(env)) value === undefined ? delete process.env[key] : (process.env[key] = value);
    try {
      const client = lambdaThroughDeployRole({ stack: "prod", account: "222222222222", roleArn: "arn:aws:iam::222222222222:role/fleet-deploy", region: "us-west-2" });
      assert.deepEqual(await readRegionConcurrency(client, undefined), { limit: 10, unreserved: 10, held: 0 });
      await readRegionConcurrency(client, undefined);
    } finally {
      for (const [key, value] of Object.entries(saved)) value === undefined ? delete process.env[key] : (process.env[key] = value);
      await new Promise((resolve) => server.close(resolve));
    }
    const assumes = seen.filter((request) => request.body.includes("Action=AssumeRole"));
    assert.equal(assumes.length, 1, "one session for both calls");
    const form = new URLSearchParams(assumes[0]!.body);
    assert.equal(form.get("RoleArn"), "arn:aws:iam::222222222222:role/fleet-deploy");
    assert.equal(form.get("RoleSessionName"), "fleet-prod", "the README's trust policy admits fleet-* sessions only");
    assert.match(assumes[0]!.authorization, /Credential=AKIADEPLOYER\/\d{8}\/us-west-2\/sts\//, "the deployer's own credentials ask for the role");
    const lambdaCalls = seen.filter((request) => request.url.startsWith("/2016-08-19/account-settings"));
    assert.equal(lambdaCalls.length, 2);
    for (const call of lambdaCalls) {
      assert.equal(call.method, "GET");
      assert.match(call.authorization, /Credential=ASIAASSUMEDKEY\/\d{8}\/us-west-2\/lambda\//, "Lambda is called as the deploy role");
      assert.equal(call.token, "assumed-token");
    }
  });

  describe("PulumiTarget preflight", () => {
    const stage = testStage("prod", [["222222222222", ["us-east-1", "us-west-2"]], ["333333333333", ["eu-west-1"]]], { reservedConcurrency: 100 });
    const names = { "222222222222/us-east-1": "fn-use1", "222222222222/us-west-2": "fn-usw2" };
    /** Per region: a new account's 10 in us-west-2, plenty elsewhere; eu-west-1 has no function yet. */
    const byRegion: Record<string, { limit: number; unreserved: number; reserved?: number }> = {
      "us-east-1": { limit: 1000, unreserved: 800, reserved: 100 },
      "us-west-2": { limit: 10, unreserved: 10 },
      "eu-west-1": { limit: 1000, unreserved: 1000 },
    };

    function mockedLambdas() {
      const opened: LambdaTarget[] = [];
      const clients: MockLambda[] = [];
      const lambdaFor = (target: LambdaTarget) => {
        opened.push(target);
        const numbers = byRegion[target.region]!;
        const client = new MockLambda((command) => {
          if (command instanceof GetAccountSettingsCommand) return settings(numbers.limit, numbers.unreserved);
          if (command instanceof GetFunctionConcurrencyCommand) return { ReservedConcurrentExecutions: numbers.reserved };
          if (command instanceof ListProvisionedConcurrencyConfigsCommand) return {};
          return new Error(`unexpected ${command.constructor.name}`);
        });
        clients.push(client);
        return client;
      };
      return { opened, clients, lambdaFor };
    }

    it("refuses a region whose unreserved concurrency is too low, with the numbers and the quota fix, after checking every region", async () => {
      const { opened, lambdaFor } = mockedLambdas();
      const lines: string[] = [];
      const target = new PulumiTarget(stage, async () => stackWithFunctions(names), lambdaFor);
      const error = await target.preflight((line) => lines.push(line)).then(
        () => assert.fail("accepted"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof FleetError);
      assert.match(error.message, /^stack prod: refusing to deploy, Lambda would refuse the function's concurrency in 1 region\(s\) after creating it:/);
      assert.match(
        error.message,
        /222222222222\/us-west-2: fleet:reservedConcurrency 100 needs 200 unreserved concurrent executions \(100 for the function, 100 Lambda keeps for the others\), and the account has 10 available \(limit 10, unreserved 10\)\. Fix: request a quota increase of "Concurrent executions" \(Service Quotas, AWS Lambda\) to at least 200 in this region/,
      );
      assert.doesNotMatch(error.message, /us-east-1|eu-west-1/, "the regions that fit are not refused");
      // Through each account's deploy role, with the providers' session name, in each region.
      assert.deepEqual(opened, [
        { stack: "prod", account: "222222222222", roleArn: "arn:aws:iam::222222222222:role/fleet-deploy", region: "us-east-1" },
        { stack: "prod", account: "222222222222", roleArn: "arn:aws:iam::222222222222:role/fleet-deploy", region: "us-west-2" },
        { stack: "prod", account: "333333333333", roleArn: "arn:aws:iam::333333333333:role/fleet-deploy", region: "eu-west-1" },
      ]);
      assert.deepEqual(lines, [
        "prod 222222222222/us-east-1: concurrency ok (limit 1000, unreserved 800, held 100)",
        "prod 222222222222/us-west-2: concurrency TOO LOW (limit 10, unreserved 10)",
        "prod 333333333333/eu-west-1: concurrency ok (limit 1000, unreserved 1000)",
      ]);
    });

    it("counts what the deployed function already reserves: 100 reserved and 100 unreserved left is enough", async () => {
      byRegion["us-west-2"] = { limit: 200, unreserved: 100, reserved: 100 };
      try {
        const { clients, lambdaFor } = mockedLambdas();
        await new PulumiTarget(stage, async () => stackWithFunctions(names), lambdaFor).preflight(() => undefined);
        const usw2 = clients[1]!;
        assert.deepEqual((usw2.sent[1] as GetFunctionConcurrencyCommand).input, { FunctionName: "fn-usw2" });
      } finally {
        byRegion["us-west-2"] = { limit: 10, unreserved: 10 };
      }
    });

    it("stops a rollout before its first pulumi up, and records nothing in the ledger", async () => {
      const { lambdaFor } = mockedLambdas();
      const stack = stackWithFunctions(names);
      const records: LedgerRecord[] = [];
      const store = { assertWritable: async () => undefined, appendLedger: async (r: LedgerRecord[]) => void records.push(...r), ledger: async () => ({ records, warnings: [] }) } as unknown as ReleaseStore;
      await assert.rejects(
        rollout({ target: new PulumiTarget(stage, async () => stack, lambdaFor), action: "deploy", desired: { "222222222222/us-east-1": digest(1) }, store, who: "t", progress: () => undefined }),
        (error: unknown) => error instanceof FleetError && /us-west-2: fleet:reservedConcurrency 100 needs 200/.test(error.message),
      );
      assert.equal(stack.ups, 0);
      assert.deepEqual(records, []);
    });

    it("makes no call for a stage that reserves and provisions nothing", async () => {
      const { opened, lambdaFor } = mockedLambdas();
      const plain = testStage("dev", [["111111111111", ["us-east-1"]]]);
      await new PulumiTarget(plain, async () => stackWithFunctions({}), lambdaFor).preflight(() => undefined);
      assert.deepEqual(opened, []);
    });
  });

  describe("PulumiTarget prune", () => {
    const stage = testStage("prod", [["222222222222", ["us-east-1"]]]);
    /** Versions 1..12: releases 1..10, then 11 and 12 re-publish releases 3 and 9 (two rollbacks). */
    const versionDigests = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 3, 9].map(digest);

    function lambdaWithVersions(aliases: { Name: string; FunctionVersion: string; RoutingConfig?: { AdditionalVersionWeights: Record<string, number> } }[], provisioned: string[]) {
      const client = new MockLambda((command) => {
        if (command instanceof ListVersionsByFunctionCommand) {
          // Two pages, $LATEST first as Lambda lists it.
          const all = [{ Version: "$LATEST", CodeSha256: codeSha256(digest(9)) }, ...versionDigests.map((d, i) => ({ Version: String(i + 1), CodeSha256: codeSha256(d) }))];
          return command.input.Marker === undefined ? { Versions: all.slice(0, 7), NextMarker: "m7" } : { Versions: all.slice(7) };
        }
        if (command instanceof ListAliasesCommand) return { Aliases: aliases };
        if (command instanceof ListProvisionedConcurrencyConfigsCommand) {
          return { ProvisionedConcurrencyConfigs: provisioned.map((q) => ({ FunctionArn: `arn:aws:lambda:us-east-1:222222222222:function:fn:${q}`, RequestedProvisionedConcurrentExecutions: 2 })) };
        }
        if (command instanceof DeleteFunctionCommand) return {};
        return new Error(`unexpected ${command.constructor.name}`);
      });
      return client;
    }

    const deleted = (client: MockLambda) => client.sent.filter((c): c is DeleteFunctionCommand => c instanceof DeleteFunctionCommand).map((c) => c.input);

    it("deletes the versions of releases the ledger can no longer roll back to, keeping the newest version of each release it can", async () => {
      const client = lambdaWithVersions([{ Name: "live", FunctionVersion: "12" }], ["12"]);
      const lines: string[] = [];
      // The region served 9 (now), 3 before it, 10 before that.
      await new PulumiTarget(stage, async () => stackWithFunctions({ "222222222222/us-east-1": "fn" }), () => client).prune({ "222222222222/us-east-1": [digest(9), digest(3), digest(10)] }, (line) => lines.push(line));
      // Kept: 12 (live, release 9), 11 (release 3's newest), 10 (release 10). Release 9's older version 9 and release 3's version 3 go.
      assert.deepEqual(deleted(client), ["1", "2", "3", "4", "5", "6", "7", "8", "9"].map((v) => ({ FunctionName: "fn", Qualifier: v })));
      assert.deepEqual(client.sent.filter((c) => c instanceof ListVersionsByFunctionCommand).map((c) => (c as ListVersionsByFunctionCommand).input), [
        { FunctionName: "fn", Marker: undefined, MaxItems: 50 },
        { FunctionName: "fn", Marker: "m7", MaxItems: 50 },
      ]);
      assert.match(lines[0]!, /^prod 222222222222\/us-east-1: deleted versions 1, 2, 3, 4, 5, 6, 7, 8, 9; kept 10 \(0a0a0a0a0a0a\), 11 \(030303030303\), 12 \(090909090909\)$/);
    });

    it("never deletes a version an alias serves, a canary gets weight on, or that has provisioned concurrency", async () => {
      const client = lambdaWithVersions(
        [
          { Name: "live", FunctionVersion: "4", RoutingConfig: { AdditionalVersionWeights: { "6": 0.1 } } },
          { Name: "other", FunctionVersion: "2" },
        ],
        ["5", "live"],
      );
      await new PulumiTarget(stage, async () => stackWithFunctions({ "222222222222/us-east-1": "fn" }), () => client).prune({ "222222222222/us-east-1": [] }, () => undefined);
      const gone = deleted(client).map((input) => input.Qualifier);
      for (const kept of ["2", "4", "5", "6"]) assert.ok(!gone.includes(kept), `deleted version ${kept}`);
      assert.deepEqual(gone, ["1", "3", "7", "8", "9", "10", "11", "12"]);
    });

    it("after a completed rollout, prunes with the stage's keepVersions releases from the ledger; a failed rollout prunes nothing", async () => {
      const keepTwo = testStage("prod", [["222222222222", ["us-east-1"]]], { keepVersions: 2 });
      const ledger: LedgerRecord[] = [8, 9].map((n) => ({
        step: "outcome" as const,
        rollout: "20260101T000000Z-0000abcd",
        time: `2026-01-0${n}T00:00:00.000Z`,
        action: "deploy",
        stack: "prod",
        account: "222222222222",
        region: "us-east-1",
        from: null,
        to: digest(n),
        result: "changed",
        live: digest(n),
        who: "t",
      }));
      const store = { assertWritable: async () => undefined, appendLedger: async (r: LedgerRecord[]) => void ledger.push(...r), ledger: async () => ({ records: ledger, warnings: [] }) } as unknown as ReleaseStore;
      const target = new PulumiTarget(keepTwo, async () => stackWithFunctions({ "222222222222/us-east-1": "fn" }), () => client);
      const kept: Record<string, Digest[]>[] = [];
      const prune = target.prune.bind(target);
      target.prune = async (keep, progress) => {
        kept.push(keep);
        return prune(keep, progress);
      };
      // Already on release 9: an `unchanged` rollout still completes, and the ledger's last two releases are kept.
      target.live = async () => [{ ...keepTwo.regions[0]!, url: undefined, release: digest(9) }];
      const client = lambdaWithVersions([{ Name: "live", FunctionVersion: "12" }], []);
      const report = await rollout({ target, action: "deploy", desired: { "222222222222/us-east-1": digest(9) }, store, who: "t", progress: () => undefined });
      assert.equal(report.ok, true);
      assert.deepEqual(kept, [{ "222222222222/us-east-1": [digest(9), digest(8)] }]);
      assert.deepEqual(deleted(client).map((input) => input.Qualifier), ["1", "2", "3", "4", "5", "6", "7", "9", "10", "11"]);

      // A rollout that fails (the region cannot be deployed) deletes nothing.
      kept.length = 0;
      target.live = async () => [{ ...keepTwo.regions[0]!, url: undefined, release: digest(9) }];
      target.apply = async () => {
        throw new Error("pulumi up failed");
      };
      const failed = await rollout({ target, action: "deploy", desired: { "222222222222/us-east-1": digest(10) }, store, who: "t", progress: () => undefined });
      assert.equal(failed.ok, false);
      assert.deepEqual(kept, []);
    });

    it("reports a failed deletion without failing the completed rollout", async () => {
      const client = new MockLambda((command) => (command instanceof ListVersionsByFunctionCommand ? new Error("AccessDeniedException: not authorized to perform lambda:ListVersionsByFunction") : {}));
      const target = new PulumiTarget(stage, async () => stackWithFunctions({ "222222222222/us-east-1": "fn" }), () => client);
      target.live = async () => [{ ...stage.regions[0]!, url: undefined, release: digest(1) }];
      const ledger: LedgerRecord[] = [];
      const store = { assertWritable: async () => undefined, appendLedger: async (r: LedgerRecord[]) => void ledger.push(...r), ledger: async () => ({ records: ledger, warnings: [] }) } as unknown as ReleaseStore;
      const report = await rollout({ target, action: "deploy", desired: { "222222222222/us-east-1": digest(1) }, store, who: "t", progress: () => undefined });
      assert.equal(report.ok, true);
      assert.match(report.pruneError ?? "", /old Lambda versions were not deleted \(the rollout itself is done\): 222222222222\/us-east-1: AccessDeniedException.*Fix: /);
    });
  });

  describe("invoke (fleet invoke in the cloud)", () => {
    it("invokes each region's live alias through its deploy role with the event, and reports what ran, the error and the log tail", async () => {
      const stage = testStage("prod", [["222222222222", ["us-east-1", "eu-west-1"]]]);
      const names = { "222222222222/us-east-1": "prod-222222222222-us-east-1-function-fn-abc1234" };
      const opened: LambdaTarget[] = [];
      const client = new MockLambda((command) => {
        assert.ok(command instanceof InvokeCommand, `unexpected ${command.constructor.name}`);
        return { StatusCode: 200, ExecutedVersion: "7", FunctionError: "Unhandled", Payload: Buffer.from('{"errorType":"Error","errorMessage":"boom"}'), LogResult: Buffer.from("START\nboom\nEND\n").toString("base64") };
      });
      const target = new PulumiTarget(stage, async () => stackWithFunctions(names), (t) => {
        opened.push(t);
        return client;
      });
      const answers = await target.invoke(stage.regions, '{"source":"test"}');
      const input = (client.sent[0] as InvokeCommand).input;
      assert.deepEqual({ ...input, Payload: Buffer.from(input.Payload as Uint8Array).toString() }, {
        FunctionName: names["222222222222/us-east-1"],
        Qualifier: "live",
        InvocationType: "RequestResponse",
        LogType: "Tail",
        Payload: '{"source":"test"}',
      });
      assert.equal(client.sent.length, 1, "no call for a region without a function");
      assert.deepEqual(opened.map((t) => [t.region, t.roleArn, t.stack]), [["us-east-1", "arn:aws:iam::222222222222:role/fleet-deploy", "prod"]]);
      const [east, west] = answers;
      assert.deepEqual({ ...east!, durationMs: typeof east!.durationMs }, {
        key: "222222222222/us-east-1", account: "222222222222", region: "us-east-1", ran: "7", functionError: "Unhandled",
        payload: '{"errorType":"Error","errorMessage":"boom"}', durationMs: "number", logTail: "START\nboom\nEND\n", error: null,
      });
      assert.equal(west!.key, "222222222222/eu-west-1");
      assert.equal(west!.payload, null);
      assert.match(west!.error!, /the stack outputs name no function there: deploy it first \('pulumi up -s prod'\)/);
    });

    it("reports a region whose Invoke is refused (access denied) with the SDK's message, and still invokes the others", async () => {
      const stage = testStage("prod", [["222222222222", ["us-east-1", "eu-west-1"]]]);
      const names = { "222222222222/us-east-1": "fn-east", "222222222222/eu-west-1": "fn-west" };
      const target = new PulumiTarget(stage, async () => stackWithFunctions(names), (t) =>
        new MockLambda(() => (t.region === "us-east-1" ? new Error("User is not authorized to perform: lambda:InvokeFunction") : { ExecutedVersion: "3", Payload: Buffer.from("42") })),
      );
      const [east, west] = await target.invoke(stage.regions, "{}");
      assert.equal(east!.error, "User is not authorized to perform: lambda:InvokeFunction");
      assert.deepEqual([west!.ran, west!.functionError, west!.payload, west!.logTail, west!.error], ["3", null, "42", "", null]);
    });
  });
});
