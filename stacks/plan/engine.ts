import { fork } from "node:child_process";
import path from "node:path";
import { repoRoot } from "../../core/paths";
import { checkStackName } from "../../core/stack-name";
import type { Plan, PlanReleaseMode, PlanRequest, PlanResponse, PlannedResource, ProgramRef } from "./types";

export type { Plan, PlannedResource, PlanReleaseMode, ProgramRef } from "./types";

/** fleet's own program: `Pulumi.yaml` at the root, `main: stacks/`. */
export const fleetProgram: ProgramRef = { project: "fleet", dir: path.join(repoRoot, "stacks") };

/** Options of one mocked run of fleet's program. */
export interface PlanOptions {
  /** Stack name: reads `Pulumi.<stack>.yaml` from `root`. */
  stack: string;
  /** @default the repository root */
  root?: string;
  /** Use these `fleet:` values instead of the stack file (tests: configs that are not on disk). */
  config?: { values: Record<string, unknown>; secretKeys?: string[] };
  /** Override `fleet:release`. */
  release?: string;
  /** @default { kind: "plan" } */
  releaseMode?: PlanReleaseMode;
  /** Give up after this long. @default 120000 */
  timeoutMs?: number;
}

/** Options of one mocked run of any program of this repository. */
export interface MockRunOptions {
  program: ProgramRef;
  stack: string;
  /** The program's config values, keys without its namespace. */
  config: { values: Record<string, unknown>; secretKeys?: string[] };
  /** Give up after this long. @default 120000 */
  timeoutMs?: number;
}

/** The program stopped (bad config, missing release…): its message, and what it had registered (nothing, for config). */
export class PlanError extends Error {
  constructor(
    message: string,
    readonly resources: PlannedResource[],
  ) {
    super(message);
    this.name = "PlanError";
  }
}

const childPath = path.join(__dirname, "child.ts");

/**
 * Runs fleet's real Pulumi program for a stack under Pulumi's mock runtime, in a fresh child process (the SDK's
 * runtime state is per process), and returns every resource it would register. No Pulumi CLI, no credentials.
 * @throws PlanError when the program stops.
 */
export function planStack(options: PlanOptions): Promise<Plan> {
  return run(
    {
      program: fleetProgram,
      stack: options.stack,
      root: options.root ?? repoRoot,
      config: options.config ? { values: options.config.values, secretKeys: options.config.secretKeys ?? [] } : undefined,
      release: options.release,
      releaseMode: options.releaseMode ?? { kind: "plan" },
    },
    options.timeoutMs,
  );
}

/**
 * Runs another program of this repository (the bootstrap) the same way: same mocks, same recorder, same plan.
 * @throws PlanError when the program stops.
 */
export function runUnderMocks(options: MockRunOptions): Promise<Plan> {
  return run(
    { program: options.program, stack: options.stack, root: repoRoot, config: { values: options.config.values, secretKeys: options.config.secretKeys ?? [] } },
    options.timeoutMs,
  );
}

/** @throws InvalidStackNameError before any process starts */
function run(request: PlanRequest, timeoutMs = 120000): Promise<Plan> {
  checkStackName(request.stack);
  return new Promise((resolve, reject) => {
    const child = fork(childPath, [], {
      cwd: repoRoot,
      execArgv: ["--require", require.resolve("tsx/cjs")],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let stderr = "";
    child.stdout?.on("data", () => undefined);
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill();
      settle(() => reject(new PlanError(`plan of stack "${request.stack}" did not finish within ${timeoutMs} ms`, [])));
    }, timeoutMs);
    child.on("message", (response: PlanResponse) => {
      settle(() => (response.ok ? resolve(response.plan) : reject(new PlanError(response.error, response.resources))));
    });
    child.on("error", (error) => settle(() => reject(error)));
    child.on("exit", (code) => settle(() => reject(new PlanError(`plan of stack "${request.stack}" crashed (exit ${code}): ${stderr.trim()}`, []))));
    child.send(request);
  });
}
