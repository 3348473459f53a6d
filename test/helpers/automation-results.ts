import type { OutputMap, PreviewResult, UpResult } from "@pulumi/pulumi/automation";

/**
 * The Automation API's result shapes, for fake stacks typed as the real `Stack` (targets/pulumi-target.ts
 * `PulumiStackLike`): what a fake returns is checked by tsc against the installed SDK's types.
 */

/** Stack outputs as `Stack.outputs()` returns them: plain values, none secret. */
export function outputMap(values: Record<string, unknown>): OutputMap {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, { value, secret: false }]));
}

/** What `Stack.up()` resolves to after a successful update. */
export function upResult(outputs: OutputMap): UpResult {
  const now = new Date();
  return { stdout: "", stderr: "", outputs, summary: { kind: "update", startTime: now, endTime: now, message: "", environment: {}, config: {}, result: "succeeded", version: 1 } };
}

/** What `Stack.preview()` resolves to. */
export function previewResult(): PreviewResult {
  return { stdout: "", stderr: "", changeSummary: { same: 1 } };
}
