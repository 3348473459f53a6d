import { runUnderMocks, type Plan, type ProgramRef } from "../stacks/plan/engine";
import { BootstrapConfigError, bootstrapDir, bootstrapProject, bootstrapStacks, readBootstrapFile } from "./config";

/** The bootstrap program, for the mocked runs of stacks/plan. */
export const bootstrapProgram: ProgramRef = { project: bootstrapProject, dir: bootstrapDir };

/**
 * The bootstrap stack to use: the one named, or else the only `bootstrap/Pulumi.<stack>.yaml` there is.
 * @throws BootstrapConfigError when none is named and there is not exactly one
 */
export function bootstrapStack(named?: string): string {
  if (named !== undefined) return named;
  const stacks = bootstrapStacks();
  if (stacks.length === 1) return stacks[0]!;
  throw new BootstrapConfigError("(none)", [
    { key: "--stack", message: `is required: there are ${stacks.length} bootstrap stacks (${stacks.join(", ") || "none"}). Fix: pass --stack <name>, or add bootstrap/Pulumi.<name>.yaml (README "Bootstrap")` },
  ]);
}

/**
 * Runs the bootstrap program of `stack` under Pulumi's mocks, as `fleet plan` runs the stacks: what `pulumi up`
 * in bootstrap/ would make, offline. @throws BootstrapConfigError (the file), PlanError (the program refused)
 */
export function planBootstrap(stack: string): Promise<Plan> {
  return runUnderMocks({ program: bootstrapProgram, stack, config: { values: readBootstrapFile(stack) } });
}
