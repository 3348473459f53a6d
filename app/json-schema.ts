import * as z from "zod/mini";

/** A JSON Schema (2020-12) fragment: a plain JSON object. */
export type Json = Record<string, unknown>;

/** Whether a schema describes what a request sends (`input`) or what a response returns (`output`). */
export type SchemaIo = "input" | "output";

type Schema = z.core.$ZodType;

/**
 * The JSON Schema (2020-12, OpenAPI 3.1's dialect) of a zod schema: what `z.toJSONSchema(schema, { io, target:
 * "draft-2020-12" })` returns without its `$schema`, keys in the same order, for the kinds of schema and check this
 * app declares (app/test/json-schema.test.ts compares the two on every schema of the app and on each kind).
 * Written out because zod's converter is ~21 KB of a ~200 KB Lambda bundle, parsed in every cold start for a
 * document built at most once per process. A kind or check it does not know throws, naming it: extend this file
 * and its test when a schema needs one.
 */
export function jsonSchemaOf(schema: Schema, io: SchemaIo): Json {
  return convert(schema, io, new Set());
}

/** `open` holds the schemas being converted around this one: meeting one again is recursion (through z.lazy). */
function convert(schema: Schema, io: SchemaIo, open: Set<Schema>): Json {
  if (open.has(schema)) throw unsupported("a recursive schema");
  open.add(schema);
  const def = schema._zod.def;
  const metadata = metadataOf(schema);
  let json: Json;
  switch (def.type) {
    // Wrappers: their own keys (a default, a description) first, then the inner schema's, their own winning.
    case "optional":
    case "default":
    case "lazy": {
      const own: Json = def.type === "default" ? { default: JSON.parse(JSON.stringify((def as z.core.$ZodDefaultDef).defaultValue)) } : {};
      Object.assign(own, metadata);
      const inner = def.type === "lazy" ? (schema as z.core.$ZodLazy)._zod.innerType : (def as z.core.$ZodOptionalDef).innerType;
      json = Object.assign(own, convert(inner, io, open), { ...own });
      break;
    }
    default:
      json = compactTypes(Object.assign(typedSchemaOf(schema, io, open), metadata));
  }
  open.delete(schema);
  return json;
}

