import assert from "node:assert/strict";
import Koa from "koa";
import { createHandler } from "../../lambda/create-handler";
import { lambdaContext } from "../helpers/aws-events";
import { events } from "./events";

/** Creates a handler with FLEET_RELEASE and AWS_REGION set as Lambda would (read once, at creation). */
function handlerIn(env: { FLEET_RELEASE?: string; AWS_REGION?: string }, app: Koa) {
  const saved = { FLEET_RELEASE: process.env.FLEET_RELEASE, AWS_REGION: process.env.AWS_REGION };
  for (const key of ["FLEET_RELEASE", "AWS_REGION"] as const) {
    if (env[key] === undefined) delete process.env[key];
    else process.env[key] = env[key];
  }
  try {
    return createHandler(app, { log: () => undefined });
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

const digest = `sha256:${"c".repeat(64)}`;

describe("x-fleet-release and x-fleet-region (the adapter's own headers)", () => {
  it("stamps the function's release and region on every answer of every event format", async () => {
    const app = new Koa();
    app.use((ctx) => {
      ctx.body = { ok: true };
    });
    const handler = handlerIn({ FLEET_RELEASE: digest, AWS_REGION: "ap-south-1" }, app);
    for (const event of [events.restV1(), events.httpV2(), events.albSingleValue(), events.functionUrl()]) {
      const response = await handler(event, lambdaContext());
      assert.ok("headers" in response && response.headers);
      assert.equal(response.headers["x-fleet-release"], digest);
      assert.equal(response.headers["x-fleet-region"], "ap-south-1");
    }
  });

  it("wins over the app's own values: smoke can trust them", async () => {
    const app = new Koa();
    app.use((ctx) => {
      ctx.set("x-fleet-release", "sha256:forged");
      ctx.set("x-fleet-region", "moon-1");
      ctx.body = "x";
    });
    const response = await handlerIn({ FLEET_RELEASE: digest, AWS_REGION: "eu-west-1" }, app)(events.httpV2(), lambdaContext());
    assert.ok("headers" in response && response.headers);
    assert.deepEqual([response.headers["x-fleet-release"], response.headers["x-fleet-region"]], [digest, "eu-west-1"]);
  });

  it("is on the adapter's own answers too (a 400 for a bad body, a 500 when the app's answer is unusable)", async () => {
    const app = new Koa();
    app.use(() => {
      throw new Error("never reached");
    });
    const handler = handlerIn({ FLEET_RELEASE: digest, AWS_REGION: "us-west-2" }, app);
    const bad = await handler({ ...events.restV1(), body: "not base64!", isBase64Encoded: true }, lambdaContext());
    assert.ok("statusCode" in bad && "headers" in bad && bad.headers);
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.headers["x-fleet-release"], digest);
    const broken = await handler({ ...events.httpV2(), requestContext: { http: "nope" } }, lambdaContext());
    assert.ok("statusCode" in broken && "headers" in broken && broken.headers);
    assert.equal(broken.statusCode, 500);
    assert.equal(broken.headers["x-fleet-region"], "us-west-2");
  });

  it("says dev and local outside a deployed function (a build of the working tree)", async () => {
    const app = new Koa();
    app.use((ctx) => {
      ctx.body = "x";
    });
    const response = await handlerIn({}, app)(events.httpV2(), lambdaContext());
    assert.ok("headers" in response && response.headers);
    assert.deepEqual([response.headers["x-fleet-release"], response.headers["x-fleet-region"]], ["dev", "local"]);
  });
});
