import { runUnderMocks, type Plan, type ProgramRef } from "../stacks/plan/engine";
import { bootstrapDir, bootstrapProject, readBootstrapFile } from "./config";

/** The bootstrap program, for the mocked runs of stacks/plan. */
export const bootstrapProgram: ProgramRef = { project: bootstrapProject, dir: bootstrapDir };

/**
 * Runs the bootstrap program of `stack` under Pulumi's mocks, as `fleet plan` runs the stacks: what `pulumi up`
 * in bootstrap/ would make, offline. @throws BootstrapConfigError (the file), PlanError (the program refused)
 */
export function planBootstrap(stack: string): Promise<Plan> {
  return runUnderMocks({ program: bootstrapProgram, stack, config: { values: readBootstrapFile(stack) } });
}
