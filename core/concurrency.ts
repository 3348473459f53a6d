import { provisionedDuringAMove, type StageConfig } from "./stage-schema";

/**
 * Lambda's account concurrency rule, one definition for `fleet check` (offline) and the preflight of every rollout
 * (against each region's GetAccountSettings): reserving concurrency (PutFunctionConcurrency) or provisioning it
 * without a reservation must leave at least 100 of the region's concurrent executions unreserved for every other
 * function, or Lambda refuses it after the function was created. New accounts get reduced quotas (as low as 10).
 */

/** Unreserved concurrent executions Lambda always keeps for the functions of a region with no reservation. */
export const minimumUnreservedConcurrency = 100;

/**
 * How many of the region's concurrent executions the function takes out of the unreserved pool: its reservation;
 * without one, the provisioned concurrency of both versions during a move; 0 when neither is set.
 */
export function concurrencyDemand(config: Pick<StageConfig, "reservedConcurrency" | "provisionedConcurrency">): number {
  if (config.reservedConcurrency !== undefined) return config.reservedConcurrency;
  return config.provisionedConcurrency === undefined ? 0 : provisionedDuringAMove(config.provisionedConcurrency);
}

/** The setting that makes the demand, as a user wrote it (for messages). */
function demandSource(config: Pick<StageConfig, "reservedConcurrency" | "provisionedConcurrency">): string {
  return config.reservedConcurrency !== undefined
    ? `fleet:reservedConcurrency ${config.reservedConcurrency}`
    : `fleet:provisionedConcurrency ${config.provisionedConcurrency} (on two versions while live moves)`;
}

/** The rule for a stage as `fleet check` states it; undefined when the stage takes nothing from the pool. */
export function concurrencyRule(config: Pick<StageConfig, "reservedConcurrency" | "provisionedConcurrency">): { demand: number; requiredUnreserved: number; text: string } | undefined {
  const demand = concurrencyDemand(config);
  if (demand === 0) return undefined;
  const requiredUnreserved = demand + minimumUnreservedConcurrency;
  return {
    demand,
    requiredUnreserved,
    text:
      `${demandSource(config)} needs ${requiredUnreserved} unreserved concurrent executions in each target region ` +
      `(${demand} for the function, ${minimumUnreservedConcurrency} Lambda keeps for the others), checked before each rollout's first pulumi up`,
  };
}

/** One region's numbers, as GetAccountSettings (and the function's own current hold) give them. */
export interface RegionConcurrency {
  /** `AccountLimit.ConcurrentExecutions`: the region's quota. */
  limit: number;
  /** `AccountLimit.UnreservedConcurrentExecutions`: what no function has reserved (this one's hold excluded). */
  unreserved: number;
  /** What the deployed function already takes from the pool (its reservation or provisioned concurrency), 0 if none. */
  held: number;
}

/**
 * Whether `pulumi up` can give the function its concurrency in a region: after taking `demand` (less what it
 * already holds), at least 100 executions must stay unreserved. The refusal names the numbers and the fix.
 * @returns undefined when it fits, else the message (without the region, which the caller names).
 */
export function concurrencyShortfall(config: Pick<StageConfig, "reservedConcurrency" | "provisionedConcurrency">, numbers: RegionConcurrency): string | undefined {
  const demand = concurrencyDemand(config);
  const available = numbers.unreserved + numbers.held;
  if (demand === 0 || available - demand >= minimumUnreservedConcurrency) return undefined;
  const required = demand + minimumUnreservedConcurrency;
  const quota = numbers.limit - available + required;
  const most = available - minimumUnreservedConcurrency;
  const lower = most >= 1 ? `, or lower ${config.reservedConcurrency !== undefined ? "fleet:reservedConcurrency" : "fleet:provisionedConcurrency"} to at most ${config.reservedConcurrency !== undefined ? most : Math.floor(most / 2)}` : "";
  return (
    `${demandSource(config)} needs ${required} unreserved concurrent executions (${demand} for the function, ${minimumUnreservedConcurrency} Lambda keeps for the others), ` +
    `and the account has ${available} available (limit ${numbers.limit}, unreserved ${numbers.unreserved}${numbers.held > 0 ? `, ${numbers.held} already held by the function` : ""}). ` +
    `Fix: request a quota increase of "Concurrent executions" (Service Quotas, AWS Lambda) to at least ${quota} in this region${lower}`
  );
}
