import assert from "node:assert/strict";
import { shortRequestId } from "../../emulator/events/request";
import { loadAwsEvent } from "../helpers/aws-events";

/** Real HTTP API request ids and REST extended request ids, from captured events in the fixtures. */
const capturedIds = [
  ["aws-lambda-go/events/testdata/apigw-v2-request-no-authorizer.json", "requestId"],
  ["powertools-lambda-typescript/apigw-http/no-auth.json", "requestId"],
  ["aws-lambda-dotnet/Libraries/test/Amazon.Lambda.AspNetCoreServer.Test/cookies-get-multiple-httpapi-v2-request.json", "requestId"],
  ["aws-lambda-rust-runtime/lambda-http/tests/data/lambda_function_url_request.json", "requestId"],
  ["powertools-lambda-typescript/apigw-rest/no-auth.json", "extendedRequestId"],
  ["aws-lambda-go/events/testdata/apigw-request.json", "extendedRequestId"],
] as const;

// 15 characters of the URL-safe base64 alphabet and one '=': what every captured short id looks like.
const shortIdFormat = /^[A-Za-z0-9_-]{15}=$/;

describe("shortRequestId (the HTTP API requestId and REST extendedRequestId the emulator writes)", () => {
  it("matches the format of the ids in the captured events", () => {
    for (const [file, field] of capturedIds) {
      const event = loadAwsEvent(file) as { requestContext: Record<string, string> };
      assert.match(event.requestContext[field]!, shortIdFormat, file);
    }
  });

  it("writes ids in that format, never with '+' or '/' (regression: plain base64 ids)", () => {
    // 2 of 64 characters were wrong per position before, so 500 ids of 15 characters would certainly show one.
    const ids = Array.from({ length: 500 }, shortRequestId);
    for (const id of ids) assert.match(id, shortIdFormat);
    assert.equal(new Set(ids).size, ids.length, "ids are unique");
  });
});
