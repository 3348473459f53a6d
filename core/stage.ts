import path from "node:path";
import { didYouMean } from "./did-you-mean";
import { FleetError } from "./errors";
import { repoRoot } from "./paths";
import { regionKey } from "./region-key";
import { checkStackName } from "./stack-name";
import type { StageConfig } from "./stage-schema";
import { listStageFiles, readStageFile, stageFilePath } from "./stage-file";

/** One account × region of a stage; `key` is its {@link regionKey}. */
export interface RegionRef {
  key: string;
  account: string;
  region: string;
}

/**
 * A stage as every room sees it: its stack name, its validated `fleet:` configuration (defaults applied by the
 * schema, the one place defaults live) and its account × regions in stage-file order.
 */
export interface Stage {
  stack: string;
  config: StageConfig;
  /** Every account × region, in the stage file's order: the first is the first wave of a rollout. */
  regions: RegionRef[];
}

/** Looks a stage up by stack name; throws a FleetError naming the stack and the fix when it is unknown or invalid. */
export type StageLoader = (stack: string) => Stage;

/** The account × regions of a configuration, in order. */
export function regionsOf(config: Pick<StageConfig, "targets">): RegionRef[] {
  return config.targets.flatMap((t) => t.regions.map((region) => ({ key: regionKey(t.account, region), account: t.account, region })));
}

/**
 * Reads and validates `Pulumi.<stack>.yaml` (the program's own schema and messages). A name Pulumi would refuse is
 * refused before any file is touched; an unknown stack is refused the same way by every command: the stacks that
 * exist, and the closest one when the name looks mistyped.
 * @throws InvalidStackNameError, UnknownStackError, StageConfigError
 */
export function loadStage(stack: string, root: string = repoRoot): Stage {
  requireKnownStack(stack, root);
  return stageFrom(stack, readStageFile(stack, root));
}

/**
 * Refuses, as {@link loadStage} does, a name Pulumi would refuse, then a stack without a `Pulumi.<stack>.yaml` in `root`.
 * @throws InvalidStackNameError, UnknownStackError
 */
export function requireKnownStack(stack: string, root: string = repoRoot): void {
  checkStackName(stack);
  const known = listStageFiles(root);
  if (!known.includes(stack)) throw new UnknownStackError(stack, known, root);
}

/** The stage of a validated configuration (tests and `fleet plan` build configs that are not on disk). */
export function stageFrom(stack: string, config: StageConfig): Stage {
  return { stack, config, regions: regionsOf(config) };
}

/** A stack name with no `Pulumi.<stack>.yaml`. */
export class UnknownStackError extends FleetError {
  constructor(
    readonly unknown: string,
    readonly known: string[],
    root: string,
  ) {
    const file = path.basename(stageFilePath(unknown, root));
    super(
      `unknown stack '${unknown}'${didYouMean(unknown, known)}: there is no ${file} (stacks here: ${known.join(", ") || "none"}). ` +
        `Fix: use one of those, or add ${file}: fleet stage add ${unknown} --account <id> --role-arn <arn> --regions <a,b>`,
    );
    this.name = "UnknownStackError";
  }
}
