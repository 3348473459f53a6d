import path from "node:path";
import { formatPlan, planJson } from "../../stacks/plan/format";
import { PlanError, planStack } from "../../stacks/plan/engine";
import { CliError, defineCommand } from "../command";
import { defaultStoreDir, repoRoot } from "../../core/paths";
import { requireKnownStack } from "../../core/stage";
import { digestArg, missingStack } from "../release-support";
import { LocalReleaseStore } from "../../artifacts/store/local-store";

export default defineCommand({
  summary: "Show what `pulumi up` would create for a stack, offline (mock runtime)",
  synopsis: "--stack <name> [--dir <path>] [--release sha256:<hex>] [--json]",
  description: `Runs the real Pulumi program with the stack's Pulumi.<name>.yaml under Pulumi's mock runtime (no Pulumi CLI,
no credentials) and prints every resource it would create, grouped by account and region. Secrets are masked.
With release: build the app is bundled as pulumi up would; a release digest missing from the local store is
reported as a warning.`,
  options: {
    stack: { type: "string", short: "s", value: "name", description: "the stack to plan (required)" },
    dir: { type: "string", value: "path", description: "folder holding Pulumi.<name>.yaml (default: the repository root)" },
    release: { type: "string", value: "value", description: "plan with this fleet:release instead of the stack's: build, or a release of .fleet/releases (its digest or first 12+ hex digits)" },
    json: { type: "boolean", description: "print { stack, resources: [{ type, name, parent, account, region, inputs }], outputs, warnings }" },
  },
  async run({ values }) {
    const root = values.dir ? path.resolve(values.dir) : repoRoot;
    if (!values.stack) throw missingStack("--stack", undefined, root);
    try {
      requireKnownStack(values.stack, root);
    } catch (error) {
      throw new CliError(`--stack ${values.stack}: ${(error as Error).message}`, 2);
    }
    // The program deploys sha256: releases from .fleet/releases/, so a prefix names one there.
    const release = values.release === "build" ? "build" : await digestArg(values.release, "--release", new LocalReleaseStore(defaultStoreDir));
    if (!values.json) process.stderr.write(`planning stack ${values.stack} under the mock runtime…\n`);
    try {
      const plan = await planStack({ stack: values.stack, root, release });
      process.stdout.write(values.json ? `${JSON.stringify(planJson(plan), null, 2)}\n` : formatPlan(plan));
      return 0;
    } catch (error) {
      if (error instanceof PlanError) throw new CliError(error.message, 1);
      throw error;
    }
  },
});
