import { existsSync } from "node:fs";
import path from "node:path";
import { listStageFiles, readStageFile, stageFilePath } from "./stage-file";

/** One account × region of a stage; `key` is `"<account>/<region>"`, the endpoint key everywhere. */
export interface RegionRef {
  key: string;
  account: string;
  region: string;
}

/** What release promotion needs from a stage's config (`Pulumi.<stack>.yaml`). */
export interface Stage {
  stack: string;
  api: "rest" | "http";
  /** The Lambda timeout in milliseconds (the emulator enforces it). */
  timeoutMs: number;
  /** Plain environment variables the stage gives the function. */
  env: Record<string, string>;
  /** Whether the stage accepts only stored releases (`fleet:release: sha256:…`), never a build from source. */
  requireRelease: boolean;
  /** Every account × region, in the stage file's order: the first is the first wave of a rollout. */
  regions: RegionRef[];
}

/** Looks a stage up by stack name; throws a message naming the stack and the fix when it is unknown or invalid. */
export type StageLoader = (stack: string) => Stage;

/** The key of one account × region. */
export function regionKey(account: string, region: string): string {
  return `${account}/${region}`;
}

/**
 * Reads `Pulumi.<stack>.yaml` through stacks/stage-file.ts, the program's own validated loader (same messages); a
 * stack with no such file is unknown, and the message lists the stacks there are.
 */
export const loadStage: StageLoader = (stack) => {
  const file = stageFilePath(stack);
  if (!existsSync(file)) {
    const known = listStageFiles();
    throw new Error(
      `unknown stack: there is no ${path.basename(file)} in ${path.dirname(file)} (stacks here: ${known.join(", ") || "none"}). ` +
        `Fix: use one of those, or add ${path.basename(file)} (README "Deploying to AWS")`,
    );
  }
  const config = readStageFile(stack);
  return {
    stack,
    api: config.api,
    timeoutMs: config.timeout * 1000,
    env: config.env,
    requireRelease: config.requireRelease,
    regions: config.targets.flatMap((t) => t.regions.map((region) => ({ key: regionKey(t.account, region), account: t.account, region }))),
  };
};
