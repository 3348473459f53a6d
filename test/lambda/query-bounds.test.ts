import assert from "node:assert/strict";
import fc from "fast-check";
import Koa from "koa";
import { createHandler } from "../../lambda/create-handler";
import { parseQuery, useLinearQueryParser } from "../../lambda/linear-query";
import type { LambdaResult } from "../../lambda/processors/event-processor";
import { queryLimits } from "../../lambda/query-string";
import { lambdaContext } from "../helpers/aws-events";
import { type EventObject, events } from "./events";

/** Any app that reads `ctx.query` on every route, as the example does even where no query is expected. */
function queryReadingApp(): Koa {
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = { pairs: Object.keys(ctx.query).length, lang: ctx.query.lang ?? null };
  });
  return app;
}

// koa's own parser (lib/search-params.js), the reference the linear one must match.
const koaSearchParams = require("koa/lib/search-params") as { parse(text: string): Record<string, string | string[]> };

const handler = createHandler(queryReadingApp(), { log: () => undefined });

/** `n` pairs `a&a&…` (the reproduction: 4,000 pairs are 8 KB) in each format's own fields. */
const hostile = {
  httpV2: (n: number): EventObject => ({ ...events.httpV2(), rawQueryString: Array(n).fill("a").join("&") }),
  restV1: (n: number): EventObject => ({ ...events.restV1(), queryStringParameters: { a: "" }, multiValueQueryStringParameters: { a: Array(n).fill("") } }),
  albMulti: (n: number): EventObject => ({ ...events.albMultiValue(), multiValueQueryStringParameters: { a: Array(n).fill("") } }),
};
const plain: EventObject = { ...events.httpV2(), rawQueryString: "lang=en" };

function statusOf(result: LambdaResult): number {
  return (result as { statusCode: number }).statusCode;
}

function problemOf(result: LambdaResult): { status: number; detail: string } {
  const r = result as { headers?: Record<string, string>; multiValueHeaders?: Record<string, string[]>; body: string };
  assert.match(r.headers?.["content-type"] ?? r.multiValueHeaders?.["content-type"]?.[0] ?? "", /^application\/problem\+json/);
  return JSON.parse(r.body);
}

/**
 * The CPU time (user + system, ns) this process spends in `run`: not wall time, which on a loaded machine grows
 * with every preemption, more often for a longer call (linear work measured 12x for 4x the input under load).
 */
async function cpuTimeOf(run: () => Promise<unknown>): Promise<number> {
  const start = process.cpuUsage();
  await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) * 1000;
}

/**
 * Median over rounds of the per-round median CPU time of `calls` invocations of each event, the events interleaved
 * so a slow moment of the machine hits all of them alike: what the ratios below compare (never an absolute time).
 */
