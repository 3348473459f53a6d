import { spawn } from "node:child_process";
import path from "node:path";
import { buildBundle } from "../../build/bundle";
import { loadFleetConfig } from "../../core/fleet-config";
import { devRelease } from "../../core/function-env";
import { repoRoot } from "../../core/paths";
import { loadStage, type Stage } from "../../core/stage";
import { PortInUseError, startEmulator, type ApiKind, type EndpointConfig, type RunningEndpoint } from "../../emulator";
import { findNode } from "../../local-cloud/function-node";
import { reloadOnChange } from "../../local-cloud/reload-on-change";
import { lambdaRuntime, runtimeNodeMajor } from "../../core/runtime";
import { defaultLocalDir } from "../../local-cloud/local-state";
import { stageEndpoints } from "../../local-cloud/stage-endpoints";
import { isAwsRegion } from "../../core/regions";
import { CliError, defineCommand } from "../command";

export default defineCommand({
  summary: "Serve the app locally the way API Gateway would: one endpoint per region, no Docker, no AWS",
  synopsis: "[--stack dev] [--regions a,b] [--account id] [--port 3000] [--api rest|http] [--watch] [--inspect[=9229]] [--deployed] [--json]",
  description: `Builds the app fleet.config.ts names into dist/lambda/index.js, then serves it on 127.0.0.1 with one endpoint
per account x region of the stage (Pulumi.<stack>.yaml). Each request
becomes a real API Gateway proxy event (REST payload 1.0 or HTTP API 2.0) handled by the bundle's handler in
that region's own worker thread and environment. HTTP APIs apply the stage's fleet:cors as deployed
(preflights answered by the gateway). Stops on Ctrl-C.`,
  options: {
    stack: { type: "string", default: "dev", description: "the stage whose regions to serve" },
    regions: { type: "string", value: "a,b", description: "serve these regions instead of the stage's" },
    account: { type: "string", value: "id", description: "the account of --regions (default: the stage's account)" },
    port: { type: "string", value: "n", default: "3000", description: "first port; endpoints take consecutive ports; 0 = any free port each" },
    api: { type: "string", value: "rest|http", description: "the API kind to emulate (default: the stage's fleet:api)" },
    json: {
      type: "boolean",
      description: "print { stack, endpoints: [{ key, account, region, url, api }] } once listening, and the functions' logs as they write them (JSON); without it, each request's log line is one short line: time, region, method, path, status, ms",
    },
    watch: {
      type: "boolean",
      description: "rebuild and reload every endpoint when a file of the app changes (requests in flight finish on the old code; a failed build keeps the previous one serving)",
    },
    inspect: {
      type: "optional-string",
      value: "port",
      description:
        "run each region's function under the Node inspector on 127.0.0.1, from this port on, one per region (default 9229; 0 = any free port each), so a debugger attaches to that region's code (the bundle then carries an inline source map of the app's sources); the function and gateway timeouts are lifted to 15 minutes meanwhile",
    },
    deployed: {
      type: "boolean",
      description:
        "serve what 'fleet deploy/promote --local' deployed instead of the working tree: every stack, each region on its own release from .fleet/local/<stack>.json, following changes without a restart (--port, --json apply)",
    },
  },
  examples: `  npm start                       # the dev stage is an HTTP API: its URLs have no stage prefix
  curl http://127.0.0.1:3000/health
  npx fleet start --api rest      # REST URLs carry the stage, as execute-api URLs do
  curl http://127.0.0.1:3000/dev/health
  npx fleet start --inspect --regions us-east-1   # attach a debugger to 127.0.0.1:9229 (chrome://inspect)`,
  async run({ values }) {
    const underNode = await onTheFunctionsNode();
    if (underNode !== undefined) return underNode;
    // Required on demand, like the commands: plain `fleet start` never loads the release code.
    if (values.deployed && values.inspect !== undefined) throw new CliError("--inspect debugs the build of the working tree: it does not go with --deployed. Fix: leave one of them out", 2);
    if (values.deployed) return (require("../start-deployed") as typeof import("../start-deployed")).runServeDeployed(values);
    const stack = values.stack;
    const port = parsePort(values.port);
    const api = parseApi(values.api);
    const regions = values.regions === undefined ? undefined : parseRegions(values.regions);
    const inspect = values.inspect === undefined ? undefined : values.inspect === true ? 9229 : parseInspectPort(values.inspect);
    if (values.account !== undefined && !/^\d{12}$/.test(values.account)) {
      throw new CliError(`--account must be a 12-digit AWS account id, got '${values.account}'`, 2);
    }
    const progress = (line: string) => process.stderr.write(`${line}\n`);

    const stage = readStage(stack);
    const bundle = await build(progress, inspect !== undefined).catch((error: Error) => {
      throw new CliError(`${error.message}\nFix the problems above, then run fleet start again.`);
    });
    let endpoints;
    try {
      endpoints = stageEndpoints(stage, { port, regions, account: values.account, api, logDir: defaultLocalDir(), ...(inspect === undefined ? {} : { inspect }) }, () => ({ bundleFile: bundle, release: devRelease }));
    } catch (error) {
      throw new CliError((error as Error).message, 2);
    }
    if (endpoints.length === 0) throw new CliError(`stack ${stack} has no regions to serve. Fix: add regions to fleet:targets in Pulumi.${stack}.yaml`);

    const emulator = await startEmulator({ endpoints, readableOutput: !values.json }).catch((error: Error) => {
      if (error instanceof PortInUseError) throw new CliError(portInUseMessage(error, endpoints));
      throw new CliError(`could not start the local endpoints: ${error.message}`);
    });
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ stack, endpoints: emulator.endpoints.map(({ key, account, region, url, api }) => ({ key, account, region, url, api })) })}\n`);
    } else {
      process.stdout.write(endpointLines(emulator.endpoints));
      const { openapi } = loadFleetConfig();
      if (openapi) progress(`API reference: ${emulator.endpoints[0]!.url}docs (OpenAPI: ${new URL(openapi.slice(1), emulator.endpoints[0]!.url).href})`);
      progress(`serving stack ${stack} (${endpoints[0]!.api} API); Ctrl-C stops`);
    }
    const reloader = values.watch
      ? reloadOnChange({ dirs: [appDir()], rebuild: () => build(progress, inspect !== undefined), emulator, endpoints, progress })
      : undefined;
    if (reloader) progress(`watching ${path.relative(repoRoot, appDir())}/ for changes`);

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once("SIGINT", () => resolve("SIGINT"));
      process.once("SIGTERM", () => resolve("SIGTERM"));
    });
    progress(`${signal}: stopping`);
    await reloader?.close();
    await emulator.close();
    return 0;
  },
});

/** Which port is taken, for which endpoint, and how to choose ports that are free. */
function portInUseMessage(error: PortInUseError, endpoints: EndpointConfig[]): string {
  const region = endpoints.find((e) => e.key === error.key)?.region ?? error.key;
  const first = endpoints.length > 1 ? `the first of ${endpoints.length} consecutive free ports (one per region)` : "a free port";
  return `port ${error.port} (for ${region}) is in use: another fleet start, or another server, listens there.\n` +
    `Fix: stop it, or pass --port <${first}>, or --port 0 for any free ports.`;
}

/** `<region>  <url>` per endpoint; `<account>/<region>` when the endpoints span several accounts. */
function endpointLines(endpoints: RunningEndpoint[]): string {
  const severalAccounts = new Set(endpoints.map((e) => e.account)).size > 1;
  const labels = endpoints.map((e) => (severalAccounts ? e.key : e.region));
  const width = Math.max(...labels.map((label) => label.length));
  return endpoints.map((e, i) => `${labels[i]!.padEnd(width)}  ${e.url}\n`).join("");
}

/** The stage to serve; an unknown stack or a bad stage file is a usage error naming the fix. */
function readStage(stack: string): Stage {
  try {
    return loadStage(stack);
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
}

/** Builds the bundle (with an inline source map to debug it); a failure's message lists esbuild's problems (file:line:column), and says nothing of what to do next. */
async function build(progress: (line: string) => void, sourceMap: boolean): Promise<string> {
  try {
    const bundle = await buildBundle(undefined, { sourceMap });
    progress(`built ${path.relative(repoRoot, bundle.file)} (${bundle.bytes} bytes)`);
    return bundle.file;
  } catch (error) {
    // esbuild reports each problem with its file and line; show those, not a stack.
    const problems = (error as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } | null }> }).errors;
    const detail = problems?.length
      ? problems.map((p) => `  ${p.location ? `${p.location.file}:${p.location.line}:${p.location.column}: ` : ""}${p.text}`).join("\n")
      : `  ${(error as Error).message}`;
    throw new Error(`could not build the Lambda bundle of ${loadFleetConfig().app}:\n${detail}`);
  }
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new CliError(`--port must be a port number 0-65535 (0 = any free port), got '${text}'`, 2);
  return port;
}

function parseInspectPort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new CliError(`--inspect must be a port number 0-65535 (--inspect alone: 9229; 0 = any free port), got '${text}'`, 2);
  return port;
}

function parseApi(text: string | undefined): ApiKind | undefined {
  if (text === undefined || text === "rest" || text === "http") return text;
  throw new CliError(`--api must be rest or http, got '${text}'`, 2);
}

function parseRegions(text: string): string[] {
  const regions = text.split(",").map((r) => r.trim()).filter((r) => r !== "");
  if (regions.length === 0) throw new CliError("--regions needs at least one region, e.g. --regions us-east-1,eu-west-1", 2);
  const unknown = regions.filter((r) => !isAwsRegion(r));
  if (unknown.length > 0) throw new CliError(`--regions: ${unknown.join(", ")} is not an AWS region. Fix: use names such as us-east-1 or eu-west-1`, 2);
  const repeated = regions.filter((r, i) => regions.indexOf(r) !== i);
  if (repeated.length > 0) throw new CliError(`--regions lists ${repeated.join(", ")} twice`, 2);
  return regions;
}

/** The folder of the app module fleet.config.ts names: what --watch watches. */
function appDir(): string {
  return path.dirname(path.join(repoRoot, loadFleetConfig().app));
}

/** Set in a `fleet start` re-run under the functions' Node: the Node it was given (never re-run twice). */
const reRunVariable = "FLEET_START_NODE";

/**
 * The emulator runs each function in a worker thread of this process, so on this process's Node. When that is not
 * the major of the functions' Lambda runtime and the machine has one that is ({@link findNode}), `fleet start`
 * runs again under it and resolves to its exit code; else it says once which Node the functions run on here and
 * resolves to undefined (go on here).
 */
async function onTheFunctionsNode(): Promise<number | undefined> {
  const major = runtimeNodeMajor();
  if (process.env[reRunVariable] !== undefined) {
    process.stderr.write(`functions run on Node ${process.versions.node} (${process.env[reRunVariable]}), as ${lambdaRuntime} in Lambda\n`);
    return undefined;
  }
  if (Number(process.versions.node.split(".")[0]) === major) return undefined;
  const node = findNode(major);
  if (!node) {
    process.stderr.write(
      `note: Lambda runs these functions on ${lambdaRuntime}; this machine has no Node ${major} (looked for node${major} on PATH and in nvm, fnm, volta and n), ` +
        `so they run here on its Node ${process.versions.node}. Fix: install Node ${major} (e.g. nvm install ${major}) to run them on ${major}\n`,
    );
    return undefined;
  }
  const child = spawn(node, process.argv.slice(1), { stdio: "inherit", env: { ...process.env, [reRunVariable]: node } });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const code = await new Promise<number>((resolve) => child.on("exit", (exit, signal) => resolve(exit ?? (signal ? 128 + (signal === "SIGINT" ? 2 : 15) : 1))));
  process.off("SIGINT", forward);
  process.off("SIGTERM", forward);
  return code;
}
