import type { StageConfig } from "./stage-schema";

/**
 * The environment fleet gives the function, the same in the cloud (stacks/) and in the local cloud: the stage's
 * plain `env`, then fleet's own variables. `FLEET_RELEASE` is the digest deployed, or `dev` for a build of the
 * working tree that is not a release. Lambda adds its own (`AWS_REGION`, …); secrets are added by stacks/ only.
 */
export function functionEnv(stack: string, release: string, config: Pick<StageConfig, "env" | "logLevel">): Record<string, string> {
  return { ...config.env, FLEET_STAGE: stack, FLEET_RELEASE: release, FLEET_LOG_LEVEL: config.logLevel };
}

/**
 * Lambda's quota on a function's environment: 4 KB for all variables together, measured as their JSON. Lambda's
 * own error says so: "Lambda was unable to configure your environment variables because the environment variables
 * you have provided exceeded the 4KB limit. String measured: {"NAME":"value",…}"; LocalStack measures the same
 * (`json.dumps(env, separators=(",", ":"))` in UTF-8 against 4,096 bytes).
 */
export const lambdaEnvironmentLimitBytes = 4096;

/** The bytes Lambda counts for an environment: its compact JSON in UTF-8. */
export function environmentBytes(env: Record<string, string>): number {
  return Buffer.byteLength(JSON.stringify(env));
}

/** What `FLEET_RELEASE` says when the function runs a build of the working tree, not a stored release. */
export const devRelease = "dev";
