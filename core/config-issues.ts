/**
 * How a configuration error shows the value it refuses, the same for `fleet.config.ts` and the stage files:
 * `memory: is below Lambda's minimum of 128 MB (got 100). Fix: …`.
 */

/** The value at a zod issue's path inside the raw input (as the user wrote it), or undefined. */
export function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** Longest echo of a value: a whole list pasted into one key must not flood the message. */
const maxShown = 60;

/** `message` with ` (got <value>)` before its "Fix:", or unchanged when there is no value to show. */
export function withValue(message: string, value: unknown): string {
  if (value === undefined) return message;
  let shown = show(value);
  if (shown.length > maxShown) shown = `${shown.slice(0, maxShown - 1)}…`;
  const fix = message.indexOf(". Fix:");
  return fix === -1 ? `${message} (got ${shown})` : `${message.slice(0, fix)} (got ${shown})${message.slice(fix)}`;
}

/** JSON where the value has one (bigints as digits), else its type tag: never throws, whatever the file held. */
function show(value: unknown): string {
  if (typeof value === "bigint") return value.toString();
  try {
    const json = JSON.stringify(value, (_key, item: unknown) => (typeof item === "bigint" ? item.toString() : item));
    if (json !== undefined) return json;
  } catch {
    // A cycle: fall through to the type tag.
  }
  return Object.prototype.toString.call(value);
}
