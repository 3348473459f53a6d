import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { smokeRegion } from "../../rollout/smoke";
import type { LiveRegion } from "../../targets/target";

const release = `sha256:${"d".repeat(64)}` as const;

describe("smokeRegion", () => {
  let server: Server;
  let base: string;
  let health: { status: number; body: unknown };
  before(async () => {
    server = createServer((req, res) => {
      const send = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (req.url === "/dev/health") return send(health.status, health.body);
      if (req.url === "/dev/openapi.json") return send(200, { openapi: "3.1.0" });
      if (req.url === "/dev/v1/greetings/fleet") return send(200, { greeting: "Hello, fleet!" });
      send(404, {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev/`;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  const region = (url: string | undefined): LiveRegion => ({ key: "111111111111/eu-west-1", account: "111111111111", region: "eu-west-1", url, release });

  it("passes a region that reports itself, the expected release and serves the contract", async () => {
    health = { status: 200, body: { status: "ok", region: "eu-west-1", release } };
    const result = await smokeRegion(region(base), { expect: release });
    assert.deepEqual([result.ok, result.status, result.release, result.failures], [true, 200, release, []]);
  });

  it("fails a region that answers for another region or another release", async () => {
    health = { status: 200, body: { status: "ok", region: "us-east-1", release: `sha256:${"e".repeat(64)}` } };
    const result = await smokeRegion(region(base), { expect: release });
    assert.equal(result.ok, false);
    assert.deepEqual(result.failures, [`/health reports region "us-east-1", expected eu-west-1`, `/health reports release sha256:${"e".repeat(64)}, expected ${release}`]);
  });

  it("shows why a region answers an error when it says so in problem+json", async () => {
    health = { status: 503, body: { type: "about:blank", title: "Release unavailable", status: 503, detail: "release sha256:… is corrupted" } };
    const result = await smokeRegion(region(base), { expect: release });
    assert.deepEqual(result.failures, ["/health answered 503 (release sha256:… is corrupted)"]);
  });

  it("fails an unreachable endpoint, naming it", async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const result = await smokeRegion(region(`http://127.0.0.1:${port}/dev/`), { expect: release });
    assert.equal(result.ok, false);
    assert.match(result.failures[0]!, new RegExp(`^/health: unreachable \\(ECONNREFUSED\\) at http://127.0.0.1:${port}$`));
  });

  it("fails a region without an endpoint", async () => {
    const result = await smokeRegion(region(undefined));
    assert.deepEqual(result.failures, ["no endpoint: the region is not deployed"]);
  });
});
