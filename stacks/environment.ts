import * as pulumi from "@pulumi/pulumi";
import type { StageConfig } from "../core/stage-schema";

/**
 * The function's environment, as the app's env contract reads it: FLEET_STAGE, FLEET_RELEASE, FLEET_LOG_LEVEL,
 * the stage's plain `env` and its `secrets`. With any secret the whole map is a Pulumi secret: encrypted in the
 * state, masked in previews and never a plain output.
 */
export function lambdaEnvironment(stage: string, release: string, config: StageConfig): pulumi.Input<Record<string, string>> {
  const plain = { ...config.env, FLEET_STAGE: stage, FLEET_RELEASE: release, FLEET_LOG_LEVEL: config.logLevel };
  if (Object.keys(config.secrets).length === 0) return plain;
  return pulumi.secret({ ...plain, ...config.secrets });
}
