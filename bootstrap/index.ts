import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FleetError } from "../core/errors";
import { StageConfigError } from "../core/stage-schema";
import { namespaceConfig } from "../stacks/stage-config";
import { AccountBootstrap } from "./account";
import { loadStages, planAccounts, type AccountPlan } from "./accounts";
import { bootstrapProject, parseBootstrapConfig } from "./config";

/**
 * The bootstrap program: read the stage files (the accounts) and this stack's configuration (the way in, who may
 * deploy), check them against each other, then one provider and one AccountBootstrap per account. Nothing is
 * registered before every account is known to be consistent. `fleet bootstrap plan` runs it under mocks.
 */
async function bootstrap() {
  const stack = pulumi.getStack();
  const plans = stopOnConfigError(() => planAccounts(stack, parseBootstrapConfig(stack, namespaceConfig(bootstrapProject)), loadStages()));
  const deployRoles: Record<string, pulumi.Output<string>> = {};
  const boundaries: Record<string, pulumi.Output<string>> = {};
  for (const plan of plans) {
    const account = new AccountBootstrap(`account-${plan.account}`, { plan }, { providers: [providerOf(plan)] });
    deployRoles[plan.account] = account.deployRoleArn;
    boundaries[plan.account] = account.boundaryArn;
  }
  return {
    /** `"<account>"` → the deploy role the stage files' `roleArn` name. */
    deployRoles,
    /** `"<account>"` → the fleet permissions boundary. */
    boundaries,
  };
}

/** The account's own provider: the administrator's role there, and no other account (IAM is global: any region). */
function providerOf(plan: AccountPlan): aws.Provider {
  return new aws.Provider(`bootstrap-${plan.account}`, {
    region: "us-east-1",
    assumeRoles: [{ roleArn: plan.adminRoleArn, sessionName: "fleet-bootstrap" }],
    allowedAccountIds: [plan.account],
    defaultTags: { tags: { app: "fleet", part: "bootstrap" } },
  });
}

/** A configuration error ends the run with its message alone: it is the user's to fix. */
function stopOnConfigError<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof StageConfigError || error instanceof FleetError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

export = bootstrap;
