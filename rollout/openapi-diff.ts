/** One difference between two OpenAPI documents. */
export interface ApiChange {
  breaking: boolean;
  /** e.g. `GET /v1/greetings/{name}: query parameter 'lang' became required`. */
  message: string;
}

type Json = Record<string, unknown>;

const methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/**
 * The differences a client of `before` would notice in `after`, limited to what breaks callers: a removed
 * operation, a new required input (parameter, body or body property), a narrowed input type. Added operations
 * are listed as non-breaking.
 */
export function diffOpenApi(before: unknown, after: unknown): ApiChange[] {
  const changes: ApiChange[] = [];
  const oldOps = operations(before);
  const newOps = operations(after);
  for (const [id, op] of oldOps) {
    const next = newOps.get(id);
    if (!next) {
      changes.push({ breaking: true, message: `${id}: operation removed` });
      continue;
    }
    diffParameters(id, op, next, before, after, changes);
    diffBody(id, op, next, before, after, changes);
  }
  for (const id of newOps.keys()) if (!oldOps.has(id)) changes.push({ breaking: false, message: `${id}: operation added` });
  return changes;
}

function operations(doc: unknown): Map<string, Json> {
  const ops = new Map<string, Json>();
  const paths = asObject(asObject(doc).paths);
  for (const [path, item] of Object.entries(paths)) {
    const pathItem = asObject(item);
    const shared = asArray(pathItem.parameters);
    for (const method of methods) {
      const op = pathItem[method];
      if (op === undefined) continue;
      const operation = asObject(op);
      // Path-level parameters apply to every operation unless the operation overrides them.
      ops.set(`${method.toUpperCase()} ${normalisePath(path)}`, { ...operation, parameters: [...shared, ...asArray(operation.parameters)] });
    }
  }
  return ops;
}

// `{name}` and `{id}` name the same slot: a renamed path parameter is not a removed operation.
function normalisePath(path: string): string {
  return path.replace(/\{[^}]+\}/g, "{}");
}

function diffParameters(id: string, before: Json, after: Json, oldDoc: unknown, newDoc: unknown, changes: ApiChange[]): void {
  const key = (p: Json) => `${String(p.in)} parameter '${String(p.name)}'`;
  const oldParams = new Map(asArray(before.parameters).map((p) => resolve(oldDoc, p)).map((p) => [key(p), p]));
  for (const raw of asArray(after.parameters)) {
    const param = resolve(newDoc, raw);
    const name = key(param);
    const old = oldParams.get(name);
    if (param.required === true && old?.required !== true && param.in !== "path") {
      changes.push({ breaking: true, message: `${id}: ${name} ${old ? "became required" : "is new and required"}` });
    }
    if (old) narrowed(resolve(oldDoc, old.schema), resolve(newDoc, param.schema), oldDoc, newDoc, `${id}: ${name}`, changes);
  }
}

function diffBody(id: string, before: Json, after: Json, oldDoc: unknown, newDoc: unknown, changes: ApiChange[]): void {
  const oldBody = before.requestBody === undefined ? undefined : resolve(oldDoc, before.requestBody);
  const newBody = after.requestBody === undefined ? undefined : resolve(newDoc, after.requestBody);
  if (!newBody) return;
  if (newBody.required === true && oldBody?.required !== true) changes.push({ breaking: true, message: `${id}: request body became required` });
  if (!oldBody) return;
  for (const [type, media] of Object.entries(asObject(newBody.content))) {
    const oldMedia = asObject(oldBody.content)[type];
    if (oldMedia === undefined) continue;
    narrowed(resolve(oldDoc, asObject(oldMedia).schema), resolve(newDoc, asObject(media).schema), oldDoc, newDoc, `${id}: body (${type})`, changes);
  }
}

/** Records every way `after` accepts less than `before`. */
function narrowed(before: Json, after: Json, oldDoc: unknown, newDoc: unknown, where: string, changes: ApiChange[]): void {
  const breaking = (what: string) => changes.push({ breaking: true, message: `${where}: ${what}` });
  const oldTypes = types(before);
  const newTypes = types(after);
  if (oldTypes && newTypes) {
    const lost = oldTypes.filter((t) => !newTypes.includes(t) && !(t === "integer" && newTypes.includes("number")));
    if (lost.length > 0) breaking(`type narrowed from ${oldTypes.join("|")} to ${newTypes.join("|")}`);
  } else if (!oldTypes && newTypes) breaking(`type narrowed to ${newTypes.join("|")}`);
  if (Array.isArray(after.enum)) {
    const allowed = after.enum.map((v) => JSON.stringify(v));
    if (!Array.isArray(before.enum)) breaking(`now only accepts ${allowed.join(", ")}`);
    else {
      const removed = before.enum.map((v) => JSON.stringify(v)).filter((v) => !allowed.includes(v));
      if (removed.length > 0) breaking(`no longer accepts ${removed.join(", ")}`);
    }
  }
  for (const bound of ["maxLength", "maxItems", "maximum", "exclusiveMaximum", "maxProperties"]) {
    if (typeof after[bound] === "number" && !(typeof before[bound] === "number" && before[bound] <= after[bound])) breaking(`${bound} lowered to ${after[bound]}`);
  }
  for (const bound of ["minLength", "minItems", "minimum", "exclusiveMinimum", "minProperties"]) {
    if (typeof after[bound] === "number" && !(typeof before[bound] === "number" && before[bound] >= after[bound])) {
      if (!(typeof before[bound] !== "number" && after[bound] === 0)) breaking(`${bound} raised to ${after[bound]}`);
    }
  }
  if (typeof after.pattern === "string" && after.pattern !== before.pattern) breaking(`pattern changed to ${after.pattern}`);
  if (after.additionalProperties === false && before.additionalProperties !== false) breaking("no longer accepts additional properties");
  const oldRequired = asArray(before.required);
  for (const name of asArray(after.required)) {
    if (!oldRequired.includes(name)) breaking(`property '${String(name)}' ${name && String(name) in asObject(before.properties) ? "became" : "is new and"} required`);
  }
  const oldProps = asObject(before.properties);
  for (const [name, schema] of Object.entries(asObject(after.properties))) {
    if (oldProps[name] !== undefined) narrowed(resolve(oldDoc, oldProps[name]), resolve(newDoc, schema), oldDoc, newDoc, `${where}.${name}`, changes);
  }
  if (before.items !== undefined && after.items !== undefined) narrowed(resolve(oldDoc, before.items), resolve(newDoc, after.items), oldDoc, newDoc, `${where}[]`, changes);
}

function types(schema: Json): string[] | undefined {
  if (typeof schema.type === "string") return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.map(String);
  return undefined;
}

/** Follows a local `$ref` (`#/components/...`); anything else is returned as an object. */
function resolve(doc: unknown, value: unknown, depth = 0): Json {
  const object = asObject(value);
  if (typeof object.$ref !== "string" || !object.$ref.startsWith("#/") || depth > 32) return object;
  let target: unknown = doc;
  for (const part of object.$ref.slice(2).split("/")) target = asObject(target)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  return resolve(doc, target, depth + 1);
}

function asObject(value: unknown): Json {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
