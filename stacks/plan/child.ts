/**
 * Child process of `planStack`: runs the real program once under Pulumi's mock runtime and sends back what it
 * registered. One process per run: the SDK's runtime state is global, so a fresh process is the one reliable reset.
 */
import * as pulumi from "@pulumi/pulumi";
import { readStageFileValues } from "../../core/stage-file";
import { useReleaseSource } from "../release";
import { installRecorder } from "./recorder";
import { planReleaseSource } from "./release-source";
import type { Plan, PlanRequest, PlanResponse } from "./types";

async function run(request: PlanRequest, warnings: string[]): Promise<PlanResponse> {
  const { project, dir } = request.program;
  const recorder = await installRecorder(project, request.stack);
  try {
    const { values, secretKeys } = request.config ?? readStageFileValues(request.stack, request.root);
    const withRelease = request.release === undefined ? values : { ...values, release: request.release };
    pulumi.runtime.setAllConfig(
      Object.fromEntries(Object.entries(withRelease).map(([key, value]) => [`${project}:${key}`, typeof value === "string" ? value : JSON.stringify(value)])),
      secretKeys,
    );
    if (request.releaseMode && request.releaseMode.kind !== "strict") useReleaseSource(planReleaseSource(request.releaseMode, warnings));

    const program = require(dir) as () => Promise<Record<string, unknown>>;
    const exported = await program();
    const outputs: Record<string, unknown> = {};
    const secretOutputs: string[] = [];
    for (const [key, value] of Object.entries(exported)) {
      const output = pulumi.output(value) as pulumi.Output<unknown>;
      const secret = await pulumi.isSecret(output);
      if (secret) secretOutputs.push(key);
      outputs[key] = secret ? "[secret]" : await promiseOf(output);
    }
    await pulumi.runtime.disconnect().catch(() => undefined);
    const plan: Plan = { stack: request.stack, resources: recorder.resources(), outputs, secretOutputs, warnings };
    return { ok: true, plan };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error), resources: recorder.resources() };
  }
}

/** An Output's value, awaited (mocks run with preview off, so every value is known). */
function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

process.once("message", (request: PlanRequest) => {
  // The SDK captures `new Error().stack` for every promise it makes; with tsx's source maps and full-depth stacks
  // that formatting dominated large plans (3 accounts × 8 regions). Resource source positions are unaffected: the
  // SDK lifts the limit itself where it records them. Only messages leave this process, never stacks.
  process.setSourceMapsEnabled(false);
  Error.stackTraceLimit = 4;
  const warnings: string[] = [];
  // A rejection inside an apply would otherwise be lost: report it as the run's error.
  process.on("unhandledRejection", (reason) => {
    process.send?.({ ok: false, error: reason instanceof Error ? reason.message : String(reason), resources: [] } satisfies PlanResponse, () => process.exit(1));
  });
  void run(request, warnings).then((response) => process.send?.(response, () => process.exit(0)));
});
