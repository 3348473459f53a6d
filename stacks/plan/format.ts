import type { Plan, PlannedResource } from "./types";

/**
 * `fleet plan` for humans: resources grouped by account, then region, then the global ones (none today), with
 * the outputs and warnings. Component resources are shown as the headings they are, indented by nesting depth.
 */
export function formatPlan(plan: Plan): string {
  const lines: string[] = [`Plan for stack ${plan.stack}: ${plan.resources.length} resources to create`];
  const byAccount = new Map<string, Map<string, PlannedResource[]>>();
  for (const resource of plan.resources) {
    const account = resource.account ?? "(no account)";
    const region = resource.region ?? "(global)";
    const regions = byAccount.get(account) ?? new Map<string, PlannedResource[]>();
    byAccount.set(account, regions);
    regions.set(region, [...(regions.get(region) ?? []), resource]);
  }
  for (const [account, regions] of byAccount) {
    lines.push("", `account ${account}`);
    for (const [region, resources] of regions) {
      lines.push(`  region ${region} (${resources.length})`);
      for (const { resource, depth } of asTree(resources)) lines.push(`    ${"  ".repeat(depth)}+ ${resource.type}  ${resource.name}`);
    }
  }
  lines.push("", "Outputs:");
  for (const [key, value] of Object.entries(plan.outputs)) {
    if (value !== null && typeof value === "object") {
      lines.push(`  ${key}:`);
      for (const [entry, item] of Object.entries(value)) lines.push(`    ${entry}: ${String(item)}`);
    } else {
      lines.push(`  ${key}: ${String(value)}`);
    }
  }
  for (const warning of plan.warnings) lines.push("", `warning: ${warning}`);
  return `${lines.join("\n")}\n`;
}

/** Depth-first order: each resource right under its parent (when the parent is in the same group). */
function asTree(resources: PlannedResource[]): { resource: PlannedResource; depth: number }[] {
  const inGroup = new Set(resources.map((resource) => resource.urn));
  const children = new Map<string | null, PlannedResource[]>();
  for (const resource of resources) {
    const parent = resource.parent !== null && inGroup.has(resource.parent) ? resource.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), resource]);
  }
  const ordered: { resource: PlannedResource; depth: number }[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const resource of children.get(parent) ?? []) {
      ordered.push({ resource, depth });
      visit(resource.urn, depth + 1);
    }
  };
  visit(null, 0);
  return ordered;
}
/** `fleet plan --json`: the stack and every resource with its masked inputs. */
export function planJson(plan: Plan): { stack: string; resources: Omit<PlannedResource, "urn" | "id" | "custom" | "provider" | "secretInputs" | "dependencies" | "retainOnDelete" | "deleteBeforeReplace" | "additionalSecretOutputs">[]; outputs: Record<string, unknown>; warnings: string[] } {
  return {
    stack: plan.stack,
    resources: plan.resources.map(({ type, name, parent, account, region, inputs }) => ({ type, name, parent, account, region, inputs })),
    outputs: plan.outputs,
    warnings: plan.warnings,
  };
}
