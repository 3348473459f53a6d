import {
  DeleteFunctionCommand,
  GetAccountSettingsCommand,
  GetFunctionConcurrencyCommand,
  InvokeCommand,
  LambdaClient,
  ListAliasesCommand,
  ListProvisionedConcurrencyConfigsCommand,
  ListVersionsByFunctionCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-lambda";
import type { RegionConcurrency } from "../core/concurrency";
import { deployRoleCredentials, type DeployRoleTarget } from "./deploy-role";
import type { PublishedVersion, VersionReferences } from "./version-retention";

/**
 * The Lambda calls fleet makes itself, outside Pulumi: thin over the SDK, every decision elsewhere
 * (core/concurrency.ts, targets/version-retention.ts). Loaded only for real accounts (it loads the AWS SDK).
 */

/** The part of a LambdaClient these calls use; tests pass a fake that checks the real Command objects. */
export interface LambdaLike {
  send(command: object): Promise<unknown>;
}

/** Where a call goes: the account's deploy role (as the Pulumi providers assume it) in one region. */
export type LambdaTarget = DeployRoleTarget;

/** Opens a Lambda client for one account × region. */
export type LambdaClientFor = (target: LambdaTarget) => LambdaLike;

/** The real one: a LambdaClient in the region, with the account's deploy role's credentials (targets/deploy-role.ts). */
export const lambdaThroughDeployRole: LambdaClientFor = (target) => new LambdaClient({ region: target.region, credentials: deployRoleCredentials(target) });

/**
 * The region's concurrency numbers (GetAccountSettings) and what the function already holds: its reservation
 * (GetFunctionConcurrency), else the provisioned concurrency of its versions and aliases. No function yet: 0.
 */
export async function readRegionConcurrency(client: LambdaLike, functionName: string | undefined): Promise<RegionConcurrency> {
  const settings = (await client.send(new GetAccountSettingsCommand({}))) as { AccountLimit?: { ConcurrentExecutions?: number; UnreservedConcurrentExecutions?: number } };
  const limit = settings.AccountLimit?.ConcurrentExecutions;
  const unreserved = settings.AccountLimit?.UnreservedConcurrentExecutions;
  if (limit === undefined || unreserved === undefined) throw new Error("GetAccountSettings returned no AccountLimit");
  return { limit, unreserved, held: functionName === undefined ? 0 : await heldBy(client, functionName) };
}

async function heldBy(client: LambdaLike, functionName: string): Promise<number> {
  try {
    const reserved = ((await client.send(new GetFunctionConcurrencyCommand({ FunctionName: functionName }))) as { ReservedConcurrentExecutions?: number }).ReservedConcurrentExecutions;
    if (reserved !== undefined) return reserved;
    let sum = 0;
    for (const config of await provisionedConfigs(client, functionName)) sum += config.RequestedProvisionedConcurrentExecutions ?? 0;
    return sum;
  } catch (error) {
    // The output names a function that is gone (deleted by hand): it holds nothing.
    if (error instanceof ResourceNotFoundException) return 0;
    throw error;
  }
}

/** Every published version of the function with its code's sha256 (ListVersionsByFunction, every page). */
export async function listVersions(client: LambdaLike, functionName: string): Promise<PublishedVersion[]> {
  const versions: PublishedVersion[] = [];
  let marker: string | undefined;
  do {
    const page = (await client.send(new ListVersionsByFunctionCommand({ FunctionName: functionName, Marker: marker, MaxItems: 50 }))) as {
      Versions?: { Version?: string; CodeSha256?: string }[];
      NextMarker?: string;
    };
    for (const v of page.Versions ?? []) if (v.Version && v.Version !== "$LATEST" && v.CodeSha256) versions.push({ version: v.Version, codeSha256: v.CodeSha256 });
    marker = page.NextMarker;
  } while (marker);
  return versions;
}

/** The versions something still points at: each alias's version and weighted versions, and provisioned configs. */
export async function versionReferences(client: LambdaLike, functionName: string): Promise<VersionReferences> {
  const aliases: VersionReferences["aliases"] = [];
  let marker: string | undefined;
  do {
    const page = (await client.send(new ListAliasesCommand({ FunctionName: functionName, Marker: marker, MaxItems: 50 }))) as {
      Aliases?: { Name?: string; FunctionVersion?: string; RoutingConfig?: { AdditionalVersionWeights?: Record<string, number> } }[];
      NextMarker?: string;
    };
    for (const alias of page.Aliases ?? []) {
      aliases.push({ name: alias.Name ?? "", version: alias.FunctionVersion ?? "", weighted: Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}) });
    }
    marker = page.NextMarker;
  } while (marker);
  // A config's ARN ends in its qualifier: a version number, or an alias name (whose version is listed above).
  const provisioned = (await provisionedConfigs(client, functionName)).map((config) => config.FunctionArn?.split(":").pop() ?? "");
  return { aliases, provisioned };
}

async function provisionedConfigs(client: LambdaLike, functionName: string) {
  const configs: { FunctionArn?: string; RequestedProvisionedConcurrentExecutions?: number }[] = [];
  let marker: string | undefined;
  do {
    const page = (await client.send(new ListProvisionedConcurrencyConfigsCommand({ FunctionName: functionName, Marker: marker, MaxItems: 50 }))) as {
      ProvisionedConcurrencyConfigs?: typeof configs;
      NextMarker?: string;
    };
    configs.push(...(page.ProvisionedConcurrencyConfigs ?? []));
    marker = page.NextMarker;
  } while (marker);
  return configs;
}

/** Deletes one published version (DeleteFunction with the version as qualifier; never the function itself). */
export async function deleteVersion(client: LambdaLike, functionName: string, version: string): Promise<void> {
  if (!/^\d+$/.test(version)) throw new Error(`refusing to delete "${version}" of ${functionName}: only numbered versions are deleted`);
  await client.send(new DeleteFunctionCommand({ FunctionName: functionName, Qualifier: version }));
}

/** Lambda's answer to one synchronous Invoke. */
export interface LiveInvocation {
  /** The version `live` ran (ExecutedVersion). */
  version: string | null;
  functionError: string | null;
  payload: string;
  /** The end of the invocation's log (LogResult, decoded). */
  logTail: string;
}

/** Invokes the function's `live` alias once with `payload` (RequestResponse, the log tail asked for). */
export async function invokeLive(client: LambdaLike, functionName: string, payload: string): Promise<LiveInvocation> {
  const answer = (await client.send(
    new InvokeCommand({ FunctionName: functionName, Qualifier: "live", InvocationType: "RequestResponse", LogType: "Tail", Payload: Buffer.from(payload) }),
  )) as { ExecutedVersion?: string; FunctionError?: string; Payload?: Uint8Array; LogResult?: string };
  return {
    version: answer.ExecutedVersion ?? null,
    functionError: answer.FunctionError ?? null,
    payload: answer.Payload ? Buffer.from(answer.Payload).toString("utf8") : "null",
    logTail: answer.LogResult ? Buffer.from(answer.LogResult, "base64").toString("utf8") : "",
  };
}
