import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/template-token";
import type { WorkflowTemplate } from "@actions/workflow-parser";
import { readBootstrapFile } from "../../bootstrap/config";
import { sessionNamePattern } from "../../bootstrap/policies/trust";
import { repoRoot } from "../../core/paths";
import { listStageFiles } from "../../core/stage-file";

/**
 * .github/workflows/fleet.yml through GitHub's own parser (@actions/workflow-parser, the one behind the Actions
 * editor): it must parse without an error, and its job graph must be the pipeline README "CI" describes.
 */

const file = path.join(repoRoot, ".github", "workflows", "fleet.yml");

interface Step {
  run?: string;
  uses?: string;
  id?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  environment?: string;
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  steps: Step[];
}

/** A token of the parsed workflow as plain values: mappings, sequences, and scalars as written. */
function plain(token: TemplateToken, guards: typeof import("@actions/workflow-parser")): unknown {
  if (guards.isMapping(token)) {
    const object: Record<string, unknown> = {};
    for (let i = 0; i < token.count; i++) {
      const { key, value } = token.get(i);
      object[key.toDisplayString()] = plain(value, guards);
    }
    return object;
  }
  if (guards.isSequence(token)) return Array.from({ length: token.count }, (_, i) => plain(token.get(i), guards));
  if (guards.isString(token)) return token.value;
  return (token as unknown as { toDisplayString(): string }).toDisplayString();
}

describe(".github/workflows/fleet.yml, parsed by @actions/workflow-parser", () => {
  let jobs: Record<string, Job>;
  let on: Record<string, unknown>;
  let template: WorkflowTemplate;
  const text = readFileSync(file, "utf8");

  before(async () => {
    // ES module only: imported, not required.
    const parser = await import("@actions/workflow-parser");
    const parsed = parser.parseWorkflow({ name: "fleet.yml", content: text }, new parser.NoOperationTraceWriter());
    assert.deepEqual(parsed.context.errors.getErrors().map((error) => error.message), [], "GitHub's parser reports no error");
    const workflow = plain(parsed.value!, parser) as { on: Record<string, unknown>; jobs: Record<string, Job> };
    jobs = workflow.jobs;
    on = workflow.on;
    template = await parser.convertWorkflowTemplate(parsed.context, parsed.value!);
    assert.deepEqual(template.errors ?? [], []);
  });

  const runs = (job: Job) => job.steps.flatMap((step) => (step.run ? [step.run] : []));
  const uses = (job: Job, action: string) => job.steps.filter((step) => step.uses?.startsWith(`${action}@`));

  it("checks pull requests offline: npm ci, npm test, fleet check, and a fleet plan of every stage as an artifact", () => {
    assert.ok("pull_request" in on);
    const check = jobs.check!;
    assert.equal(check.if, "github.event_name == 'pull_request'");
    const commands = runs(check);
    for (const expected of ["npm ci", "npm test", "npx fleet check"]) assert.ok(commands.includes(expected), expected);
    assert.ok(commands.indexOf("npm ci") < commands.indexOf("npm test"));
    const plan = commands.find((command) => command.includes("fleet plan"));
    assert.ok(plan, "a fleet plan step");
    assert.match(plan, /for file in Pulumi\.\*\.yaml; do/, "every stage file, not a list typed twice");
    assert.match(plan, /npx fleet plan --stack "\$stack" --json > "plans\/\$stack\.json"/);
    assert.ok(listStageFiles().length >= 2);
    const artifact = uses(check, "actions/upload-artifact");
    assert.equal(artifact.length, 1);
    assert.equal(artifact[0]!.with?.path, "plans/");
    assert.equal(uses(check, "aws-actions/configure-aws-credentials").length, 0, "no cloud credentials for a pull request");
    assert.equal(check.permissions?.["id-token"], undefined);
  });

  it("on main releases once into the store, deploys dev and smokes it, with credentials by OIDC in the dev environment", () => {
    assert.deepEqual(on.push, { branches: ["main"] });
    const dev = jobs.dev!;
    assert.equal(dev.if, "github.event_name == 'push' && github.ref == 'refs/heads/main'");
    assert.equal(dev.environment, "dev");
    assert.equal(dev.permissions?.["id-token"], "write");
    assert.equal(dev.env?.FLEET_STORE, "${{ vars.FLEET_STORE }}");
    const commands = runs(dev);
    const order = ["fleet release", "npx fleet deploy --stack dev --release", "npx fleet smoke --stack dev"].map((part) => commands.findIndex((command) => command.includes(part)));
    assert.ok(order.every((index) => index >= 0) && order[0]! < order[1]! && order[1]! < order[2]!, String(commands));
  });

  it("runs prod only after dev, behind the prod environment, promoting dev's release with --yes", () => {
    const prod = jobs.prod!;
    assert.deepEqual([prod.needs].flat(), ["dev"]);
    assert.equal(prod.environment, "prod");
    assert.equal(prod.permissions?.["id-token"], "write");
    assert.ok(runs(prod).includes("npx fleet promote --from dev --to prod --yes"));
    // GitHub's own job model agrees: prod needs dev, and nothing needs prod.
    const graph = Object.fromEntries(template.jobs.map((job) => [job.id.value, (job.needs ?? []).map((need) => need.value)]));
    assert.deepEqual(graph, { check: [], dev: [], prod: ["dev"] });
  });

  it("assumes each stage's deploy role by OIDC in a fleet-* session, in the environment the bootstrap trusts for that stage", () => {
    const environments = (readBootstrapFile("accounts").github as { environments?: Record<string, string> } | undefined)?.environments ?? {};
    for (const [job, stage] of [["dev", "dev"], ["prod", "prod"]] as const) {
      const [credentials] = uses(jobs[job]!, "aws-actions/configure-aws-credentials");
      assert.ok(credentials, `${job} configures AWS credentials`);
      assert.equal(credentials.with?.["role-to-assume"], "${{ steps.role.outputs.arn }}");
      assert.ok(jobs[job]!.steps.find((step) => step.id === "role")?.run?.includes(`readFileSync('Pulumi.${stage}.yaml'`), "the role ARN comes from the stage file");
      // The parser turns `fleet-ci-${{ github.run_id }}` into `${{ format('fleet-ci-{0}', github.run_id) }}`: its literal part.
      const session = (credentials.with?.["role-session-name"] ?? "").replace(/^\$\{\{ format\('([^']*)',.*\) \}\}$/, "$1");
      assert.ok(new RegExp(`^${sessionNamePattern.replace("*", ".+")}$`).test(session), `${session} matches the trust's ${sessionNamePattern}`);
      assert.equal(jobs[job]!.environment, environments[stage] ?? stage, "the OIDC subject's environment is the one the deploy roles trust");
    }
  });

  it("holds no long-lived key anywhere: no access key inputs, no AWS or Pulumi key variables, no secrets at all", () => {
    for (const [id, job] of Object.entries(jobs)) {
      for (const step of job.steps) {
        for (const input of ["aws-access-key-id", "aws-secret-access-key", "aws-session-token"]) assert.equal(step.with?.[input], undefined, `${id}: ${input}`);
        for (const variable of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE"]) assert.equal(step.env?.[variable], undefined, `${id}: ${variable}`);
      }
    }
    assert.doesNotMatch(text, /secrets\.|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id|PULUMI_ACCESS_TOKEN/);
    for (const job of ["dev", "prod"]) assert.equal(uses(jobs[job]!, "pulumi/auth-actions")[0]?.with?.["requested-token-type"], "urn:pulumi:token-type:access_token:organization", "Pulumi Cloud by OIDC too");
  });
});
