/** The app's settings, read once from the environment at start. */
export interface AppConfig {
  /** Stage name (FLEET_STAGE). @default "local" */
  readonly stage: string;
  /** AWS region the function runs in (AWS_REGION). @default "local" outside Lambda */
  readonly region: string;
  /** `sha256:<hex>` of the deployed release (FLEET_RELEASE). @default "dev" */
  readonly release: string;
  /** Minimum level logged (FLEET_LOG_LEVEL). @default "info" */
  readonly logLevel: LogLevelName;
}

/** The levels FLEET_LOG_LEVEL may name. */
export type LogLevelName = "debug" | "info" | "warn" | "error";

/** Thrown at start when an environment variable holds a value the app cannot use. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** One environment variable the app reads: its value when unset, and the check a set value must pass. */
interface Variable<T extends string> {
  unset: T;
  valid: (value: string) => value is T;
  /** What the error says a bad value should have been. */
  expected: string;
}

const logLevels: readonly string[] = ["debug", "info", "warn", "error"] satisfies LogLevelName[];

function matching(pattern: RegExp): (value: string) => value is string {
  return (value): value is string => pattern.test(value);
}

/**
 * The environment variables the app reads; everything else in the environment is ignored. Checked by hand rather
 * than with a zod schema: this runs in every cold start, where building and running a schema for four strings
 * cost more than the checks themselves.
 */
const variables = {
  // Stage names as the stacks use them: lowercase, starts with a letter.
  FLEET_STAGE: {
    unset: "local",
    valid: matching(/^[a-z][a-z0-9-]{0,31}$/),
    expected: "expected a stage name: 1-32 characters, lowercase letters, digits and '-', starting with a letter",
  },
  // Lambda sets AWS_REGION.
  AWS_REGION: { unset: "local", valid: matching(/^[a-z]{2}(-[a-z]+)+-\d+$/), expected: "expected an AWS region code such as eu-west-1" },
  // The release id the bundle was deployed as: its digest, or `dev` for a local build.
  FLEET_RELEASE: { unset: "dev", valid: matching(/^(sha256:[0-9a-f]{64}|dev)$/), expected: "expected sha256:<64 lowercase hex digits> or dev" },
  FLEET_LOG_LEVEL: {
    unset: "info",
    valid: (value): value is LogLevelName => logLevels.includes(value),
    expected: "expected one of debug, info, warn, error",
  } satisfies Variable<LogLevelName>,
} satisfies Record<string, Variable<string>>;

/** The names of the environment variables the app reads. */
export const variableNames: readonly string[] = Object.keys(variables);

/**
 * Parses the app's environment variables.
 * Empty strings count as unset, so `FLEET_RELEASE=` behaves like an absent variable.
 * @throws ConfigError naming each bad variable, its value and what is expected.
 * @example loadConfig({ FLEET_STAGE: "dev", AWS_REGION: "eu-west-1" })
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  function read<T extends string>(name: keyof typeof variables, variable: Variable<T>): T {
    const value = env[name];
    if (value === undefined || value === "") return variable.unset;
    if (variable.valid(value)) return value;
    problems.push(`  ${name}=${JSON.stringify(value)}: ${variable.expected}`);
    return variable.unset;
  }
  const config: AppConfig = {
    stage: read("FLEET_STAGE", variables.FLEET_STAGE),
    region: read("AWS_REGION", variables.AWS_REGION),
    release: read("FLEET_RELEASE", variables.FLEET_RELEASE),
    logLevel: read("FLEET_LOG_LEVEL", variables.FLEET_LOG_LEVEL),
  };
  if (problems.length > 0) throw new ConfigError(`Invalid environment for the fleet app:\n${problems.join("\n")}`);
  return config;
}
