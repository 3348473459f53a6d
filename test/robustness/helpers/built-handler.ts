import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Context } from "aws-lambda";
import { buildBundle, type Bundle } from "../../../build/bundle";

/** The bundle's export, as Lambda calls it. */
export type BuiltHandler = (event: unknown, context: Context) => Promise<Record<string, unknown>>;

/** The environment the robustness tests load the bundle with: a real-looking stage, quiet request logs. */
export const robustnessEnv = { FLEET_STAGE: "robust", AWS_REGION: "eu-west-1", FLEET_LOG_LEVEL: "error" };

let built: Promise<{ bundle: Bundle; handler: BuiltHandler }> | undefined;

/**
 * Builds the Lambda bundle with the production `buildBundle` into a temp dir (once per test process) and loads
 * its `handler` under {@link robustnessEnv}: the tests exercise exactly what ships, not the TypeScript sources.
 */
export function loadBuiltHandler(): Promise<{ bundle: Bundle; handler: BuiltHandler }> {
  built ??= (async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "fleet-robustness-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const bundle = await buildBundle(dir);
    const saved = Object.fromEntries(Object.keys(robustnessEnv).map((key) => [key, process.env[key]]));
    Object.assign(process.env, robustnessEnv);
    try {
      // The bundle reads its configuration once, at load: that is when the environment must be set.
      const { handler } = require(bundle.file) as { handler: BuiltHandler };
      return { bundle, handler };
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  })();
  return built;
}

/** The Lambda context handler tests use (one definition for every suite). */
export { lambdaContext as testContext } from "../../helpers/aws-events";

/**
 * Runs `work` with process stdout/stderr writes swallowed (the bundle's request and warning logs), restoring
 * them however `work` ends. Mocha writes its report between tests, never during one, so nothing of it is lost.
 */
export async function withQuietOutput<T>(work: () => Promise<T>): Promise<T> {
  const out = process.stdout.write;
  const err = process.stderr.write;
  const swallow = ((_chunk: unknown, encoding?: unknown, callback?: unknown) => {
    const done = typeof encoding === "function" ? encoding : callback;
    if (typeof done === "function") (done as () => void)();
    return true;
  }) as typeof process.stdout.write;
  process.stdout.write = swallow;
  process.stderr.write = swallow;
  try {
    return await work();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
