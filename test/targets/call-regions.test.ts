import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { callRegion, callRegions } from "../../targets/call-regions";
import type { LiveRegion } from "../../targets/target";

const region = (url: string | undefined, name = "us-east-1"): LiveRegion => ({ key: `111111111111/${name}`, account: "111111111111", region: name, url, release: undefined });

describe("callRegion", () => {
  let server: Server;
  let base: string;
  before(async () => {
    server = createServer((req, res) => {
      if (req.url === "/moved") {
        res.writeHead(302, { location: "/elsewhere" }).end();
      } else if (req.url === "/nul") {
        res.writeHead(200, { "content-type": "application/octet-stream" }).end(Buffer.from([0x00, 0x01, 0x41]));
      } else if (req.url === "/pixel") {
        res.writeHead(200, { "content-type": "image/png", "x-fleet-release": "sha256:abc" }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]));
      } else {
        res.setHeader("set-cookie", ["a=1", "b=2"]);
        res.writeHead(418, { "content-type": "text/plain", "x-fleet-release": "sha256:abc" }).end("I'm a teapot");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("counts any HTTP status as an answer, with its release header, headers and text body", async () => {
    const answer = await callRegion(region(base), { method: "GET", path: "/tea", headers: [] });
    assert.equal(answer.status, 418);
    assert.equal(answer.error, null);
    assert.equal(answer.release, "sha256:abc");
    assert.equal(answer.url, `${base}tea`);
    assert.equal(answer.headers["set-cookie"], "a=1, b=2");
    assert.deepEqual([answer.body, answer.bodyEncoding], ["I'm a teapot", "utf8"]);
  });

  it("reports a redirect as the region's answer instead of following it", async () => {
    const answer = await callRegion(region(base), { method: "GET", path: "/moved", headers: [] });
    assert.equal(answer.status, 302);
    assert.equal(answer.headers.location, "/elsewhere");
  });

  it("gives a body that is not UTF-8 text in base64, and one that decodes as UTF-8 but holds NUL (binary) too", async () => {
    const pixel = await callRegion(region(base), { method: "GET", path: "/pixel", headers: [] });
    assert.deepEqual([pixel.body, pixel.bodyEncoding], [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]).toString("base64"), "base64"]);
    const nul = await callRegion(region(base), { method: "GET", path: "/nul", headers: [] });
    assert.deepEqual([nul.body, nul.bodyEncoding], [Buffer.from([0x00, 0x01, 0x41]).toString("base64"), "base64"]);
  });

  it("says a region with no endpoint did not answer, without calling anything", async () => {
    const answer = await callRegion(region(undefined), { method: "GET", path: "/health", headers: [] });
    assert.equal(answer.status, null);
    assert.equal(answer.url, null);
    assert.match(answer.error ?? "", /^no endpoint: .*Fix: deploy the stack/);
  });

  it("says an unreachable region did not answer, naming the error and the origin, and still answers for the others", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const seen: string[] = [];
    const answers = await callRegions([region(base), region(`http://127.0.0.1:${port}/`, "eu-west-1")], { method: "GET", path: "/tea", headers: [] }, (a) => seen.push(a.key));
    assert.deepEqual(answers.map((a) => a.status), [418, null]);
    assert.match(answers[1]!.error ?? "", new RegExp(`^unreachable \\(ECONNREFUSED\\) at http://127\\.0\\.0\\.1:${port}\\. Fix: `));
    assert.deepEqual(seen.sort(), ["111111111111/eu-west-1", "111111111111/us-east-1"]);
  });
});
