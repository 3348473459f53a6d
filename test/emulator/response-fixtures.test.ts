import assert from "node:assert/strict";
import { httpV2 } from "../../emulator/events/http-v2";
import { restV1 } from "../../emulator/events/rest-v1";
import { loadAwsEvent } from "../helpers/aws-events";

const goEvents = "aws-lambda-go/events/testdata";

describe("emulator responses from the captured handler results (what the client gets back)", () => {
  it("REST: apigw-response.json becomes its status, every multiValueHeaders value once, and its body", () => {
    const result = loadAwsEvent(`${goEvents}/apigw-response.json`) as { multiValueHeaders: Record<string, string[]> };
    const response = restV1.toResponse(result);
    assert.equal(response.status, 200);
    // Every name is in both maps: API Gateway keeps the multiValueHeaders values and does not repeat them.
    const expected = Object.entries(result.multiValueHeaders).flatMap(([name, values]) => values.map((value) => [name, value]));
    assert.deepEqual(response.headers, expected);
    assert.equal(response.body.toString("utf8"), "Hello World");
  });

  it("HTTP API: lambda-urls-response.json becomes 201, its headers, one Set-Cookie per cookies[] entry and its body", () => {
    const response = httpV2.toResponse(loadAwsEvent(`${goEvents}/lambda-urls-response.json`));
    assert.deepEqual(response, {
      status: 201,
      headers: [
        ["Content-Type", "application/json"],
        ["My-Custom-Header", "Custom Value"],
        ["set-cookie", "Cookie_1=Value1; Expires=21 Oct 2021 07:48 GMT"],
        ["set-cookie", "Cookie_2=Value2; Max-Age=78000"],
      ],
      body: Buffer.from('{ "message": "Hello, world!" }'),
    });
  });
});
