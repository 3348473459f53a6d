import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { FleetError } from "../core/errors";
import { repoRoot } from "../core/paths";
import { checkStackName } from "../core/stack-name";
import { namespaceValues, readConfigSection } from "../core/stage-file";
import { configIssues, roleArnPattern, type StageConfigIssue } from "../core/stage-schema";

/**
 * The bootstrap's own configuration: `bootstrap/Pulumi.<stack>.yaml`, namespace `fleet-bootstrap`. It names how
 * to reach the accounts and who may deploy, never the accounts themselves: those come from the stage files.
 */

/** The bootstrap's Pulumi project (bootstrap/Pulumi.yaml `name`): the namespace of its config keys. */
export const bootstrapProject = "fleet-bootstrap";

/** The bootstrap program's folder: its Pulumi.yaml, tsconfig.json and stack files. */
export const bootstrapDir = path.join(repoRoot, "bootstrap");

const iamName = /^[\w+=,.@-]{1,64}$/;
const principalArnPattern = /^arn:aws:iam::\d{12}:(root|(role|user)\/[\w+=,.@/-]{1,512})$/;
const repositoryPattern = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;
const environmentPattern = /^[A-Za-z0-9_.-]{1,255}$/;

const RoleArn = z
  .string("must be an IAM role ARN. Fix: e.g. arn:aws:iam::<account>:role/OrganizationAccountAccessRole")
  .regex(roleArnPattern, "is not an IAM role ARN. Fix: use the form arn:aws:iam::<account>:role/<name>");

/** Every `fleet-bootstrap:` key. */
export const BootstrapConfig = z.strictObject({
  /** Name of the deploy role made in every account; each stage file's `roleArn` must name it. @default "fleet-deploy" */
  roleName: z.string("must be a role name. Fix: e.g. roleName: fleet-deploy").regex(iamName, "is not an IAM role name. Fix: letters, digits and +=,.@_- only, at most 64").default("fleet-deploy"),
  /** The role the administrator assumes in every account to bootstrap it, e.g. OrganizationAccountAccessRole. */
  adminRoleName: z.string("must be a role name. Fix: e.g. adminRoleName: OrganizationAccountAccessRole").regex(iamName, "is not an IAM role name. Fix: e.g. OrganizationAccountAccessRole").optional(),
  /** Per account: the administrator's role there, where it is not `adminRoleName`. @default {} */
  accounts: z
    .record(
      z.string(),
      z.strictObject({ adminRoleArn: RoleArn }, "must be { adminRoleArn }. Fix: e.g. \"111111111111\": { adminRoleArn: arn:aws:iam::111111111111:role/Admin }"),
      "must be a map of \"<account>\": { adminRoleArn }. Fix: see README \"Bootstrap\"",
    )
    .default({}),
  /** GitHub Actions may assume the deploy role by OIDC, from this repository's environments only. */
  github: z
    .strictObject(
      {
        /** `<owner>/<name>`: the OIDC subject names it, so no other repository's workflow matches. */
        repository: z
          .string("is missing: an OIDC subject without a repository would let any repository's workflow assume the deploy role. Fix: set fleet-bootstrap:github.repository: <owner>/<repo>")
          .regex(repositoryPattern, "must be <owner>/<repo>, without wildcards. Fix: e.g. repository: my-org/my-app"),
        /** The GitHub environment of each stage's jobs. @default the stage's name */
        environments: z.record(z.string(), z.string().regex(environmentPattern, "is not a GitHub environment name. Fix: e.g. production")).default({}),
        /** `existing` when the account already has GitHub's OIDC provider (there can be only one). @default "create" */
        oidcProvider: z.enum(["create", "existing"], "must be create or existing. Fix: existing when the account already has token.actions.githubusercontent.com").default("create"),
      },
      "must be { repository, environments?, oidcProvider? }. Fix: e.g. github: { repository: my-org/my-app }",
    )
    .optional(),
  /** Further principals (a CI role, an operator) that may assume the deploy role in `fleet-*` sessions. @default [] */
  principals: z
    .array(z.string().regex(principalArnPattern, "is not an IAM role, user or account root ARN. Fix: e.g. arn:aws:iam::444455556666:role/ci"), "must be a list of ARNs. Fix: e.g. principals: [arn:aws:iam::444455556666:role/ci]")
    .default([]),
  /** The team's release store (`s3://bucket/prefix`): every deploy role may read releases and append the ledger. */
  store: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^*?]*)?$/, "must be s3://<bucket>/<prefix>. Fix: the same value as FLEET_STORE, e.g. s3://my-fleet-releases/fleet")
    .optional(),
});
export type BootstrapConfig = z.infer<typeof BootstrapConfig>;

