import { linkSync, mkdirSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { closest, didYouMean } from "../../core/did-you-mean";
import { repoRoot } from "../../core/paths";
import { awsRegions } from "../../core/regions";
import { checkStackName } from "../../core/stack-name";
import { stageFilePath } from "../../core/stage-file";
import { parseStageConfig, StageConfigError } from "../../core/stage-schema";
import { CliError, defineCommand } from "../command";

const actions = ["add"];

export default defineCommand({
  summary: "Add a stage: write a new, valid, commented Pulumi.<name>.yaml",
  synopsis: "add <name> --account <id> --role-arn <arn> --regions <a,b> [--api http|rest] [--dir <path>] [--json]",
  description: `Writes Pulumi.<name>.yaml for a new stage (one Pulumi stack): one target (the account, its deploy role and
its regions) and the API kind, each key commented, checked by the schema fleet check and pulumi up use before it is
written. Never overwrites: a stage file of that name already there is refused. Add more accounts to fleet:targets by
hand; then fleet check <name>, fleet plan --stack <name> and pulumi stack init <name>.`,
  arguments: { "<action>": "add", "<name>": "the new stack's name (letters, digits, '-', '_' or '.')" },
  options: {
    account: { type: "string", value: "id", description: "the 12-digit AWS account id of the stage's first target" },
    "role-arn": { type: "string", value: "arn", description: "the deploy role Pulumi assumes in that account (README \"Bootstrap\")" },
    regions: { type: "string", value: "a,b", description: "the account's regions, comma-separated; the first is the first wave of every rollout" },
    api: { type: "string", value: "http|rest", default: "http", description: "the API Gateway kind in front of the function" },
    dir: { type: "string", value: "path", description: "folder to write it in (default: the repository root)" },
    json: { type: "boolean", description: "print { stack, file } as JSON" },
  },
  examples: `  fleet stage add staging --account 123456789012 --role-arn arn:aws:iam::123456789012:role/fleet-deploy --regions us-east-1,eu-west-1`,
  async run({ values, positionals }) {
    const [action, name] = positionals as [string, string];
    if (!actions.includes(action)) throw new CliError(`unknown action '${action}'${didYouMean(action, actions)}. Fix: fleet stage add <name> --account <id> --role-arn <arn> --regions <a,b>`, 2);
    try {
      checkStackName(name);
    } catch (error) {
      throw new CliError((error as Error).message, 2);
    }
    for (const flag of ["account", "role-arn", "regions"] as const) {
      if (values[flag] === undefined) throw new CliError(`--${flag} is required. Fix: fleet stage add ${name} --account <id> --role-arn <arn> --regions <a,b>`, 2);
    }
    const regions = values.regions!.split(",").map((region) => region.trim()).filter((region) => region !== "");
    const target = { account: values.account!, roleArn: values["role-arn"]!, regions };
    try {
      // The schema's own check, so the file is valid as written; every problem is reported at once.
      parseStageConfig(name, { targets: [target], api: values.api });
    } catch (error) {
      if (!(error instanceof StageConfigError)) throw error;
      throw new CliError(`${withRegionHints(error.message, regions)}\nNothing was written.`, 2);
    }
    const root = path.resolve(values.dir ?? repoRoot);
    const file = stageFilePath(name, root);
    writeNew(file, stageFileText(name, target, values.api));
    const shown = path.relative(process.cwd(), file) || file;
    if (values.json) process.stdout.write(`${JSON.stringify({ stack: name, file })}\n`);
    else process.stdout.write(`wrote ${shown}\nnext: fleet check ${name}; fleet plan --stack ${name}; pulumi stack init ${name}\n`);
  },
});

/** The schema says a region is unknown; say which known one was meant. */
function withRegionHints(message: string, regions: string[]): string {
  const hints = regions.filter((region) => !(awsRegions as readonly string[]).includes(region)).flatMap((region) => {
    const near = closest(region, awsRegions);
    return near ? [`  ${region}: did you mean ${near}?`] : [];
  });
  return hints.length > 0 ? `${message}\n${hints.join("\n")}` : message;
}

/** A commented stage file: every value as YAML reads it back (strings double-quoted, the account kept a string). */
function stageFileText(name: string, target: { account: string; roleArn: string; regions: string[] }, api: string): string {
  const q = (value: string) => JSON.stringify(value);
  return `# Stage ${name}: one Pulumi stack, deployed to every region of every account below (README "Deploying to AWS").
# Written by 'fleet stage add'. Check it offline with 'fleet check ${name}', see what pulumi up would create with
# 'fleet plan --stack ${name}', then 'pulumi stack init ${name}' (it keeps this file) and 'pulumi up -s ${name}'.
# Every fleet: key is in the README's "Configuration reference".
config:
  # Accounts and regions: one regional API per account x region, each account through its own deploy role.
  # The first region is the first wave of every rollout. Add an account as another "- account:" entry.
  fleet:targets:
    - account: ${q(target.account)}
      roleArn: ${q(target.roleArn)}
      regions: [${target.regions.map(q).join(", ")}]
  # http: HTTP API (payload 2.0, CORS from fleet:cors); rest: REST API (payload 1.0, URLs carry /${name}/).
  fleet:api: ${q(api)}
  # build: bundle the working tree at pulumi up. 'fleet deploy' and 'fleet promote' put a stored release here
  # (sha256:<hex>); set fleet:requireRelease: true to run stored releases only.
  fleet:release: build
`;
}

/** Writes `file` whole (temporary file, fsync, then a hard link, which fails rather than replace an existing file). */
function writeNew(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { flush: true });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new CliError(`${path.basename(file)} already exists: fleet stage add never overwrites a stage. Fix: choose another name, or edit that file`, 1);
    }
    throw error;
  } finally {
    unlinkSync(temp);
  }
}
