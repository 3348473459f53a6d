import type { ApiKind, EndpointConfig } from "../emulator/index";

/** What `fleet start` needs from a stage's config (`Pulumi.<stack>.yaml`, see stacks/stage-file.ts). */
export interface StageView {
  targets: ReadonlyArray<{ account: string; regions: readonly string[] }>;
  api?: ApiKind;
  /** Lambda timeout, seconds. */
  timeout?: number;
  /** Lambda memory, MB. */
  memory?: number;
  env?: Record<string, string>;
  logLevel?: string;
  /** HTTP APIs: the browser origins API Gateway's CORS allows. */
  cors?: { origins: readonly string[] };
}

/** The stage `fleet start` serves when the stack has no stage file yet: two regions of a placeholder account. */
export const defaultStage: StageView = { targets: [{ account: "000000000000", regions: ["us-east-1", "eu-west-1"] }] };

export interface StartChoices {
  stack: string;
  bundleFile: string;
  /** First port; endpoints take consecutive ports. 0 = an ephemeral port each. */
  port: number;
  /** Serve these regions instead of the stage's. */
  regions?: string[];
  /** The account of `regions` (needed when the stage has several). */
  account?: string;
  api?: ApiKind;
}

/** One endpoint per account x region of the stage (or per `--regions`), each with the function's environment. */
export function stageEndpoints(stage: StageView, choices: StartChoices): EndpointConfig[] {
  const pairs = choices.regions
    ? choices.regions.map((region) => ({ account: choices.account ?? onlyAccount(stage, choices.stack), region }))
    : stage.targets.flatMap((t) => t.regions.map((region) => ({ account: t.account, region })));
  const env = {
    ...stage.env,
    FLEET_STAGE: choices.stack,
    // A build from source is not a release: the env contract says `dev`.
    FLEET_RELEASE: "dev",
    FLEET_LOG_LEVEL: stage.logLevel ?? "info",
  };
  const api = choices.api ?? stage.api ?? "rest";
  return pairs.map(({ account, region }, index) => ({
    key: `${account}/${region}`,
    account,
    region,
    port: choices.port === 0 ? 0 : choices.port + index,
    api,
    stage: choices.stack,
    bundleFile: choices.bundleFile,
    env,
    ...(stage.timeout !== undefined ? { timeoutMs: stage.timeout * 1000 } : {}),
    ...(stage.memory !== undefined ? { memoryMB: stage.memory } : {}),
    // Only an HTTP API handles CORS at the gateway; a REST proxy passes OPTIONS to the app, deployed or local.
    ...(api === "http" && stage.cors ? { corsOrigins: [...stage.cors.origins] } : {}),
  }));
}

function onlyAccount(stage: StageView, stack: string): string {
  const accounts = [...new Set(stage.targets.map((t) => t.account))];
  if (accounts.length === 1) return accounts[0]!;
  throw new Error(`stack ${stack} has ${accounts.length} accounts (${accounts.join(", ")}); pass --account with --regions to choose one`);
}
