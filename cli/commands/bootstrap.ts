import { accountPlan, loadStages, planAccounts } from "../../bootstrap/accounts";
import { bootstrapStack, parseBootstrapConfig, readBootstrapFile } from "../../bootstrap/config";
import { boundaryStatements } from "../../bootstrap/policies/boundary";
import { deployPolicyStatements } from "../../bootstrap/policies/deploy-policy";
import { policyDocument, wildcardReasons } from "../../bootstrap/policies/document";
import { trustPolicy } from "../../bootstrap/policies/trust";
import { didYouMean } from "../../core/did-you-mean";
import { CliError, defineCommand } from "../command";

export default defineCommand({
  summary: "The account bootstrap: plan it offline, or print an account's deploy policy",
  synopsis: "plan [--stack <name>] [--json]  |  policy --account <id> [--stack <name>] [--document deploy|boundary|trust]",
  description: `The account bootstrap (bootstrap/, its own Pulumi project) makes, in every account the Pulumi.<stage>.yaml
files target, the deploy role their roleArn names, the fleet permissions boundary and the deploy policy. An
administrator runs it once with 'pulumi up' in bootstrap/; these commands show it offline (no Pulumi CLI, no AWS).

 plan     what the bootstrap would create, per account (Pulumi's mocks)
 policy   an account's deploy policy (or --document boundary, trust) as JSON
          on stdout; why each "Resource": "*" is there goes to stderr`,
  arguments: { "<action>": "plan or policy" },
  options: {
    stack: { type: "string", value: "name", description: "the bootstrap stack, bootstrap/Pulumi.<name>.yaml (default: the only one there is)" },
    account: { type: "string", value: "id", description: "policy: the account whose policy to print (required)" },
    document: { type: "string", value: "which", default: "deploy", description: "policy: deploy, boundary or trust" },
    json: { type: "boolean", description: "plan: print { stack, resources: [{ type, name, parent, account, region, inputs }], outputs, warnings }" },
  },
  examples: `  fleet bootstrap plan
  fleet bootstrap policy --account 111111111111 > deploy-policy.json`,
  async run({ values, positionals }) {
    const [action] = positionals;
    if (action === "plan") return plan(values.stack, values.json === true);
    if (action === "policy") return policy(values.stack, values.account, values.document);
    throw new CliError(`unknown action '${action}'${didYouMean(String(action), ["plan", "policy"])}. Fix: fleet bootstrap plan, or fleet bootstrap policy --account <id>`, 2);
  },
});

async function plan(named: string | undefined, json: boolean): Promise<number> {
  // The Pulumi engine and the plan format load only for a plan: `policy` stays instant.
  const { planBootstrap } = require("../../bootstrap/plan") as typeof import("../../bootstrap/plan");
  const { PlanError } = require("../../stacks/plan/engine") as typeof import("../../stacks/plan/engine");
  const { formatPlan, planJson } = require("../../stacks/plan/format") as typeof import("../../stacks/plan/format");
  const stack = bootstrapStack(named);
  if (!json) process.stderr.write(`planning bootstrap stack ${stack} under the mock runtime…\n`);
  try {
    const result = await planBootstrap(stack);
    process.stdout.write(json ? `${JSON.stringify(planJson(result), null, 2)}\n` : formatPlan(result));
    return 0;
  } catch (error) {
    if (error instanceof PlanError) throw new CliError(error.message, 1);
    throw error;
  }
}

function policy(named: string | undefined, account: string | undefined, document: string): number {
  if (!account) throw new CliError("--account <id> is required. Fix: fleet bootstrap policy --account 111111111111", 2);
  if (!["deploy", "boundary", "trust"].includes(document)) throw new CliError(`--document ${document}: must be deploy, boundary or trust. Fix: --document deploy`, 2);
  const stack = bootstrapStack(named);
  const plan = accountPlan(planAccounts(stack, parseBootstrapConfig(stack, readBootstrapFile(stack)), loadStages()), account);
  if (document === "trust") {
    process.stdout.write(`${JSON.stringify(trustPolicy(plan), null, 2)}\n`);
    return 0;
  }
  const statements = document === "boundary" ? boundaryStatements(plan) : deployPolicyStatements(plan);
  process.stdout.write(`${JSON.stringify(policyDocument(statements), null, 2)}\n`);
  for (const { sid, why } of wildcardReasons(statements)) process.stderr.write(`${sid}: "Resource": "*" because ${why}\n`);
  return 0;
}
