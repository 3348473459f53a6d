import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { smokeRegion, smokeRegions, type Probes } from "../../rollout/smoke";
import { storedProbes } from "../../rollout/probes";
import type { ReleaseStore } from "../../artifacts/store/store";
import type { LiveRegion } from "../../targets/target";

const release = `sha256:${"d".repeat(64)}` as const;
const other = `sha256:${"e".repeat(64)}` as const;

interface Answer {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON; `raw` is sent as it is. */
  body?: unknown;
  raw?: string;
  /** The connection is closed without an answer. */
  hangUp?: boolean;
}

/** A regional endpoint under `/dev/` whose every answer the test sets, recording what it was asked. */
describe("smokeRegion (the app's own probes)", () => {
  let server: Server;
  let base: string;
  let answers: Record<string, Answer>;
  let seen: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[];
  before(async () => {
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      const answer = answers[`${req.method} ${req.url}`] ?? { status: 404, body: { title: "Not Found" } };
      if (answer.hangUp) return void req.socket.destroy();
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers }).end(answer.raw ?? (answer.body === undefined ? "" : JSON.stringify(answer.body)));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev/`;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  const fleet = (region = "eu-west-1", digest: string = release) => ({ "x-fleet-release": digest, "x-fleet-region": region });
  const region = (url: string | undefined = base): LiveRegion => ({ key: "111111111111/eu-west-1", account: "111111111111", region: "eu-west-1", url, release });
  const probes: Probes = {
    health: "/healthz",
    openapi: "/spec.json",
    smoke: [
      { method: "GET", path: "/items?limit=1", status: 200 },
      { method: "POST", path: "/items", body: { name: "x" }, headers: { "x-probe": "1" }, status: 201 },
    ],
  };
  function healthy(): Record<string, Answer> {
    return {
      "GET /dev/healthz": { status: 204, headers: fleet() },
      "GET /dev/spec.json": { status: 200, headers: fleet(), body: { openapi: "3.0.3", paths: {} } },
      "GET /dev/items?limit=1": { status: 200, headers: fleet(), body: [] },
      "POST /dev/items": { status: 201, headers: fleet(), body: { id: 1 } },
    };
  }
  beforeEach(() => {
    answers = healthy();
    seen = [];
  });

  it("passes a region that answers every probe from its own region on the expected release", async () => {
    const started = performance.now();
    const result = await smokeRegion(region(), { expect: release, probes });
    // The whole check's duration: no more than the call took as the test saw it.
    assert.ok(result.latencyMs >= 0 && result.latencyMs <= Math.ceil(performance.now() - started), String(result.latencyMs));
    assert.deepEqual([result.ok, result.status, result.release, result.failures], [true, 204, release, []]);
    assert.deepEqual(result.probes.map((p) => [p.method, p.path, p.status, p.ok]), [
      ["GET", "/healthz", 204, true],
      ["GET", "/spec.json", 200, true],
      ["GET", "/items?limit=1", 200, true],
      ["POST", "/items", 201, true],
    ]);
  });

  it("sends each smoke call's body as JSON with its headers, relative to the base URL (stage prefix kept)", async () => {
    await smokeRegion(region(), { probes });
    const post = seen.find((request) => request.method === "POST")!;
    assert.equal(post.url, "/dev/items");
    assert.equal(post.body, '{"name":"x"}');
    assert.equal(post.headers["content-type"], "application/json");
    assert.equal(post.headers["x-probe"], "1");
    // Every call asks for JSON; a call without a body sends no content type.
    const get = seen.find((request) => request.url === "/dev/items?limit=1")!;
    assert.deepEqual([get.headers.accept, get.headers["content-type"], post.headers.accept], ["application/json", undefined, "application/json"]);
  });

  it("keeps a smoke call's own content type, however it spells the header", async () => {
    const typed: Probes = { health: "/healthz", smoke: [{ method: "POST", path: "/items", body: "x", headers: { "Content-Type": "text/plain" }, status: 201 }] };
    await smokeRegion(region(), { probes: typed });
    assert.equal(seen.at(-1)?.headers["content-type"], "text/plain");
  });

  it("fails a health check that is not 2xx, with the problem's detail", async () => {
    answers["GET /dev/healthz"] = { status: 503, headers: fleet(), body: { title: "Release unavailable", detail: "release sha256:… is corrupted" } };
    const result = await smokeRegion(region(), { expect: release, probes });
    assert.deepEqual(result.failures, ["GET /healthz answered 503 (release sha256:… is corrupted)"]);
  });

  it("fails a health check answered 300, and says why only from a problem's detail or title", async () => {
    answers["GET /dev/healthz"] = { status: 300, headers: fleet(), body: { title: "Multiple Choices" } };
    assert.deepEqual((await smokeRegion(region(), { probes })).failures, ["GET /healthz answered 300 (Multiple Choices)"]);
    answers["GET /dev/healthz"] = { status: 500, headers: fleet(), raw: "<html>oops</html>" };
    const result = await smokeRegion(region(), { probes });
    assert.deepEqual([result.failures, result.probes[0]], [["GET /healthz answered 500"], { method: "GET", path: "/healthz", status: 500, ok: false }]);
  });

  it("fails a region answered from another region, or without fleet's adapter", async () => {
    answers["GET /dev/healthz"] = { status: 200, headers: fleet("us-east-1") };
    assert.deepEqual((await smokeRegion(region(), { probes })).failures, ["GET /healthz was answered from region us-east-1, expected eu-west-1"]);
    answers["GET /dev/healthz"] = { status: 200 };
    assert.deepEqual((await smokeRegion(region(), { probes })).failures, [
      "GET /healthz carries no x-fleet-region header: the endpoint does not run fleet's Lambda adapter",
    ]);
  });

  it("fails a region on another release than expected, and passes it when nothing is expected", async () => {
    answers["GET /dev/healthz"] = { status: 200, headers: fleet("eu-west-1", other) };
    assert.deepEqual((await smokeRegion(region(), { expect: release, probes })).failures, [`GET /healthz answered with release ${other}, expected ${release}`]);
    assert.deepEqual((await smokeRegion(region(), { probes })).failures, []);
    answers["GET /dev/healthz"] = { status: 200, headers: { "x-fleet-region": "eu-west-1" } };
    assert.deepEqual((await smokeRegion(region(), { expect: release, probes })).failures, [`GET /healthz answered with release (none), expected ${release}`]);
  });

  it("fails an OpenAPI path that serves no OpenAPI 3 document, and skips it when the app has none", async () => {
    answers["GET /dev/spec.json"] = { status: 200, headers: fleet(), body: { swagger: "2.0" } };
    assert.deepEqual((await smokeRegion(region(), { probes })).failures, ["GET /spec.json answered 200 without an OpenAPI 3 document"]);
    delete answers["GET /dev/spec.json"];
    assert.deepEqual((await smokeRegion(region(), { probes })).failures, ["GET /spec.json answered 404 without an OpenAPI 3 document"]);
    const result = await smokeRegion(region(), { probes: { ...probes, openapi: undefined } });
    assert.deepEqual([result.ok, result.probes.length], [true, 3]);
    for (const answer of [
      { status: 200, headers: fleet(), body: { openapi: "2.0" } },
      { status: 500, headers: fleet(), body: { openapi: "3.0.3", paths: {} } },
      { status: 200, headers: fleet(), raw: "openapi: 3.0.3" },
    ]) {
      answers["GET /dev/spec.json"] = answer;
      assert.deepEqual((await smokeRegion(region(), { probes })).failures, [`GET /spec.json answered ${answer.status} without an OpenAPI 3 document`]);
    }
  });

  it("fails the OpenAPI path and each smoke call that does not answer, naming it, and goes on with the next", async () => {
    answers["GET /dev/spec.json"] = { status: 0, hangUp: true };
    answers["GET /dev/items?limit=1"] = { status: 0, hangUp: true };
    const result = await smokeRegion(region(), { probes });
    assert.deepEqual(result.failures.map((failure) => failure.replace(/ \(.*\) at .*/, "")), ["GET /spec.json: unreachable", "GET /items?limit=1: unreachable"]);
    assert.deepEqual(result.probes.map((p) => [p.method, p.path, p.status, p.ok]), [
      ["GET", "/healthz", 204, true],
      ["GET", "/spec.json", null, false],
      ["GET", "/items?limit=1", null, false],
      ["POST", "/items", 201, true],
    ]);
  });

  it("fails a smoke call that answers another status than its own, naming the call", async () => {
    answers["POST /dev/items"] = { status: 400, headers: fleet(), body: { title: "Bad Request", detail: "name is required" } };
    const result = await smokeRegion(region(), { probes });
    assert.deepEqual(result.failures, ["POST /items answered 400, expected 201 (name is required)"]);
    assert.deepEqual(result.probes.at(-1), { method: "POST", path: "/items", status: 400, ok: false });
  });

  it("keeps every probe under the region's base URL, even a path that looks like another host", async () => {
    answers["GET /dev//elsewhere.example/x"] = { status: 200, headers: fleet() };
    const result = await smokeRegion(region(), { probes: { health: "/healthz", smoke: [{ method: "GET", path: "//elsewhere.example/x", status: 200 }] } });
    assert.deepEqual(result.failures, []);
    assert.equal(seen.at(-1)?.url, "/dev//elsewhere.example/x");
  });

  it("fails an unreachable endpoint, naming it", async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const result = await smokeRegion(region(`http://127.0.0.1:${port}/dev/`), { expect: release, probes });
    assert.equal(result.ok, false);
    assert.deepEqual(result.probes, [{ method: "GET", path: "/healthz", status: null, ok: false }]);
    assert.match(result.failures[0]!, new RegExp(`^GET /healthz: unreachable \\(ECONNREFUSED\\) at http://127.0.0.1:${port}$`));
  });

  it("fails a region that does not answer in time", async () => {
    const slow = createServer(() => undefined);
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    try {
      const result = await smokeRegion(region(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/`), { probes, timeoutMs: 200 });
      assert.deepEqual(result.failures, ["GET /healthz: no answer within 200 ms (timed out)"]);
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  it("smokes every region at once, each with its own options, in the regions' order", async () => {
    answers["GET /dev/healthz"] = { status: 200, headers: fleet("eu-west-1", other) };
    const regions = [region(), { ...region(), key: "222222222222/eu-west-1", account: "222222222222" }];
    const results = await smokeRegions(regions, async (r) => ({ probes, expect: r.account === "222222222222" ? other : release }));
    assert.deepEqual(results.map((r) => [r.key, r.ok]), [["111111111111/eu-west-1", false], ["222222222222/eu-west-1", true]]);
  });

  it("fails a region without an endpoint", async () => {
    const result = await smokeRegion({ ...region(), url: undefined }, { probes });
    assert.deepEqual(result.failures, ["no endpoint: the region is not deployed"]);
  });
});

describe("storedProbes (rollout/probes.ts)", () => {
  it("gives each release the probes of its own manifest, read once per release, without an OpenAPI path when it has none", async () => {
    const read: string[] = [];
    const manifests: Record<string, { health: string; smoke: Probes["smoke"]; openapi: string | null }> = {
      [release]: { health: "/healthz", smoke: [{ method: "GET", path: "/a", status: 200 }], openapi: "/spec.json" },
      [other]: { health: "/up", smoke: [], openapi: null },
    };
    const store = { get: async (digest: string) => (read.push(digest), { manifest: { probes: manifests[digest]! } }) } as unknown as ReleaseStore;
    const probesOf = storedProbes(store);
    assert.deepEqual(await probesOf(release), { health: "/healthz", smoke: [{ method: "GET", path: "/a", status: 200 }], openapi: "/spec.json" });
    assert.deepEqual(await probesOf(other), { health: "/up", smoke: [], openapi: undefined });
    await probesOf(release);
    assert.deepEqual(read, [release, other]);
  });
});
