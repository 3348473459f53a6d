import assert from "node:assert/strict";
import Koa from "koa";
import { createHandler } from "../../lambda/create-handler";
import { shapeOf } from "../emulator/shape";
import { lambdaContext, loadAwsEvent } from "../helpers/aws-events";
import { events } from "./events";

describe("Lambda handler ALB answers against the captured ALB response (alb-lambda-target-response.json)", () => {
  it("answers a multi-value ALB event in the captured response's shape, with the same status, cookies and body", async () => {
    const captured = loadAwsEvent("aws-lambda-go/events/testdata/alb-lambda-target-response.json") as Record<string, any>;
    const app = new Koa();
    app.use(async (ctx) => {
      ctx.append("Set-Cookie", captured.multiValueHeaders["Set-cookie"]);
      ctx.type = "application/json";
      ctx.body = captured.body;
    });
    const response = await createHandler(app)(events.albMultiValue(), lambdaContext());

    // With multi-value headers on, ALB reads only multiValueHeaders: the captured single-value map is not needed.
    const options = { records: ["multiValueHeaders"], ignore: ["headers"] };
    assert.deepEqual(shapeOf(response, options), shapeOf(captured, options));
    assert.ok("multiValueHeaders" in response && response.multiValueHeaders);
    assert.deepEqual(
      { statusCode: response.statusCode, statusDescription: "statusDescription" in response && response.statusDescription, body: response.body, isBase64Encoded: response.isBase64Encoded },
      { statusCode: captured.statusCode, statusDescription: captured.statusDescription, body: captured.body, isBase64Encoded: captured.isBase64Encoded },
    );
    assert.deepEqual(response.multiValueHeaders["set-cookie"], captured.multiValueHeaders["Set-cookie"]);
    assert.deepEqual(response.multiValueHeaders["content-type"], ["application/json; charset=utf-8"]);
  });
});
