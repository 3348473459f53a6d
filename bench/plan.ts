import { existsSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "../core/paths";
import { median } from "./stats";

/** Wall time of an offline `fleet plan` (the real program under Pulumi's mock runtime) for 1 and for many targets. */
export interface PlanResult {
  oneTargetMs: number;
  manyTargetsMs: number;
  /** Account × region pairs in the large stage (3 × 8). */
  targets: number;
  /** Resources the large plan registered. */
  manyTargetsResources: number;
}

export interface PlanBenchOptions {
  /** Plans per stage size, interleaved. @default 2 (each plan is a fresh Pulumi process of several seconds) */
  runs: number;
}

/** 8 regions per account, 3 accounts: 24 regional APIs. */
const regions = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "ap-northeast-1", "sa-east-1"];
const accounts = ["111111111111", "222222222222", "333333333333"];
/**
 * A well-formed digest that is not in the release store: the plan then warns instead of building the bundle,
 * so the figures are the program's own work, not esbuild's.
 */
const absentRelease = `sha256:${"0".repeat(64)}`;

function stage(targets: Array<{ account: string; regions: string[] }>): Record<string, unknown> {
  return {
    api: "rest",
    release: absentRelease,
    targets: targets.map(({ account, regions: list }) => ({ account, roleArn: `arn:aws:iam::${account}:role/fleet-deploy`, regions: list })),
  };
}

/**
 * Times `planStack` (what `fleet plan` runs: a fresh child process with the Pulumi program under mocks) on an
 * in-memory 1-target stage and a 3 accounts × 8 regions stage. No stack file is written.
 */
export async function measurePlan(progress: (line: string) => void = () => undefined, options: PlanBenchOptions = { runs: 2 }): Promise<PlanResult> {
  if (!existsSync(path.join(repoRoot, "stacks", "plan", "engine.ts"))) {
    throw new Error("stacks/plan/engine.ts does not exist yet: the plan benchmark cannot run");
  }
  const { planStack } = await import("../stacks/plan/engine");
  const one = stage([{ account: accounts[0]!, regions: [regions[3]!] }]);
  const many = stage(accounts.map((account) => ({ account, regions })));
  const targets = accounts.length * regions.length;
  const times: Record<"one" | "many", number[]> = { one: [], many: [] };
  let manyTargetsResources = 0;
  for (let run = 0; run < options.runs; run++) {
    for (const [name, values] of [["one", one], ["many", many]] as const) {
      const started = performance.now();
      const plan = await planStack({ stack: `bench-${name}`, config: { values } });
      times[name].push(performance.now() - started);
      const planned = new Set(plan.resources.filter((r) => r.region !== null).map((r) => `${r.account}/${r.region}`));
      const expected = name === "one" ? 1 : targets;
      if (planned.size !== expected) throw new Error(`plan of ${expected} target(s) placed resources in ${planned.size} account/region pairs`);
      if (name === "many") manyTargetsResources = plan.resources.length;
      progress(`plan: run ${run + 1}/${options.runs} ${expected} target(s) ${Math.round(times[name].at(-1)!)} ms, ${plan.resources.length} resources`);
    }
  }
  return { oneTargetMs: median(times.one), manyTargetsMs: median(times.many), targets, manyTargetsResources };
}