async function medianTimes(cases: Record<string, () => Promise<unknown>>, rounds = 9, calls = 15): Promise<Record<string, number>> {
  const perRound: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (const run of Object.values(cases)) for (let i = 0; i < 20; i++) await run(); // warm up
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(cases)) {
      const times: number[] = [];
      for (let i = 0; i < calls; i++) times.push(await cpuTimeOf(run));
      perRound[name]!.push(median(times));
    }
  }
  return Object.fromEntries(Object.entries(perRound).map(([name, values]) => [name, median(values)]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe("Lambda adapter: the query string is bounded and parsed in linear time, for any app", function () {
  this.timeout(60_000);

  it("answers the 4,000- and 16,000-pair queries, and the 1,000 pairs the app reads, within a small multiple of a plain request (ratio measured in this run)", async () => {
    const cases: Record<string, () => Promise<unknown>> = { plain: () => handler(plain, lambdaContext()) };
    for (const [format, build] of Object.entries(hostile)) {
      // 1,000 pairs is the most the app is handed, and it reads ctx.query: parsed, they cost up to ~5x a plain
      // request (measured), with koa's own parser ~250x.
      for (const n of [queryLimits.pairs, 4000, 16000]) {
        const event = build(n);
        cases[`${format} ${n}`] = () => handler(event, lambdaContext());
      }
    }
    // Three timed calls of each first, the code paths warmed by queries just past the limit: a quadratic parse
    // (4,000 pairs: ~250 ms) fails here, before the loops below.
    for (const build of Object.values(hostile)) for (let i = 0; i < 20; i++) await handler(build(queryLimits.pairs + 1), lambdaContext());
    const plainOnce = await medianTimes({ plain: cases.plain! }, 3, 15);
    for (const [name, run] of Object.entries(cases)) {
      let fastest = Infinity;
      for (let i = 0; i < 3; i++) fastest = Math.min(fastest, await cpuTimeOf(run));
      const ratio = fastest / plainOnce.plain!;
      assert.ok(ratio < 50, `${name}: the fastest of three calls took ${ratio.toFixed(0)}x a plain request`);
    }
    const times = await medianTimes(cases);
    for (const [name, time] of Object.entries(times)) {
      if (name === "plain") continue;
      const ratio = time / times.plain!;
      const bound = name.endsWith(` ${queryLimits.pairs}`) ? 25 : 5;
      assert.ok(ratio < bound, `${name}: ${(time / 1e6).toFixed(3)} ms, ${ratio.toFixed(1)}x a plain request (${(times.plain! / 1e6).toFixed(3)} ms)`);
    }
  });

  it("answers 400 problem+json past 1,000 pairs and 414 past 32,768 characters, before the app runs", async () => {
    for (const [format, build] of Object.entries(hostile)) {
      const tooMany = await handler(build(queryLimits.pairs + 1), lambdaContext());
      assert.equal(statusOf(tooMany), 400, format);
      assert.match(problemOf(tooMany).detail, /more than 1000 parameters.*Fix:/);
    }
    const long = await handler({ ...events.httpV2(), rawQueryString: `q=${"x".repeat(queryLimits.characters)}` }, lambdaContext());
    assert.equal(statusOf(long), 414);
    assert.match(problemOf(long).detail, /32770 characters long, over the 32768.*Fix:/);
  });

  it("hands the app a query of exactly 1,000 pairs, every value kept", async () => {
    for (const [format, build] of Object.entries(hostile)) {
      const result = await handler(build(queryLimits.pairs), lambdaContext());
      assert.equal(statusOf(result), 200, format);
      assert.equal(JSON.parse((result as { body: string }).body).pairs, 1, format);
    }
    const distinct = Array.from({ length: queryLimits.pairs }, (_, i) => `k${i}=v`).join("&");
    const result = await handler({ ...events.httpV2(), rawQueryString: distinct }, lambdaContext());
    assert.deepEqual(JSON.parse((result as { body: string }).body), { pairs: 1000, lang: null });
  });

  it("parses exactly as koa's own parser does, on random queries with hostile names (differential)", () => {
    const piece = fc.constantFrom("a", "b", "__proto__", "constructor", "toString", "hasOwnProperty", "%ZZ", "%E0%A4%A", "%", "+", "%20", "é", "=", "");
    const query = fc.array(fc.tuple(fc.array(piece, { maxLength: 3 }), fc.array(piece, { maxLength: 3 }), fc.boolean()), { maxLength: 12 });
    fc.assert(
      fc.property(query, (pairs) => {
        const text = pairs.map(([key, value, hasValue]) => (hasValue ? `${key.join("")}=${value.join("")}` : key.join(""))).join("&");
        const ours = parseQuery(text);
        const koas = koaSearchParams.parse(text);
        assert.deepEqual(Object.entries(ours), Object.entries(koas), text);
        assert.equal(Object.getPrototypeOf(ours), Object.getPrototypeOf(koas));
      }),
      { numRuns: 500 },
    );
    assert.equal(Object.getOwnPropertyDescriptor(parseQuery("__proto__=x"), "__proto__")?.value, "x");
  });

  it("parses in linear time: 16,000 pairs cost ~50 times 500 (koa's own parser: ~600 times), ratio measured in this run", async () => {
    const app = new Koa();
    useLinearQueryParser(app);
    const queryOf = (text: string) => () => {
      // A fresh context each time, as each request gets: koa caches the parse per request.
      const ctx = app.createContext({ url: `/?${text}`, headers: {}, socket: {} } as never, {} as never);
      return Promise.resolve(Object.keys(ctx.query).length);
    };
    const pairs = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=v`).join("&");
    const small = queryOf(pairs(500));
    const large = queryOf(pairs(16000));
    // One call of the large first: a quadratic parse (seconds for 16,000 pairs) fails here, before the rounds.
    for (let i = 0; i < 5; i++) await small();
    const smallest = Math.min(await cpuTimeOf(small), await cpuTimeOf(small), await cpuTimeOf(small));
    const first = (await cpuTimeOf(large)) / smallest;
    assert.ok(first < 200, `one parse of 16,000 pairs took ${first.toFixed(0)}x one of 500 (linear: ~50, koa's own parser: ~600)`);
    // Measured: linear 30-76x on a first call and ~50x in the rounds, koa's own parser 560-645x; the bounds sit ~3x from each.
    const times = await medianTimes({ small, large }, 7, 5);
    const ratio = times.large! / times.small!;
    assert.ok(ratio < 150, `16,000 pairs took ${ratio.toFixed(1)}x the time of 500 (linear: ~50, koa's own parser: ~600)`);
  });

  it("keeps koa's setter: ctx.query = { ... } rewrites the query string", () => {
    const app = new Koa();
    useLinearQueryParser(app);
    const ctx = app.createContext({ url: "/x?a=1", headers: {}, socket: {} } as never, {} as never);
    ctx.query = { b: ["2", "3"] };
    assert.equal(ctx.querystring, "b=2&b=3");
    assert.deepEqual(ctx.query.b, ["2", "3"]);
  });
});
