import assert from "node:assert/strict";
import fc from "fast-check";
import type * as z from "zod/mini";
import { albEventSchema, isAlbEvent } from "../../lambda/processors/alb";
import { apiGatewayV1EventSchema, isApiGatewayV1Event } from "../../lambda/processors/api-gateway-v1";
import { apiGatewayV2EventSchema, isApiGatewayV2Event } from "../../lambda/processors/api-gateway-v2";
import { loadAwsEvent, requestFixtures } from "../helpers/aws-events";

/** Values of every JSON kind (and undefined), each shape the checks tell apart. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.string({ maxLength: 3 }),
  fc.constant("2.0"),
  fc.array(fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 })), { maxKeys: 2 }),
);

/** Every key path the schemas read, so a random value lands on each. */
const paths = [
  ["version"], ["httpMethod"], ["path"], ["rawPath"], ["rawQueryString"], ["cookies"], ["headers"], ["multiValueHeaders"],
  ["queryStringParameters"], ["multiValueQueryStringParameters"], ["body"], ["isBase64Encoded"], ["requestContext"],
  ["requestContext", "requestId"], ["requestContext", "identity"], ["requestContext", "identity", "sourceIp"],
  ["requestContext", "domainName"], ["requestContext", "stage"], ["requestContext", "http"], ["requestContext", "http", "method"],
  ["requestContext", "http", "sourceIp"], ["requestContext", "elb"], ["requestContext", "elb", "targetGroupArn"],
];

/** A copy of `event` with `value` at `path` (intermediate objects created or replaced as needed). */
function withValueAt(event: unknown, path: readonly string[], value: unknown): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return value;
  const base = typeof event === "object" && event !== null && !Array.isArray(event) ? (event as Record<string, unknown>) : {};
  return { ...base, [key]: withValueAt(base[key], rest, value) };
}

const formats: Array<[string, z.ZodMiniType, (event: unknown) => boolean]> = [
  ["payload 1.0", apiGatewayV1EventSchema(), isApiGatewayV1Event],
  ["payload 2.0", apiGatewayV2EventSchema(), isApiGatewayV2Event],
  ["ALB", albEventSchema(), isAlbEvent],
];

describe("hand-written event checks", () => {
  const fixtures = requestFixtures.map((fixture) => loadAwsEvent(fixture.file));

  for (const [format, schema, fits] of formats) {
    it(`${format}: accepts exactly the events its zod schema accepts (every fixture, and fixtures with random fields)`, () => {
      for (const event of fixtures) assert.equal(fits(event), schema.safeParse(event).success, JSON.stringify(event).slice(0, 200));
      fc.assert(
        fc.property(
          fc.constantFrom(...fixtures),
          fc.array(fc.tuple(fc.constantFrom(...paths), anyValue), { minLength: 1, maxLength: 3 }),
          (fixture, changes) => {
            const event = changes.reduce((current, [path, value]) => withValueAt(current, path, value), fixture);
            assert.equal(fits(event), schema.safeParse(event).success, JSON.stringify(event).slice(0, 300));
          },
        ),
        { numRuns: 3000 },
      );
    });
  }
});
