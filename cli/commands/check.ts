import path from "node:path";
import { concurrencyRule } from "../../core/concurrency";
import { repoRoot } from "../../core/paths";
import { InvalidStackNameError } from "../../core/stack-name";
import { requireKnownStack } from "../../core/stage";
import { StageConfigError, type StageConfigIssue } from "../../core/stage-schema";
import { listStageFiles, readStageFile } from "../../core/stage-file";
import { CliError, defineCommand } from "../command";

type Result =
  | { stack: string; ok: true; targets: number; regions: number; concurrency?: { demand: number; requiredUnreserved: number; rule: string } }
  | { stack: string; ok: false; issues: StageConfigIssue[] };

export default defineCommand({
  summary: "Validate Pulumi.<stack>.yaml files offline (no Pulumi, no AWS)",
  description: `Validates the fleet: keys of every Pulumi.<stack>.yaml in the repository (or only the named stacks) against the
stage schema the Pulumi program uses, with the same messages. Every file is checked and every problem of each is
reported at once (bad values and rules across keys alike); exits 1 when any file has one.
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
    const known = listStageFiles(root);
    // A named stack Pulumi would refuse (`/../../tmp/x`), or one with no file: a usage error, before any file is read.
    try {
      for (const stack of positionals) requireKnownStack(stack, root);
    } catch (error) {
      throw new CliError((error as Error).message, 2);
    }
    const stacks = positionals.length > 0 ? positionals : known;
    if (stacks.length === 0) throw new CliError(`no Pulumi.<stack>.yaml in ${root}. Fix: pulumi stack init <stack> and set its fleet: keys`);
    const results = stacks.map((stack): Result => {
      try {
        const config = readStageFile(stack, root);
        const regions = config.targets.reduce((sum, target) => sum + target.regions.length, 0);
        const rule = concurrencyRule(config);
        if (!values.json) {
          process.stdout.write(`ok  ${stack}: ${config.targets.length} account(s), ${regions} region(s), api ${config.api}, release ${config.release}\n`);
          if (rule) process.stdout.write(`    concurrency: ${rule.text}\n`);
        }
        return { stack, ok: true, targets: config.targets.length, regions, ...(rule ? { concurrency: { demand: rule.demand, requiredUnreserved: rule.requiredUnreserved, rule: rule.text } } : {}) };
      } catch (error) {
        // A Pulumi.<name>.yaml whose name is no stack name is reported like a bad file, never skipped.
        if (error instanceof InvalidStackNameError) error = new StageConfigError(stack, [{ key: `Pulumi.${stack}.yaml`, message: error.message }]);
        if (!(error instanceof StageConfigError)) throw error;
        if (!values.json) process.stderr.write(`${error.message}\n`);
        return { stack, ok: false, issues: error.issues };
      }
    });
    if (values.json) process.stdout.write(`${JSON.stringify({ stacks: results })}\n`);
    const bad = results.filter((r) => !r.ok).length;
    if (bad > 0 && !values.json) process.stderr.write(`${bad} of ${results.length} stack file(s) invalid\n`);
    return bad > 0 ? 1 : 0;
  },
});
