import assert from "node:assert/strict";
import { normalizeBasePath, stripPathPrefix, toRequestPath } from "../../lambda/request-path";

describe("request path helpers", () => {
  it("normalizeBasePath: adds the leading slash, drops trailing ones, treats '' and '/' as none", () => {
    assert.equal(normalizeBasePath("api"), "/api");
    assert.equal(normalizeBasePath("/api//"), "/api");
    assert.equal(normalizeBasePath("/v1/api"), "/v1/api");
    assert.equal(normalizeBasePath("/"), undefined);
    assert.equal(normalizeBasePath(""), undefined);
    assert.equal(normalizeBasePath(undefined), undefined);
  });

  it("stripPathPrefix: strips a whole leading segment run only", () => {
    assert.equal(stripPathPrefix("/api/x", "/api"), "/x");
    assert.equal(stripPathPrefix("/api", "/api"), "/");
    assert.equal(stripPathPrefix("/api/", "/api"), "/");
    assert.equal(stripPathPrefix("/apiary", "/api"), "/apiary");
    assert.equal(stripPathPrefix("/x/api", "/api"), "/x/api");
    assert.equal(stripPathPrefix("/API/x", "/api"), "/API/x", "paths are case-sensitive");
    assert.equal(stripPathPrefix("/api/x", undefined), "/api/x");
  });

  it("toRequestPath: keeps %XX as delivered, encodes what a path cannot hold, always starts with /", () => {
    assert.equal(toRequestPath("/a%2Fb%zz"), "/a%2Fb%zz");
    assert.equal(toRequestPath("/a b/ü/?#"), "/a%20b/%C3%BC/%3F%23");
    assert.equal(toRequestPath("/-._~!$&'()*+,;=:@"), "/-._~!$&'()*+,;=:@");
    assert.equal(toRequestPath("x"), "/x");
    assert.equal(toRequestPath("/😀"), "/%F0%9F%98%80");
  });
});
