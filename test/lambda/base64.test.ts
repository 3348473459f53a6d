import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeBase64Strict, decodeEventBody, InvalidBase64BodyError } from "../../lambda/base64";

describe("decodeBase64Strict", () => {
  it("round-trips any bytes Buffer encodes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        assert.deepEqual(decodeBase64Strict(Buffer.from(bytes).toString("base64")), Buffer.from(bytes));
      }),
    );
  });

  it("refuses a valid encoding with any one character replaced by one outside the alphabet", () => {
    const outside = fc.constantFrom(" ", "\n", "-", "_", "!", "*", ".", "é", "%");
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 60 }), fc.nat(), outside, (bytes, at, char) => {
        const text = Buffer.from(bytes).toString("base64");
        const index = at % text.length;
        const broken = text.slice(0, index) + char + text.slice(index + 1);
        assert.throws(() => decodeBase64Strict(broken), InvalidBase64BodyError);
      }),
    );
  });

  it("refuses missing, misplaced and excess padding", () => {
    for (const text of ["Zg", "Zg=", "Zm8", "Z===", "=Zm8", "Zg==Zg==", "Zm9v=", "===="]) {
      assert.throws(() => decodeBase64Strict(text), InvalidBase64BodyError, text);
    }
  });
});

describe("decodeEventBody", () => {
  it("treats null, undefined and '' as an empty body, whatever the flag says", () => {
    for (const body of [null, undefined, ""]) {
      assert.equal(decodeEventBody(body, true).length, 0);
      assert.equal(decodeEventBody(body, false).length, 0);
    }
  });

  it("reads an unflagged body as UTF-8 text, even when it looks like base64", () => {
    assert.equal(decodeEventBody("Zm9v", false).toString("utf8"), "Zm9v");
    assert.equal(decodeEventBody("Zm9v", true).toString("utf8"), "foo");
  });
});
