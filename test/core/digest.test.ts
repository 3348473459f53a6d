import assert from "node:assert/strict";
import { digestOf, resolveDigest, type Digest } from "../../core/digest";
import { FleetError } from "../../core/errors";

const a = `sha256:abcdef012345${"a".repeat(52)}` as Digest;
const b = `sha256:abcdef012345${"b".repeat(52)}` as Digest;
const c = digestOf("c");

function refusal(input: string, known: Digest[]): string {
  try {
    resolveDigest(input, known);
  } catch (error) {
    assert.ok(error instanceof FleetError, String(error));
    return error.message;
  }
  assert.fail(`${input} was accepted`);
}

describe("resolveDigest (core/digest.ts): a release named as git names commits", () => {
  it("takes a whole digest as given, known or not", () => {
    assert.equal(resolveDigest(c, []), c);
    assert.equal(resolveDigest(c.toUpperCase().replace("SHA256", "sha256"), []), c);
  });

  it("takes a prefix of 12 or more hex digits that one known release starts with, with or without sha256:", () => {
    assert.equal(resolveDigest(c.slice(0, 19), [a, b, c]), c);
    assert.equal(resolveDigest(c.slice(7, 7 + 20), [a, b, c]), c);
    assert.equal(resolveDigest(`sha256:abcdef012345a`, [a, b, c]), a);
  });

  it("refuses a prefix several releases start with, listing them", () => {
    assert.equal(refusal("sha256:abcdef012345", [a, b, c]), `'sha256:abcdef012345' is ambiguous: 2 releases start with it:\n  ${a}\n  ${b}\nFix: give more digits`);
  });

  it("refuses a prefix shorter than 12 digits, one nothing starts with, and what is not hex", () => {
    assert.match(refusal("sha256:abcdef01234", [a]), /too short to name one release: give at least 12 hex digits/);
    assert.match(refusal("0123456789abcdef", [a, b]), /'0123456789abcdef' matches no release in the store/);
    assert.match(refusal("sha256:xyz", [a]), /'sha256:xyz' is not a release digest/);
    assert.match(refusal(`${c}0`, [c]), /is not a release digest/);
  });
});
