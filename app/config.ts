import * as z from "zod/mini";
import { useEnglishMessages } from "./schemas/locale";

/** Stage names as the stacks use them: lowercase, starts with a letter. */
const StageName = z.string().check(
  z.regex(/^[a-z][a-z0-9-]{0,31}$/, {
    error: "expected a stage name: 1-32 characters, lowercase letters, digits and '-', starting with a letter",
  }),
);

/** An AWS region code such as `eu-west-1`; Lambda sets AWS_REGION. */
const RegionName = z.string().check(
  z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, { error: "expected an AWS region code such as eu-west-1" }),
);

/** The release id the bundle was deployed as: its digest, or `dev` for a local build. */
const ReleaseId = z.string().check(
  z.regex(/^(sha256:[0-9a-f]{64}|dev)$/, { error: "expected sha256:<64 lowercase hex digits> or dev" }),
);

const LogLevelName = z.enum(["debug", "info", "warn", "error"], {
  error: "expected one of debug, info, warn, error",
});

/** The environment variables the app reads; everything else in the environment is ignored. */
export const AppEnv = z.object({
  FLEET_STAGE: z._default(StageName, "local"),
  AWS_REGION: z._default(RegionName, "local"),
  FLEET_RELEASE: z._default(ReleaseId, "dev"),
  FLEET_LOG_LEVEL: z._default(LogLevelName, "info"),
});
export type AppEnv = z.infer<typeof AppEnv>;

/** The app's settings, read once from the environment at start. */
export interface AppConfig {
  /** Stage name (FLEET_STAGE). @default "local" */
  readonly stage: string;
  /** AWS region the function runs in (AWS_REGION). @default "local" outside Lambda */
  readonly region: string;
  /** `sha256:<hex>` of the deployed release (FLEET_RELEASE). @default "dev" */
  readonly release: string;
  /** Minimum level logged (FLEET_LOG_LEVEL). @default "info" */
  readonly logLevel: "debug" | "info" | "warn" | "error";
}

/** Thrown at start when an environment variable holds a value the app cannot use. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parses the app's environment variables.
 * Empty strings count as unset, so `FLEET_RELEASE=` behaves like an absent variable.
 * @throws ConfigError naming each bad variable, its value and what is expected.
 * @example loadConfig({ FLEET_STAGE: "dev", AWS_REGION: "eu-west-1" })
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  useEnglishMessages();
  const raw = {
    FLEET_STAGE: nonEmpty(env.FLEET_STAGE),
    AWS_REGION: nonEmpty(env.AWS_REGION),
    FLEET_RELEASE: nonEmpty(env.FLEET_RELEASE),
    FLEET_LOG_LEVEL: nonEmpty(env.FLEET_LOG_LEVEL),
  };
  const parsed = AppEnv.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]) as keyof typeof raw;
      return `  ${name}=${JSON.stringify(raw[name])}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid environment for the fleet app:\n${lines.join("\n")}`);
  }
  const { FLEET_STAGE, AWS_REGION, FLEET_RELEASE, FLEET_LOG_LEVEL } = parsed.data;
  return { stage: FLEET_STAGE, region: AWS_REGION, release: FLEET_RELEASE, logLevel: FLEET_LOG_LEVEL };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
