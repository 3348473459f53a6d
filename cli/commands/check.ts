import path from "node:path";
import { concurrencyRule } from "../../core/concurrency";
import { repoRoot } from "../../core/paths";
import { StageConfigError } from "../../core/stage-schema";
import { listStageFiles, readStageFile } from "../../core/stage-file";
import { CliError, defineCommand } from "../command";

export default defineCommand({
  summary: "Validate Pulumi.<stack>.yaml files offline (no Pulumi, no AWS)",
  description: `Validates the fleet: keys of every Pulumi.<stack>.yaml in the repository (or only the named stacks) against the
stage schema the Pulumi program uses, with the same messages. Stops at the first bad file and exits 1.
Secret values are not decrypted. A stage that reserves or provisions concurrency also gets the rule Lambda
applies to it (the unreserved concurrency each region needs), which deploy, promote and rollback check against
each region's account settings before the first pulumi up.`,
  arguments: { "[stack...]": "the stacks to check (default: every Pulumi.<stack>.yaml)" },
  options: {
    dir: { type: "string", value: "path", description: "folder holding the Pulumi.<stack>.yaml files (default: the repository root)" },
    json: { type: "boolean", description: "print { stacks: [{ stack, ok, targets?, regions?, concurrency?, issues? }] } as JSON" },
  },
  async run({ values, positionals }) {
    const root = path.resolve(values.dir ?? repoRoot);
    const stacks = positionals.length > 0 ? positionals : listStageFiles(root);
    if (stacks.length === 0) throw new CliError("no Pulumi.<stack>.yaml found. Fix: pulumi stack init <stack> and set its fleet: keys");
    const results: {
      stack: string;
      ok: boolean;
      targets?: number;
      regions?: number;
      concurrency?: { demand: number; requiredUnreserved: number; rule: string };
      issues?: { key: string; message: string }[];
    }[] = [];
    for (const stack of stacks) {
      try {
        const config = readStageFile(stack, root);
        const regions = config.targets.reduce((sum, target) => sum + target.regions.length, 0);
        const rule = concurrencyRule(config);
        results.push({ stack, ok: true, targets: config.targets.length, regions, ...(rule ? { concurrency: { demand: rule.demand, requiredUnreserved: rule.requiredUnreserved, rule: rule.text } } : {}) });
        if (!values.json) {
          process.stdout.write(`ok  ${stack}: ${config.targets.length} account(s), ${regions} region(s), api ${config.api}, release ${config.release}\n`);
          if (rule) process.stdout.write(`    concurrency: ${rule.text}\n`);
        }
      } catch (error) {
        if (!(error instanceof StageConfigError)) throw error;
        results.push({ stack, ok: false, issues: error.issues });
        if (values.json) process.stdout.write(`${JSON.stringify({ stacks: results })}\n`);
        else process.stderr.write(`${error.message}\n`);
        return 1;
      }
    }
    if (values.json) process.stdout.write(`${JSON.stringify({ stacks: results })}\n`);
    return 0;
  },
});
