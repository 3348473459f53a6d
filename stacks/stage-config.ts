import * as pulumi from "@pulumi/pulumi";
import { checkStackName } from "../core/stack-name";
import { parseStageConfig, type StageConfig } from "../core/stage-schema";

/**
 * The stage configuration as `pulumi up` sees it: every `fleet:` key of the running stack, validated by the
 * schema `fleet check` uses. Call it first: a bad value stops the program before any resource is registered.
 * @throws InvalidStackNameError, StageConfigError
 */
export function loadStageConfig(stack: string = pulumi.getStack()): StageConfig {
  checkStackName(stack);
  return parseStageConfig(stack, namespaceConfig("fleet"));
}

/** Every config value of the running stack in `namespace` (keys without it), structured values parsed. */
export function namespaceConfig(namespace: string): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(pulumi.runtime.allConfig())) {
    if (fullKey.startsWith(`${namespace}:`)) raw[fullKey.slice(namespace.length + 1)] = parseConfigValue(value);
  }
  return raw;
}

/**
 * Pulumi hands structured values over as JSON text and scalars as plain text (`rest`, `1024`, `true`).
 * Read here with the engine's raw accessor rather than `Config.get`, which warns on the secret `fleet:secrets`;
 * the secrets are re-wrapped with `pulumi.secret` where they are used.
 */
function parseConfigValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
