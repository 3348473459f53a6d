import assert from "node:assert/strict";
import fc from "fast-check";
import * as z from "zod/mini";
import { jsonSchemaOf, type Json, type SchemaIo } from "../json-schema";
import { appResources } from "../routes";
import { Problem } from "../schemas/problem";
import { testConfig } from "./support";

/** What app/json-schema.ts stands in for: zod's own converter, without `$schema` (as app/openapi.ts used it). */
function zodJsonSchema(schema: z.ZodMiniType, io: SchemaIo): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: "draft-2020-12" }) as Json;
  return rest;
}

/** Same keys in the same order, same values: the text of the document cannot differ. */
function assertSameAsZod(schema: z.ZodMiniType, io: SchemaIo): void {
  assert.equal(JSON.stringify(jsonSchemaOf(schema, io)), JSON.stringify(zodJsonSchema(schema, io)));
}

/** Every schema the app's routes and its Problem document declare. */
function appSchemas(): Array<[string, z.ZodMiniType]> {
  const schemas: Array<[string, z.ZodMiniType]> = [["Problem", Problem]];
  for (const route of appResources(testConfig).flatMap((resource) => resource.routes)) {
    for (const slot of ["params", "query", "body"] as const) {
      const schema = route[slot];
      if (schema) schemas.push([`${route.operationId} ${slot}`, schema]);
    }
    for (const [status, spec] of Object.entries(route.responses)) {
      if (spec.schema) schemas.push([`${route.operationId} ${status}`, spec.schema]);
    }
  }
  return schemas;
}

const described = <T extends z.ZodMiniType>(schema: T, text: string | undefined): T => (text === undefined ? schema : schema.check(z.describe(text)));
const maybeDescription = fc.option(fc.constantFrom("a", "the b"), { nil: undefined });

/** Checks in any order and any number, so a later, looser bound meets an earlier, tighter one. */
function checked(base: z.ZodMiniType, checks: z.core.$ZodCheck<never>[], text: string | undefined): z.ZodMiniType {
  return described(checks.length > 0 ? base.check(...(checks as z.core.$ZodCheck<unknown>[])) : base, text);
}

/** Leaf schemas of every kind and check app/json-schema.ts knows. */
const leaf: fc.Arbitrary<z.ZodMiniType> = fc.oneof(
  fc.tuple(fc.shuffledSubarray([z.minLength(1), z.minLength(3), z.maxLength(8), z.maxLength(4), z.regex(/^[a-z]+$/)]), maybeDescription).map(
    ([checks, text]) => checked(z.string(), checks, text),
  ),
  fc.tuple(fc.shuffledSubarray([z.int(), z.gte(0), z.gte(-5), z.lte(599), z.lte(10)]), maybeDescription).map(([checks, text]) => checked(z.number(), checks, text)),
  fc.constant(z.int()),
  fc.constant(z.boolean()),
  fc.constant(z.unknown()),
  fc.uniqueArray(fc.constantFrom("en", "fr", "de", "0", "1"), { minLength: 1, maxLength: 3 }).map((values) => z.enum(values as [string, ...string[]])),
  fc.constantFrom<z.core.util.Literal>("ok", 7, true).map((value) => z.literal(value)),
);

const keys = fc.uniqueArray(fc.constantFrom("name", "lang", "tags", "a b", "constructor"), { minLength: 1, maxLength: 3 });

