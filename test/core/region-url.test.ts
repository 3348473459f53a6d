import assert from "node:assert/strict";
import { regionUrl } from "../../core/region-url";

describe("regionUrl", () => {
  it("appends the path to a REST base URL, keeping its stage prefix and the query string", () => {
    assert.equal(regionUrl("https://abc.execute-api.eu-west-1.amazonaws.com/prod/", "/v1/greetings/Ada?lang=fr"), "https://abc.execute-api.eu-west-1.amazonaws.com/prod/v1/greetings/Ada?lang=fr");
  });

  it("treats a base URL without a trailing slash as a folder (stack outputs may lack it)", () => {
    assert.equal(regionUrl("https://abc.execute-api.eu-west-1.amazonaws.com/prod", "/health"), "https://abc.execute-api.eu-west-1.amazonaws.com/prod/health");
    assert.equal(regionUrl("http://127.0.0.1:3000", "/health"), "http://127.0.0.1:3000/health");
  });

  it("never leaves the region's host or stage: '//x' and '/http://other/' stay paths under the base", () => {
    assert.equal(regionUrl("http://127.0.0.1:3000/prod/", "//evil.example/x"), "http://127.0.0.1:3000/prod//evil.example/x");
    assert.equal(regionUrl("http://127.0.0.1:3000/prod/", "/http://evil.example/"), "http://127.0.0.1:3000/prod/http://evil.example/");
  });

  it("refuses a path without a leading slash", () => {
    assert.throws(() => regionUrl("http://127.0.0.1:3000/", "health"), /path 'health' must start with '\/'/);
  });
});
