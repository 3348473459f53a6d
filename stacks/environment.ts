import * as pulumi from "@pulumi/pulumi";
import { functionEnv } from "../core/function-env";
import type { StageConfig } from "../core/stage-schema";

/**
 * The function's environment in the cloud: {@link functionEnv} and the stage's `secrets`. With any secret the
 * whole map is a Pulumi secret: encrypted in the state, masked in previews and never a plain output.
 */
export function lambdaEnvironment(stage: string, release: string, config: StageConfig): pulumi.Input<Record<string, string>> {
  const plain = functionEnv(stage, release, config);
  if (Object.keys(config.secrets).length === 0) return plain;
  return pulumi.secret({ ...plain, ...config.secrets });
}
