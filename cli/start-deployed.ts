import { CliError } from "./command";
import { table } from "./format";
import { serveDeployed } from "../local-cloud/serve-deployed";

/** `fleet start --deployed`: serves every stack's deployed releases until Ctrl-C. */
export async function runServeDeployed(values: { port?: string; json?: boolean }): Promise<number> {
  const text = values.port ?? "3000";
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new CliError(`--port must be a port number 0-65535 (0 = any free port), got '${text}'`, 2);
  const progress = (line: string) => process.stderr.write(`${line}\n`);
  const clouds = await serveDeployed({ port, log: progress }).catch((error: Error) => {
    throw new CliError(`could not serve the deployed stacks: ${error.message}`);
  });
  if (values.json) process.stdout.write(`${JSON.stringify({ endpoints: clouds.endpoints })}\n`);
  else {
    process.stdout.write(table(["STACK", "ACCOUNT/REGION", "URL"], clouds.endpoints.map((e) => [e.stack, e.key, e.url])));
    progress("serving the deployed releases; 'fleet deploy/promote/rollback --local' changes apply here. Ctrl-C stops");
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  progress(`${signal}: stopping`);
  await clouds.close();
  return 0;
}
