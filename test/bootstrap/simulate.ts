import assert from "node:assert/strict";
import { runSimulation, runUnsafeSimulation, type Simulation } from "@cloud-copilot/iam-simulate";

/** One authorized API call as IAM evaluates it: action, resource ARN (`*` for actions without a resource type), context keys. */
export interface Call {
  action: string;
  resource: string;
  context?: Record<string, string | string[] | undefined>;
}

/** Who calls, with which policies: an identity policy, and optionally a boundary, a resource policy (key or trust policy). */
export interface Caller {
  /** The calling session's ARN, e.g. `arn:aws:sts::111111111111:assumed-role/fleet-deploy/fleet-dev`. */
  principal: string;
  identity: unknown[];
  boundary?: unknown;
}

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

/**
 * The decision of @cloud-copilot/iam-simulate for one call. Inputs are validated by the simulator (actions,
 * resource types, context keys) and a call it rejects fails the test, with two exceptions where its data (AWS's
 * service authorization reference) cannot place a valid ARN: it lists no resource type for API Gateway's V2 paths
 * (`/apis…`) and a few V1 sub-resource paths under the shared `apigateway:` verbs, and it gives a Lambda alias
 * and a version the same ARN format (`function:<name>:<qualifier>`). Those calls are evaluated by the same
 * engine without the resource-type check. A context key the action does not take fails the test, so no
 * condition passes by being ignored.
 */
export async function decide(call: Call, caller: Caller, resourcePolicy?: unknown): Promise<Decision> {
  const context = Object.fromEntries(Object.entries(call.context ?? {}).filter((entry): entry is [string, string | string[]] => entry[1] !== undefined));
  const simulation: Simulation = {
    request: { principal: caller.principal, action: call.action, resource: { resource: call.resource, accountId: accountOf(call.resource, caller.principal) }, contextVariables: context },
    identityPolicies: caller.identity.map((policy, index) => ({ name: `identity-${index}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
    permissionBoundaryPolicies: caller.boundary ? [{ name: "boundary", policy: caller.boundary }] : undefined,
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === "error") {
    const unplaceable =
      (result.errors.message === "no.resource.types" && call.action.startsWith("apigateway:")) ||
      (result.errors.message === "multiple.resource.types" && /^arn:aws:lambda:[^:]+:\d{12}:function:[^:]+:[^:]+$/.test(call.resource));
    assert.ok(unplaceable, `the simulator refused ${call.action} on ${call.resource}: ${JSON.stringify(result.errors)}`);
    return runUnsafeSimulation(simulation, {}) as Decision;
  }
  if (result.resultType === "single") assert.deepEqual(result.result.ignoredContextKeys ?? [], [], `${call.action} takes no ${String(result.result.ignoredContextKeys)}`);
  return result.overallResult as Decision;
}

/** The account a resource lives in: its ARN's, else (global names such as Route53's, or `*`) the caller's. */
function accountOf(resource: string, principal: string): string {
  return /^arn:aws:[^:]+:[^:]*:(\d{12}):/.exec(resource)?.[1] ?? principal.split(":")[4]!;
}

/** An assumed-role session ARN of a role ARN (`arn:aws:iam::1:role/path/name` → `arn:aws:sts::1:assumed-role/name/session`). */
export function sessionOf(roleArn: string, session: string): string {
  const [, account, name] = /^arn:aws:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(roleArn)!;
  return `arn:aws:sts::${account}:assumed-role/${name}/${session}`;
}

/** A policy document with every Condition and every Deny statement taken out: the negative control. */
export function withoutConditions<T extends { Statement: { Effect: string; Condition?: unknown }[] }>(policy: T): T {
  return { ...policy, Statement: policy.Statement.filter((statement) => statement.Effect !== "Deny").map(({ Condition: _, ...statement }) => statement) };
}