/** A bootstrap configuration that must be fixed before anything is made: names the stack, each key and the fix. */
export class BootstrapConfigError extends FleetError {
  constructor(
    readonly bootstrapStack: string,
    readonly issues: StageConfigIssue[],
  ) {
    super(`stack "${bootstrapStack}": invalid bootstrap configuration in bootstrap/Pulumi.${bootstrapStack}.yaml\n${issues.map((issue) => `  ${issue.key}: ${issue.message}`).join("\n")}`);
    this.name = "BootstrapConfigError";
  }
}

/**
 * Validates the raw `fleet-bootstrap:` values of a bootstrap stack (keys without the namespace).
 * @throws BootstrapConfigError
 */
export function parseBootstrapConfig(stack: string, raw: Record<string, unknown>): BootstrapConfig {
  const parsed = BootstrapConfig.safeParse(raw);
  if (!parsed.success) throw new BootstrapConfigError(stack, configIssues(parsed.error, raw, { namespace: bootstrapProject, schema: BootstrapConfig, reference: "Bootstrap" }));
  return parsed.data;
}

/** The bootstrap stacks that have a `bootstrap/Pulumi.<stack>.yaml`, sorted. */
export function bootstrapStacks(dir = bootstrapDir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => /^Pulumi\.(.+)\.yaml$/.exec(name)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/**
 * The bootstrap stack to use: the one named, or else the only `bootstrap/Pulumi.<stack>.yaml` there is.
 * @throws InvalidStackNameError for a name Pulumi would refuse, FleetError when none is named and there is not exactly one
 */
export function bootstrapStack(named?: string): string {
  if (named !== undefined) return checkStackName(named);
  const stacks = bootstrapStacks();
  if (stacks.length === 1) return stacks[0]!;
  throw new FleetError(
    `--stack is required: there are ${stacks.length} bootstrap stacks (${stacks.join(", ") || "none"}). Fix: pass --stack <name>, or add bootstrap/Pulumi.<name>.yaml (README "Bootstrap")`,
  );
}

/**
 * Reads the raw `fleet-bootstrap:` values of `bootstrap/Pulumi.<stack>.yaml`, offline. The bootstrap holds no
 * secret, so a `secure:` value is refused rather than read as a placeholder.
 * @throws BootstrapConfigError
 */
export function readBootstrapFile(stack: string, dir = bootstrapDir): Record<string, unknown> {
  const file = path.join(dir, `Pulumi.${checkStackName(stack)}.yaml`);
  const fail = (message: string): never => {
    throw new BootstrapConfigError(stack, [{ key: path.basename(file), message }]);
  };
  if (!existsSync(file)) {
    const known = bootstrapStacks(dir);
    fail(`not found (bootstrap stacks here: ${known.join(", ") || "none"}). Fix: pass one of those, or create it (README "Bootstrap")`);
  }
  const values = namespaceValues(readConfigSection(file, fail), bootstrapProject);
  if (holdsSecret(values)) fail("holds a secret value, and nothing the bootstrap needs is secret. Fix: set the value in plain text");
  return values;
}

/** A `{ secure: <ciphertext> }` anywhere, as Pulumi writes a secret into a stack file. */
function holdsSecret(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (typeof value !== "object" || value === null) return false;
  const entries = Object.entries(value);
  return (entries.length === 1 && entries[0]![0] === "secure" && typeof entries[0]![1] === "string") || entries.some(([, item]) => holdsSecret(item));
}
