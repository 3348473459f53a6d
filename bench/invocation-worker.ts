/**
 * Child process of `npm run bench` for the warm-invocation figures: every implementation in this one process.
 * Its stdout is discarded (the fleet app logs one line per request, as it does in Lambda); the result goes back
 * over IPC, progress to stderr.
 * argv: <bundle file> <options JSON>
 */
import { createBareKoaHandler } from "./peers/bare-koa";
import { createExpressHandler } from "./peers/express";
import { createFastifyHandler } from "./peers/fastify";
import { createHonoHandler } from "./peers/hono";
import { createRawHandler } from "./peers/raw";
import type { ProxyHandler } from "./peers/types";
import { measureInvocations, type InvocationOptions } from "./invocation";

async function main(): Promise<void> {
  const [bundleFile, optionsJson] = process.argv.slice(2);
  if (!bundleFile || !optionsJson || !process.send) throw new Error("run by bench/main.ts: <bundle file> <options JSON>, with IPC");
  const options = JSON.parse(optionsJson) as InvocationOptions;
  // The built bundle, as Lambda loads it; its handler is created at its module scope.
  const app = (require(bundleFile) as { handler: ProxyHandler }).handler;
  const handlers: Record<string, ProxyHandler> = {
    raw: createRawHandler(),
    bareKoa: createBareKoaHandler(),
    app,
    hono: createHonoHandler(),
    fastify: await createFastifyHandler(),
    express: createExpressHandler(),
  };
  const result = await measureInvocations(handlers, options, (line) => process.stderr.write(`${line}\n`));
  process.send(result, () => process.exit(0));
}

main().catch((error: unknown) => {
  process.stderr.write(`invocation benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