/** Schemas built from the leaves with every wrapper and composite the app uses, nested. */
const schema: fc.Arbitrary<z.ZodMiniType> = fc.letrec<{ schema: z.ZodMiniType }>((tie) => ({
  schema: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    tie("schema").map((inner) => z.optional(inner)),
    fc.tuple(tie("schema"), maybeDescription).map(([inner, text]) => described(z.optional(inner), text)),
    fc.tuple(tie("schema"), fc.constantFrom<unknown>("en", 3, [], { a: 1 })).map(([inner, value]) => z._default(inner, value as never)),
    tie("schema").map((inner) => z.nullable(inner)),
    tie("schema").map((inner) => z.lazy(() => inner)),
    fc.tuple(tie("schema"), fc.shuffledSubarray([z.minLength(1), z.minLength(2), z.maxLength(10), z.maxLength(3)]), maybeDescription).map(
      ([element, checks, text]) => checked(z.array(element), checks, text),
    ),
    fc.tuple(fc.constantFrom(z.object, z.strictObject, z.looseObject), keys, fc.array(tie("schema"), { minLength: 3, maxLength: 3 }), maybeDescription).map(
      ([object, names, fields, text]) => described(object(Object.fromEntries(names.map((name, index) => [name, fields[index]!]))), text),
    ),
    tie("schema").map((value) => z.record(z.string(), value)),
    fc.array(tie("schema"), { minLength: 2, maxLength: 3 }).map((options) => z.union(options as [z.ZodMiniType, z.ZodMiniType])),
  ),
})).schema;

describe("jsonSchemaOf (the app's stand-in for z.toJSONSchema)", () => {
  for (const io of ["input", "output"] as const) {
    it(`writes the ${io} schema of every schema the app declares exactly as zod does`, () => {
      const schemas = appSchemas();
      assert.ok(schemas.length >= 8, `found ${schemas.length} schemas`);
      for (const [name, appSchema] of schemas) {
        assert.equal(JSON.stringify(jsonSchemaOf(appSchema, io)), JSON.stringify(zodJsonSchema(appSchema, io)), name);
      }
    });

    it(`writes the ${io} schema of any nesting of the kinds it knows exactly as zod does`, () => {
      fc.assert(fc.property(schema, (generated) => assertSameAsZod(generated, io)), { numRuns: 500 });
    });
  }

  // Cases the generator reaches rarely, each with a rule of its own in zod's output.
  const edges: Array<[string, z.ZodMiniType]> = [
    ["a union of one type twice (a single type, not a list)", z.union([z.string(), z.string()])],
    ["a nullable nullable", z.nullable(z.nullable(z.string()))],
    ["a union holding a nullable", z.union([z.nullable(z.string()), z.number()])],
    ["a default of a default (the outer one wins)", z._default(z._default(z.string(), "a"), "b")],
    ["a description on both the wrapper and the inner schema", z.optional(z.string().check(z.describe("inner"))).check(z.describe("outer"))],
    ["a described nullable", z.nullable(z.string()).check(z.describe("or null"))],
  ];
  for (const [what, edge] of edges) {
    it(`writes ${what} exactly as zod does`, () => {
      for (const io of ["input", "output"] as const) assertSameAsZod(edge, io);
    });
  }

  it("keeps a field named __proto__ as a property", () => {
    const schema = z.object({ ["__proto__"]: z.string() });
    assertSameAsZod(schema, "output");
    assert.deepEqual(Object.keys(jsonSchemaOf(schema, "output").properties as Json), ["__proto__"]);
  });

  const unsupported: Array<[string, () => z.ZodMiniType, RegExp]> = [
    ["a string format", () => z.email(), /string format email/],
    ["an exclusive bound", () => z.number().check(z.gt(0)), /exclusive bound/],
    ["another number format", () => z.number().check(z.int32()), /number format int32/],
    ["an unknown kind", () => z.tuple([z.string()]), /type tuple/],
    ["a schema with an id", () => z.string().check(z.meta({ id: "Name" })), /with an id/],
    ["a record keyed by an enum", () => z.record(z.enum(["a"]), z.string()), /record not keyed by plain strings/],
    [
      "a recursive schema",
      () => {
        const tree: z.ZodMiniType = z.object({ children: z.array(z.lazy(() => tree)) });
        return tree;
      },
      /recursive schema/,
    ],
  ];
  for (const [what, make, message] of unsupported) {
    it(`refuses ${what}, naming it and the fix, rather than describing it wrongly`, () => {
      assert.throws(() => jsonSchemaOf(make(), "output"), (error: Error) => message.test(error.message) && /Fix: add it there/.test(error.message));
    });
  }
});
