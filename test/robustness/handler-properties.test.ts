import assert from "node:assert/strict";
import fc from "fast-check";
import { eventKinds, requestModel, toEvent } from "./helpers/event-arbitraries";
import { loadBuiltHandler, testContext, withQuietOutput, type BuiltHandler } from "./helpers/built-handler";
import { bodyText, checkResultShape } from "./helpers/result-shape";

/**
 * Events per kind: 350 in `npm test` (six kinds, 2,100 events); `npm run fuzz` sets FLEET_FUZZ_RUNS=10000, i.e.
 * 10,000 events of each kind.
 */
const runs = Number(process.env.FLEET_FUZZ_RUNS ?? 350);
/** Set FLEET_FUZZ_SEED to replay a failure fast-check reported. */
const seed = process.env.FLEET_FUZZ_SEED === undefined ? undefined : Number(process.env.FLEET_FUZZ_SEED);

describe("the built Lambda handler under random events", function () {
  this.timeout(120_000 + runs * 20 * eventKinds.length);
  let handler: BuiltHandler;

  before(async () => {
    ({ handler } = await loadBuiltHandler());
  });

  for (const kind of eventKinds) {
    it(`answers ${runs} random ${kind} events (hostile header and query names among them) with a well-formed result, never a 5xx`, async () => {
      const statuses = new Set<number>();
      await withQuietOutput(() =>
        fc.assert(
          fc.asyncProperty(requestModel, fc.boolean(), async (model, nullMaps) => {
            const event = toEvent(kind, model, nullMaps);
            const untouched = structuredClone(event);
            const result = await handler(event, testContext());
            const headers = checkResultShape(kind, result);
            assert.deepEqual(event, untouched, "the handler mutated the event");
            const status = result.statusCode as number;
            statuses.add(status);
            assert.ok(status < 500, `answered ${status}: ${bodyText(result).slice(0, 300)}`);
            assert.equal(headers.get("x-content-type-options")?.join(), "nosniff");
            if (status >= 400 && model.method !== "HEAD") {
              assert.match(headers.get("content-type")?.join() ?? "", /^application\/problem\+json/);
              const problem = JSON.parse(bodyText(result)) as Record<string, unknown>;
              assert.equal(problem.status, status);
              assert.equal(typeof problem.title, "string");
              assert.equal(typeof problem.detail, "string");
              assert.equal(typeof problem.requestId, "string");
            }
          }),
          { numRuns: runs, seed },
        ),
      );
      // A generator that only ever produced 404s would pass the checks above and prove nothing.
      assert.ok(statuses.has(200), `${kind}: no event reached a route (statuses ${[...statuses].join(", ")})`);
      assert.ok([...statuses].some((s) => s >= 400), `${kind}: no event was rejected (statuses ${[...statuses].join(", ")})`);
    });
  }

  it(`never rejects on ${Math.round(runs / 2)} arbitrary non-events, answering a 5xx problem instead of failing the invocation`, async () => {
    await withQuietOutput(() =>
      fc.assert(
        fc.asyncProperty(fc.anything(), async (event) => {
          const result = await handler(event, testContext());
          assert.equal(typeof result, "object");
          assert.ok((result.statusCode as number) >= 500, `statusCode ${String(result.statusCode)}`);
          assert.equal(typeof result.body, "string");
        }),
        { numRuns: Math.round(runs / 2), seed },
      ),
    );
  });
});
