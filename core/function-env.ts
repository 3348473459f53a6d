import type { StageConfig } from "./stage-schema";

/**
 * The environment fleet gives the function, the same in the cloud (stacks/) and in the local cloud: the stage's
 * plain `env`, then fleet's own variables. `FLEET_RELEASE` is the digest deployed, or `dev` for a build of the
 * working tree that is not a release. Lambda adds its own (`AWS_REGION`, …); secrets are added by stacks/ only.
 */
export function functionEnv(stack: string, release: string, config: Pick<StageConfig, "env" | "logLevel">): Record<string, string> {
  return { ...config.env, FLEET_STAGE: stack, FLEET_RELEASE: release, FLEET_LOG_LEVEL: config.logLevel };
}

/** What `FLEET_RELEASE` says when the function runs a build of the working tree, not a stored release. */
export const devRelease = "dev";