/** The keys a non-wrapper kind writes, in zod's order. */
function typedSchemaOf(schema: Schema, io: SchemaIo, open: Set<Schema>): Json {
  const def = schema._zod.def;
  const bounds = boundsOf(schema);
  switch (def.type) {
    case "string":
      return { type: "string", ...definedOf({ minLength: bounds.minimum, maxLength: bounds.maximum, pattern: bounds.pattern }) };
    case "number":
      return { type: bounds.integer ? "integer" : "number", ...definedOf({ minimum: bounds.minimum, maximum: bounds.maximum }) };
    case "boolean":
      return { type: "boolean" };
    case "enum": {
      const values = Object.values((def as z.core.$ZodEnumDef).entries);
      if (!values.every((value) => typeof value === "string")) throw unsupported("an enum of non-string values");
      return { type: "string", enum: values };
    }
    case "literal": {
      const values = (def as z.core.$ZodLiteralDef<z.core.util.Literal>).values;
      const value = values[0];
      if (values.length !== 1 || (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean")) {
        throw unsupported("a literal other than one string, number or boolean");
      }
      return { type: typeof value, const: value };
    }
    case "array":
      return {
        ...definedOf({ minItems: bounds.minimum, maxItems: bounds.maximum }),
        type: "array",
        items: convert((def as z.core.$ZodArrayDef).element, io, open),
      };
    case "object":
      return objectSchemaOf(def as z.core.$ZodObjectDef, io, open);
    case "record": {
      const { keyType, valueType } = def as z.core.$ZodRecordDef;
      if (keyType._zod.def.type !== "string" || (def as z.core.$ZodRecordDef).mode === "loose") throw unsupported("a record not keyed by plain strings");
      return { type: "object", propertyNames: convert(keyType, io, open), additionalProperties: convert(valueType, io, open) };
    }
    case "union": {
      const { options, inclusive } = def as z.core.$ZodUnionDef & { inclusive?: boolean };
      if (inclusive === false) throw unsupported("an exclusive union (z.xor)");
      return { anyOf: options.map((option) => convert(option, io, open)) };
    }
    // Not a wrapper in zod's output: its own `anyOf`, compacted to a type list when it can be.
    case "nullable":
      return { anyOf: [convert((def as z.core.$ZodNullableDef).innerType, io, open), { type: "null" }] };
    case "unknown":
    case "any":
      return {};
    default:
      throw unsupported(`a schema of type ${def.type}`);
  }
}

function objectSchemaOf(def: z.core.$ZodObjectDef, io: SchemaIo, open: Set<Schema>): Json {
  const properties: Json = {};
  const required: string[] = [];
  for (const key of Object.keys(def.shape)) {
    const field = def.shape[key]!;
    Object.defineProperty(properties, key, { value: convert(field, io, open), enumerable: true, writable: true, configurable: true });
    // A field the request may leave out (optional or defaulted) is not required of the input; the output always
    // has a defaulted field.
    if ((io === "input" ? field._zod.optin : field._zod.optout) === undefined) required.push(key);
  }
  const json: Json = { type: "object", properties };
  if (required.length > 0) json.required = required;
  const catchall = def.catchall;
  // z.object: unknown keys are dropped, so the output has none; z.strictObject refuses them; z.looseObject keeps them.
  if (catchall === undefined) {
    if (io === "output") json.additionalProperties = false;
  } else {
    json.additionalProperties = catchall._zod.def.type === "never" ? false : convert(catchall, io, open);
  }
  return json;
}

interface Bounds {
  minimum?: number;
  maximum?: number;
  integer?: boolean;
  pattern?: string;
}

/** What a schema's checks bound, narrowed as zod narrows them (the tightest bound wins). */
function boundsOf(schema: Schema): Bounds {
  const bounds: Bounds = {};
  const atLeast = (value: number) => (bounds.minimum = bounds.minimum === undefined ? value : Math.max(bounds.minimum, value));
  const atMost = (value: number) => (bounds.maximum = bounds.maximum === undefined ? value : Math.min(bounds.maximum, value));
  // A format schema such as z.int() is its own first check.
  const checks = [...(schema._zod.traits.has("$ZodCheck") ? [schema as unknown as z.core.$ZodCheck] : []), ...(schema._zod.def.checks ?? [])];
  for (const check of checks) {
    const def = check._zod.def as z.core.$ZodCheckDef & Record<string, unknown>;
    switch (def.check) {
      case "min_length":
        atLeast(def.minimum as number);
        break;
      case "max_length":
        atMost(def.maximum as number);
        break;
      case "greater_than":
      case "less_than":
        if (def.inclusive !== true) throw unsupported("an exclusive bound (gt/lt)");
        (def.check === "greater_than" ? atLeast : atMost)(def.value as number);
        break;
      case "number_format":
        if (def.format !== "safeint") throw unsupported(`the number format ${String(def.format)}`);
        bounds.integer = true;
        atLeast(Number.MIN_SAFE_INTEGER);
        atMost(Number.MAX_SAFE_INTEGER);
        break;
      case "string_format":
        if (def.format !== "regex" || bounds.pattern !== undefined) throw unsupported(`the string format ${String(def.format)}`);
        bounds.pattern = (def.pattern as RegExp).source;
        break;
      // Nothing JSON Schema can say (z.describe and .meta are metadata; refinements and overwrites have no keyword).
      case "describe":
      case "meta":
      case "custom":
      case "overwrite":
        break;
      default:
        throw unsupported(`the check ${def.check}`);
    }
  }
  return bounds;
}

/** What z.describe() (or .meta()) registered for this very schema. */
function metadataOf(schema: Schema): Json {
  const metadata: Json = { ...z.globalRegistry.get(schema) };
  // zod moves a schema with an id into $defs and refers to it.
  if ("id" in metadata) throw unsupported("a schema with an id");
  return metadata;
}

/**
 * An `anyOf` of bare `{ type }` options (a nullable string, a union of primitives) becomes one `type` list, which
 * zod writes last, after the schema's other keys.
 */
function compactTypes(json: Json): Json {
  const options = json.anyOf;
  if (!Array.isArray(options)) return json;
  const types: unknown[] = [];
  for (const option of options as Json[]) {
    const keys = Object.keys(option);
    if (keys.length !== 1 || keys[0] !== "type") return json;
    for (const type of [option.type].flat()) if (!types.includes(type)) types.push(type);
  }
  delete json.anyOf;
  json.type = types.length === 1 ? types[0] : types;
  return json;
}

/** The entries whose value is defined, in order. */
function definedOf(entries: Json): Json {
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}

function unsupported(what: string): Error {
  return new Error(`app/json-schema.ts cannot describe ${what} yet. Fix: add it there, checked against z.toJSONSchema in app/test/json-schema.test.ts`);
}
