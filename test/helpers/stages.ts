import { stageFrom, type Stage } from "../../core/stage";
import { parseStageConfig } from "../../core/stage-schema";

/**
 * A stage that is not on disk, validated by the real schema (so its defaults are the schema's): `targets` as
 * `[account, regions]` pairs, each with its account's deploy role, and any other `fleet:` values.
 */
export function testStage(stack: string, targets: [account: string, regions: string[]][], values: Record<string, unknown> = {}): Stage {
  const config = parseStageConfig(stack, {
    targets: targets.map(([account, regions]) => ({ account, roleArn: `arn:aws:iam::${account}:role/fleet-deploy`, regions })),
    ...values,
  });
  return stageFrom(stack, config);
}
