import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { valueAt, withValue } from "./config-issues";
import { didYouMean } from "./did-you-mean";
import { FleetError } from "./errors";
import { repoRoot } from "./paths";

/**
 * `fleet.config.ts` at the repository root: the one file besides `app/` a team writes. It default-exports a plain
 * object (the {@link FleetConfig} type, or `defineConfig`, only help the editor):
 *
 * ```ts
 * export default {
 *   app: "app/index.ts",            // the module exporting createApp()
 *   health: "/health",              // GET must answer 2xx when the region is healthy
 *   smoke: [{ method: "GET", path: "/v1/greetings/fleet", status: 200 }],
 *   openapi: "/openapi.json",       // optional: where the app serves its OpenAPI document
 * };
 * ```
 */

const httpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

const RequestPath = z
  .string("must be a path. Fix: write it as a string starting with /, e.g. \"/health\"")
  .regex(/^\/[^\s?#]*(\?[^\s#]*)?$/, "must start with / and hold no spaces or #. Fix: e.g. \"/health\" or \"/v1/items?limit=1\"");

/** One extra call smoke makes per region, after the health check. */
export const SmokeCall = z.strictObject({
  method: z.enum(httpMethods, `must be one of ${httpMethods.join(", ")}. Fix: e.g. method: "GET"`),
  path: RequestPath,
  /** Sent as JSON (`content-type: application/json`). */
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string("must be a string. Fix: quote the value"), "must be a map of name: value. Fix: e.g. headers: { accept: \"application/json\" }").optional(),
  /** The status the call must answer. */
  status: z.number("must be an HTTP status code. Fix: e.g. status: 200").int("must be a whole number. Fix: e.g. 200").min(100, "is not an HTTP status. Fix: use 100..599").max(599, "is not an HTTP status. Fix: use 100..599"),
});
export type SmokeCall = z.infer<typeof SmokeCall>;

export const FleetConfig = z.strictObject({
  /** The module (relative to the repository root) that exports `createApp()`. @default "app/index.ts" */
  app: z
    .string("must be a module path. Fix: e.g. app: \"app/index.ts\"")
    .refine((value) => !path.isAbsolute(value) && !value.split(/[\\/]/).includes(".."), "must be a path inside the repository. Fix: e.g. \"app/index.ts\"")
    .default("app/index.ts"),
  /** `GET` of this path must answer 2xx in a healthy region. @default "/health" */
  health: RequestPath.default("/health"),
  /** More calls per region; each must answer its `status`. @default [] */
  smoke: z.array(SmokeCall, "must be a list of { method, path, status }. Fix: e.g. smoke: [{ method: \"GET\", path: \"/\", status: 200 }]").default([]),
  /** Where the app serves its OpenAPI document; set, a release stores it, promote checks compatibility and `/docs` is served. */
  openapi: RequestPath.optional(),
});
export type FleetConfig = z.infer<typeof FleetConfig>;
/** The app's own probes, as smoke runs them and each release's manifest records them. */
export type Probes = Pick<FleetConfig, "health" | "smoke"> & { openapi?: string | undefined };

/** What a `fleet.config.ts` may write (every key but none required). */
export type FleetConfigInput = z.input<typeof FleetConfig>;

/** Types a config for the editor; returns it unchanged (a plain object works as well). */
export function defineConfig(config: FleetConfigInput): FleetConfigInput {
  return config;
}

/** The config file's name, at the repository root. */
export const fleetConfigFile = "fleet.config.ts";

/** A `fleet.config.ts` that must be fixed: names each key, the bad value and the fix. */
export class FleetConfigError extends FleetError {
  constructor(
    readonly file: string,
    readonly issues: { key: string; message: string }[],
  ) {
    super(`${file} is invalid:\n${issues.map((issue) => `  ${issue.key}: ${issue.message}`).join("\n")}`);
    this.name = "FleetConfigError";
  }
}

const cache = new Map<string, FleetConfig>();

/**
 * Loads and validates `<root>/fleet.config.ts` (through the TypeScript loader the process runs under: tsx for the
 * CLI and tests, Pulumi's ts-node for the program). No file: the defaults. The `app` module must exist.
 * @throws FleetConfigError
 */
export function loadFleetConfig(root: string = repoRoot): FleetConfig {
  const cached = cache.get(root);
  if (cached) return cached;
  const file = path.join(root, fleetConfigFile);
  let raw: unknown = {};
  if (existsSync(file)) {
    let loaded: unknown;
    try {
      loaded = require(file);
    } catch (error) {
      throw new FleetConfigError(fleetConfigFile, [{ key: "(file)", message: `could not be loaded: ${(error as Error).message.split("\n")[0]}. Fix: make it a module that default-exports an object` }]);
    }
    raw = (loaded as { default?: unknown })?.default ?? loaded;
  }
  const config = parseFleetConfig(raw);
  const appFile = path.join(root, config.app);
  if (!existsSync(appFile)) {
    throw new FleetConfigError(fleetConfigFile, [{ key: "app", message: `${JSON.stringify(config.app)} does not exist. Fix: point app at the module that exports createApp(), e.g. "app/index.ts"` }]);
  }
  cache.set(root, config);
  return config;
}

/** Validates a config value. @throws FleetConfigError naming every bad key at once */
export function parseFleetConfig(raw: unknown): FleetConfig {
  const parsed = FleetConfig.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.flatMap((issue) => {
    if (issue.code === "unrecognized_keys") {
      // The keys the object may hold: the config's own at the top, a smoke call's inside smoke[].
      const known = Object.keys(issue.path.length === 0 ? FleetConfig.shape : SmokeCall.shape);
      return issue.keys.map((name) => ({
        key: keyOf([...issue.path, name]),
        message: `is not a fleet.config.ts setting${didYouMean(name, known)}. Fix: check the spelling or remove it`,
      }));
    }
    return [{ key: keyOf(issue.path), message: withValue(issue.message, valueAt(raw, issue.path)) }];
  });
  throw new FleetConfigError(fleetConfigFile, issues.length > 0 ? issues : [{ key: "(file)", message: "must default-export an object. Fix: export default { app: \"app/index.ts\" }" }]);
}

function keyOf(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(config)";
  return path.map((segment, index) => (typeof segment === "number" ? `[${segment}]` : index === 0 ? String(segment) : `.${String(segment)}`)).join("");
}
