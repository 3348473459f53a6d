/**
 * The shape of a JSON value: the same keys and the same value types, recursively, values ignored. Two events with
 * equal shapes have the fields a handler may read in the same places with the same types.
 */
export type Shape = string | Shape[] | { [key: string]: Shape };

export interface ShapeOptions {
  /** Dotted paths of maps whose keys vary (headers, query): only their value shape counts, as `{ "*": ... }`. */
  records?: string[];
  /** Dotted paths left out of the comparison (e.g. fields only a feature we don't use adds, like mTLS). */
  ignore?: string[];
}

/** The shape of `value`, e.g. `{ body: "null", headers: { "*": "string" } }`. */
export function shapeOf(value: unknown, options: ShapeOptions = {}, at = ""): Shape {
  if (value === null) return "null";
  if (Array.isArray(value)) return [...new Set(value.map((item) => JSON.stringify(shapeOf(item, options, `${at}[]`))))].map((s) => JSON.parse(s) as Shape);
  if (typeof value !== "object") return typeof value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (options.records?.includes(at)) {
    const values = [...new Set(entries.map(([, v]) => JSON.stringify(shapeOf(v, options, `${at}.*`))))];
    return { "*": values.length === 1 ? (JSON.parse(values[0]!) as Shape) : values.sort().join(" | ") };
  }
  const shape: { [key: string]: Shape } = {};
  for (const [key, v] of entries.sort(([a], [b]) => a.localeCompare(b))) {
    const path = at === "" ? key : `${at}.${key}`;
    if (options.ignore?.includes(path)) continue;
    shape[key] = shapeOf(v, options, path);
  }
  return shape;
}
