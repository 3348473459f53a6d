import { runSimulation } from "@cloud-copilot/iam-simulate";
const acct = "111111111111";
const role = `arn:aws:iam::${acct}:role/fleet-deploy`;
const session = `arn:aws:sts::${acct}:assumed-role/fleet-deploy/fleet-dev`;
const identity = { Version: "2012-10-17", Statement: [
  { Effect: "Allow", Action: "iam:CreateRole", Resource: `arn:aws:iam::${acct}:role/fleet/*`, Condition: { StringEquals: { "iam:PermissionsBoundary": `arn:aws:iam::${acct}:policy/fleet-boundary` } } },
  { Effect: "Allow", Action: ["kms:DescribeKey"], Resource: `arn:aws:kms:*:${acct}:key/*` },
]};
const keyPolicy = { Version: "2012-10-17", Statement: [
  { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: ["kms:DescribeKey"], Resource: "*" },
  { Effect: "Allow", Principal: { AWS: role }, Action: ["kms:Decrypt"], Resource: "*", Condition: { StringEquals: { "kms:ViaService": "lambda.us-east-1.amazonaws.com" } } },
]};
async function sim(action: string, resource: string, ctx: Record<string, string | string[]>, resourcePolicy?: unknown) {
  const r = await runSimulation({ request: { principal: session, action, resource: { resource, accountId: acct }, contextVariables: ctx }, identityPolicies: [{ name: "deploy", policy: identity }], serviceControlPolicies: [], resourceControlPolicies: [], resourcePolicy }, {});
  if (r.resultType === "error") return "ERROR " + JSON.stringify(r.errors);
  return r.overallResult + (r.resultType === "single" ? " ignored=" + JSON.stringify(r.result.ignoredContextKeys) : "");
}
(async () => {
  console.log(await sim("iam:CreateRole", `arn:aws:iam::${acct}:role/fleet/x`, { "iam:PermissionsBoundary": `arn:aws:iam::${acct}:policy/fleet-boundary` }));
  console.log(await sim("iam:CreateRole", `arn:aws:iam::${acct}:role/fleet/x`, {}));
  const key = `arn:aws:kms:us-east-1:${acct}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  console.log(await sim("kms:DescribeKey", key, {}, keyPolicy));
  console.log(await sim("kms:Decrypt", key, {}, keyPolicy));
  console.log(await sim("kms:Decrypt", key, { "kms:ViaService": "lambda.us-east-1.amazonaws.com" }, keyPolicy));
  console.log(await sim("kms:Decrypt", key, { "kms:ViaService": "lambda.us-east-1.amazonaws.com" }));
  console.log(await sim("lambda:UpdateFunctionCode", "arn:aws:lambda:us-east-1:111111111111:function:foo", {}));
  console.log(await sim("logs:PutResourcePolicy", "*", {}));
  console.log(await sim("iam:CreateRole", `arn:aws:iam::${acct}:role/fleet/x`, { "aws:ResourceTag/app": "fleet" }));
})();
