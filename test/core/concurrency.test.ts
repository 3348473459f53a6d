import assert from "node:assert/strict";
import { concurrencyDemand, concurrencyRule, concurrencyShortfall, minimumUnreservedConcurrency } from "../../core/concurrency";

describe("Lambda's unreserved concurrency rule (core/concurrency.ts)", () => {
  it("takes the reservation from the pool, else provisioned concurrency on both versions of a move, else nothing", () => {
    assert.equal(concurrencyDemand({ reservedConcurrency: 100, provisionedConcurrency: 2 }), 100);
    assert.equal(concurrencyDemand({ provisionedConcurrency: 3 }), 6);
    assert.equal(concurrencyDemand({}), 0);
    assert.equal(concurrencyRule({}), undefined);
    assert.deepEqual({ ...concurrencyRule({ reservedConcurrency: 100 }), text: undefined }, { demand: 100, requiredUnreserved: 200, text: undefined });
  });

  it("accepts a region that keeps exactly 100 unreserved after the reservation, and refuses one short of it", () => {
    assert.equal(minimumUnreservedConcurrency, 100);
    assert.equal(concurrencyShortfall({ reservedConcurrency: 100 }, { limit: 1000, unreserved: 200, held: 0 }), undefined);
    assert.match(concurrencyShortfall({ reservedConcurrency: 100 }, { limit: 1000, unreserved: 199, held: 0 }) ?? "", /needs 200 unreserved .* the account has 199 available/);
  });

  it("counts what the function already holds as available to it", () => {
    // Redeploying a function that reserves 100 in an account with 100 left unreserved: nothing changes.
    assert.equal(concurrencyShortfall({ reservedConcurrency: 100 }, { limit: 200, unreserved: 100, held: 100 }), undefined);
    // Raising it to 150 there needs 50 more than the pool can give.
    assert.match(
      concurrencyShortfall({ reservedConcurrency: 150 }, { limit: 200, unreserved: 100, held: 100 }) ?? "",
      /needs 250 .* has 200 available \(limit 200, unreserved 100, 100 already held by the function\)\. Fix: request a quota increase of "Concurrent executions" \(Service Quotas, AWS Lambda\) to at least 250 in this region, or lower fleet:reservedConcurrency to at most 100$/,
    );
  });

  it("on a new account's reduced quota, names the quota to request and offers no reservation to lower to", () => {
    const message = concurrencyShortfall({ reservedConcurrency: 100 }, { limit: 10, unreserved: 10, held: 0 }) ?? "";
    assert.match(message, /to at least 200 in this region$/);
    assert.doesNotMatch(message, /lower/);
  });

  it("states provisioned concurrency without a reservation per version", () => {
    assert.match(
      concurrencyShortfall({ provisionedConcurrency: 10 }, { limit: 110, unreserved: 110, held: 0 }) ?? "",
      /^fleet:provisionedConcurrency 10 \(on two versions while live moves\) needs 120 .* or lower fleet:provisionedConcurrency to at most 5$/,
    );
  });
});
