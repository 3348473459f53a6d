import { createHash } from "node:crypto";

/**
 * sha256 of the resolved inputs of the resources a deployment snapshots, in order, as canonical JSON (keys
 * sorted, unset values left out, as Pulumi sends them). The test recomputes it from a plan's recorded inputs.
 */
export function snapshotHash(inputs: readonly unknown[]): string {
  return createHash("sha256").update(canonicalJson(inputs)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
