import * as pulumi from "@pulumi/pulumi";
import { functionEnv } from "../core/function-env";
import type { StageConfig } from "../core/stage-schema";

/**
 * The function's environment in the cloud: {@link functionEnv} and the stage's `secrets`, each secret value a
 * Pulumi secret of its own: encrypted in the state and masked in previews and plans key by key, so a review sees
 * every plain variable. (The function's `environment` output is secret as a whole: stacks/components/function.ts.)
 */
export function lambdaEnvironment(stage: string, release: string, config: StageConfig): Record<string, pulumi.Input<string>> {
  const secrets = Object.entries(config.secrets).map(([name, value]) => [name, pulumi.secret(value)] as const);
  return { ...functionEnv(stage, release, config), ...Object.fromEntries(secrets) };
}
