import { functionEnv } from "../core/function-env";
import { regionKey } from "../core/region-key";
import { functionLogFile } from "./function-logs";
import type { RegionRef, Stage } from "../core/stage";
import type { ApiKind, EndpointConfig } from "../emulator";

/** Which endpoints to serve, besides the stage's own settings. */
export interface EndpointChoices {
  /** First port; endpoints take consecutive ports. 0 = an ephemeral port each. */
  port: number;
  /** Serve these regions instead of the stage's. */
  regions?: string[];
  /** The account of `regions` (needed when the stage has several). */
  account?: string;
  /** @default the stage's `fleet:api` */
  api?: ApiKind;
  /** The local cloud's directory, where each region's function log is kept (function-logs.ts). @default none kept */
  logDir?: string;
  /**
   * `fleet start --inspect`: the first port of the functions' inspectors (consecutive, one per endpoint; 0 = any
   * free port each). A debugger stopped at a breakpoint must not end the invocation, so the function's and the
   * gateway's timeouts are lifted to {@link debugTimeoutMs}, as `sam local` does when debugging. @default no inspector
   */
  inspect?: number;
}

/** The function and integration timeout while debugging (`inspect`): 15 minutes, Lambda's longest. */
export const debugTimeoutMs = 15 * 60 * 1000;

/** The code one region runs: its bundle file and the release `FLEET_RELEASE` names (a digest, or `dev`). */
export type RegionCode = (ref: RegionRef) => { bundleFile: string; release: string };

/**
 * One local endpoint per account x region of the stage (or per `choices.regions`), with the function settings the
 * stage deploys (API kind, timeout, memory, environment, HTTP API CORS): what `fleet start` and the local cloud
 * serve. The one place a stage becomes emulator endpoints.
 */
export function stageEndpoints(stage: Stage, choices: EndpointChoices, code: RegionCode): EndpointConfig[] {
  const refs = choices.regions
    ? choices.regions.map((region) => {
        const account = choices.account ?? onlyAccount(stage);
        return { key: regionKey(account, region), account, region };
      })
    : stage.regions;
  const { config } = stage;
  const api = choices.api ?? config.api;
  return refs.map((ref, index) => {
    const { bundleFile, release } = code(ref);
    return {
      key: ref.key,
      account: ref.account,
      region: ref.region,
      port: choices.port === 0 ? 0 : choices.port + index,
      api,
      stage: stage.stack,
      bundleFile,
      env: functionEnv(stage.stack, release, config),
      ...(choices.logDir !== undefined ? { logFile: functionLogFile(choices.logDir, stage.stack, ref.key) } : {}),
      timeoutMs: choices.inspect === undefined ? config.timeout * 1000 : debugTimeoutMs,
      ...(choices.inspect === undefined ? {} : { inspectPort: choices.inspect === 0 ? 0 : choices.inspect + index, integrationTimeoutMs: debugTimeoutMs }),
      memoryMB: config.memory,
      // Only an HTTP API handles CORS at the gateway; a REST proxy passes OPTIONS to the app, deployed or local.
      ...(api === "http" && config.cors ? { corsOrigins: [...config.cors.origins] } : {}),
    };
  });
}

function onlyAccount(stage: Stage): string {
  const accounts = [...new Set(stage.regions.map((r) => r.account))];
  if (accounts.length === 1) return accounts[0]!;
  throw new Error(`stack ${stage.stack} has ${accounts.length} accounts (${accounts.join(", ")}); pass --account with --regions to choose one`);
}
