import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Digest } from "../../core/digest";
import { digestOfVersion, versionsToDelete, type PublishedVersion } from "../../targets/version-retention";

const zip = (n: number) => Buffer.from(`release ${n}`);
const digestOf = (n: number) => `sha256:${createHash("sha256").update(zip(n)).digest("hex")}` as Digest;
/** What Lambda reports as CodeSha256 for the same zip. */
const version = (v: number, release: number): PublishedVersion => ({ version: String(v), codeSha256: createHash("sha256").update(zip(release)).digest("base64") });

describe("which Lambda versions go (targets/version-retention.ts)", () => {
  it("reads a version's release digest from Lambda's CodeSha256", () => {
    assert.equal(digestOfVersion(version(1, 7)), digestOf(7));
  });

  it("keeps the newest version of each release to keep and everything referenced, deleting the rest oldest first", () => {
    const versions = [version(3, 1), version(1, 1), version(2, 2), version(4, 3), version(5, 1), version(6, 4)];
    const refs = { aliases: [{ name: "live", version: "6", weighted: ["4"] }], provisioned: ["live"] };
    assert.deepEqual(versionsToDelete(versions, refs, [digestOf(1)]), ["1", "2", "3"]);
    assert.deepEqual(versionsToDelete(versions, refs, [digestOf(2), digestOf(1)]), ["1", "3"]);
    assert.deepEqual(versionsToDelete(versions, { aliases: [], provisioned: ["2"] }, []), ["1", "3", "4", "5", "6"]);
  });

  it("never offers $LATEST or a non-numbered qualifier", () => {
    assert.deepEqual(versionsToDelete([{ version: "$LATEST", codeSha256: version(1, 1).codeSha256 }, version(1, 1)], { aliases: [], provisioned: [] }, []), ["1"]);
  });
});
