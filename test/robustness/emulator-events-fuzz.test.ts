import assert from "node:assert/strict";
import fc from "fast-check";
import { httpV2 } from "../../emulator/events/http-v2";
import type { ApiIdentity, ReceivedRequest } from "../../emulator/events/request";
import { restV1 } from "../../emulator/events/rest-v1";
import { hostileName } from "./helpers/event-arbitraries";

/** Cases per property: 2,000 in `npm test`; `npm run fuzz` sets FLEET_FUZZ_RUNS=10000. */
const runs = Number(process.env.FLEET_FUZZ_RUNS ?? 2000);
const seed = process.env.FLEET_FUZZ_SEED === undefined ? undefined : Number(process.env.FLEET_FUZZ_SEED);

const api: ApiIdentity = { accountId: "111111111111", apiId: "abcdefghij", stage: "dev", binaryMediaTypes: ["*/*"] };
const name = fc.oneof(fc.constantFrom("a", "lang", "X-Tag", "x-tag"), fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), hostileName);
// Printable ASCII but `&` and `=`, which would make other pairs of the value.
const value = fc.oneof(fc.constantFrom("", "1", "%ZZ", "a+b", "%E2%82%AC"), fc.stringMatching(/^[\x21-\x25\x27-\x3c\x3e-\x7e]{0,8}$/));
const headerName = fc.oneof(fc.constantFrom("a", "X-Tag", "x-tag", "__proto__", "constructor", "toString", "hasOwnProperty"), fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/));

const received = fc.record({
  query: fc.array(fc.tuple(name, value), { maxLength: 8 }),
  headers: fc.array(fc.tuple(headerName, value), { maxLength: 8 }),
});

function requestOf(query: Array<[string, string]>, headers: Array<[string, string]>): ReceivedRequest {
  return {
    method: "GET",
    rawPath: "/dev/x",
    rawQuery: query.map(([k, v]) => `${k}=${v}`).join("&"),
    headers,
    body: Buffer.alloc(0),
    sourceIp: "127.0.0.1",
    protocol: "HTTP/1.1",
    port: 3000,
    receivedAt: 1_795_993_200_000,
  };
}

/** Decodes as API Gateway does: percent-decoding where valid, the text as sent where not; `+` untouched. */
function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Groups pairs by exact name, in order, in a Map: the reference the events' maps are compared with. */
function grouped(pairs: Array<[string, string]>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [key, v] of pairs) map.set(key, [...(map.get(key) ?? []), v]);
  return map;
}

/** What the function receives: the event as JSON (structured clone keeps the same own keys). */
function delivered(event: unknown): Record<string, any> {
  return JSON.parse(JSON.stringify(event)) as Record<string, any>;
}

describe("emulator events under random query and header names (__proto__, constructor, very long, invalid %-encoding)", function () {
  this.timeout(60_000 + runs * 10);

  it(`REST: ${runs} requests give maps holding exactly the pairs sent, under their own names`, () => {
    fc.assert(
      fc.property(received, ({ query, headers }) => {
        const event = delivered(restV1.toEvent(requestOf(query, headers), "/x", api, "id"));
        const pairs = query.filter(([k, v]) => `${k}=${v}` !== "").map(([k, v]): [string, string] => [decode(k), decode(v)]);
        const expected = grouped(pairs);
        assert.deepEqual(Object.entries(event.multiValueQueryStringParameters ?? {}), [...expected]);
        assert.deepEqual(Object.entries(event.queryStringParameters ?? {}), [...expected].map(([k, v]) => [k, v.at(-1)]));
        for (const [header, values] of grouped(headers)) assert.deepEqual(event.multiValueHeaders[header], values, header);
      }),
      { numRuns: runs, seed },
    );
  });

  it(`HTTP API: ${runs} requests give maps holding exactly the pairs sent, repeated values comma-joined`, () => {
    fc.assert(
      fc.property(received, ({ query, headers }) => {
        const event = delivered(httpV2.toEvent(requestOf(query, headers), "/x", api, "id"));
        const pairs = query.filter(([k, v]) => `${k}=${v}` !== "").map(([k, v]): [string, string] => [decode(k), decode(v)]);
        assert.deepEqual(Object.entries(event.queryStringParameters ?? {}), [...grouped(pairs)].map(([k, v]) => [k, v.join(",")]));
        const lower = grouped(headers.map(([k, v]): [string, string] => [k.toLowerCase(), v]));
        for (const [header, values] of lower) if (header !== "cookie") assert.equal(event.headers[header], values.join(","), header);
      }),
      { numRuns: runs, seed },
    );
  });
});
