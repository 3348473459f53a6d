import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { repoRoot } from "./paths";
import { checkStackName } from "./stack-name";
import { checkStageConfig, SECRET_PLACEHOLDER, StageConfigError, type StageConfig, type StageConfigIssue } from "./stage-schema";

/**
 * Offline access to `Pulumi.<stack>.yaml`: no Pulumi CLI, no passphrase, no AWS.
 * `fleet check`, `fleet plan` and the local emulator read stages through here.
 */

/** The raw `fleet:` values of a stack file, with every `secure:` value replaced by `SECRET_PLACEHOLDER`. */
export interface StageFileValues {
  /** Key without the `fleet:` prefix → value as written in the YAML. */
  values: Record<string, unknown>;
  /** Full keys (`fleet:secrets`) whose value holds at least one `secure:` entry: Pulumi treats them as secret. */
  secretKeys: string[];
}

/**
 * The largest stage file read: a real one is a few KB (this repository's are under 2.5 KB). Checked before the
 * file is read, so `fleet status`, which reads every stage file, never
 * spends long on one: the yaml package checks a map's keys for duplicates pairwise, so a 4.6 MB file of 40,000
 * keys took 37 s to parse; a file at this bound holds ~5,000 keys at most, ~0.6 s.
 */
export const maxStageFileBytes = 64 * 1024;

/** The stack file path for a stack name; a name Pulumi would refuse never becomes a path. @throws InvalidStackNameError */
export function stageFilePath(stack: string, root = repoRoot): string {
  return path.join(root, `Pulumi.${checkStackName(stack)}.yaml`);
}

/** Stack names that have a `Pulumi.<stack>.yaml` in `root`, sorted. */
export function listStageFiles(root = repoRoot): string[] {
  return readdirSync(root)
    .map((name) => /^Pulumi\.(.+)\.yaml$/.exec(name)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/**
 * Reads the `fleet:` keys of `Pulumi.<stack>.yaml` without validating them against the schema.
 * @throws StageConfigError for a missing or unparsable file and for secrets stored in the wrong place or in plain text
 */
export function readStageFileValues(stack: string, root = repoRoot): StageFileValues {
  const { issues, ...read } = readValues(stack, root);
  if (issues.length > 0) throw new StageConfigError(stack, issues);
  return read;
}

/**
 * Reads and validates `Pulumi.<stack>.yaml`: the same schema and messages as `pulumi up`, and every problem of the
 * file at once (secrets in the wrong place or in plain text, bad values, cross-key rules).
 * Secret values are not decrypted: each reads as `SECRET_PLACEHOLDER`.
 * @throws StageConfigError naming the stack, the key path and the fix.
 */
export function readStageFile(stack: string, root = repoRoot): StageConfig {
  const { values, issues } = readValues(stack, root);
  const checked = checkStageConfig(stack, values);
  // An encrypted value outside fleet:secrets reads as the placeholder: its key is reported once, by the file check.
  const schemaIssues = checked.issues.filter((issue) => !issues.some((fileIssue) => fileIssue.key === issue.key));
  if (!checked.config || issues.length > 0) throw new StageConfigError(stack, [...issues, ...schemaIssues]);
  return checked.config;
}

/** The file's values and the problems of where its secrets are; a missing or unparsable file throws. */
function readValues(stack: string, root: string): StageFileValues & { issues: StageConfigIssue[] } {
  const file = stageFilePath(stack, root);
  const fail = (message: string): never => {
    throw new StageConfigError(stack, [{ key: path.basename(file), message }]);
  };
  if (!existsSync(file)) fail(`not found in ${root}. Fix: pulumi stack init ${stack}, then set its fleet: keys (README "Deploying to AWS")`);
  const values: Record<string, unknown> = {};
  const secretKeys = new Set<string>();
  const issues: StageConfigIssue[] = [];
  // Keys without a namespace belong to the project, which is named fleet.
  for (const [key, value] of Object.entries(namespaceValues(readConfigSection(file, fail), "fleet"))) {
    values[key] = replaceSecure(value, [key], (secretPath) => {
      secretKeys.add(`fleet:${key}`);
      if (key !== "secrets") {
        issues.push({ key: `fleet:${secretPath.join(".")}`, message: "is encrypted, but only fleet:secrets may hold secret values. Fix: move it to fleet:secrets.<NAME>" });
      }
    });
  }
  const secrets = values.secrets;
  if (secrets && typeof secrets === "object" && !Array.isArray(secrets)) {
    for (const [name, value] of Object.entries(secrets)) {
      if (value !== SECRET_PLACEHOLDER) {
        issues.push({
          key: `fleet:secrets.${name}`,
          message: `is stored in plain text. Fix: pulumi config set --secret --path 'fleet:secrets.${name}' <value> -s ${stack}`,
        });
      }
    }
  }
  return { values, secretKeys: [...secretKeys], issues };
}

/**
 * The `config:` map of a Pulumi stack file (`Pulumi.<stack>.yaml`), keys as written.
 * @throws whatever `fail` throws, with a message that ends with the fix
 */
export function readConfigSection(file: string, fail: (message: string) => never): Record<string, unknown> {
  const size = statSync(file).size;
  if (size > maxStageFileBytes) {
    fail(`is ${size} bytes, over the ${maxStageFileBytes} a stack file may be (a real one is a few KB), so it was not parsed. Fix: remove what does not belong in ${path.basename(file)}`);
  }
  let document: unknown;
  try {
    document = parse(readFileSync(file, "utf8"));
  } catch (error) {
    fail(`is not valid YAML: ${(error as Error).message.split("\n")[0]}. Fix: correct the YAML syntax`);
  }
  const config = (document as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) fail("has a config: section that is not a map. Fix: write config: with one key per line");
  return config as Record<string, unknown>;
}

/** The values of one namespace, keys without it; a key without a namespace belongs to the project (`project`). */
export function namespaceValues(config: Record<string, unknown>, namespace: string, project = namespace): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [fullKey, value] of Object.entries(config)) {
    const [space, key] = fullKey.includes(":") ? (fullKey.split(/:(.*)/s) as [string, string]) : [project, fullKey];
    if (space === namespace) values[key] = value;
  }
  return values;
}

function isSecure(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { secure?: unknown }).secure === "string";
}

function replaceSecure(value: unknown, at: string[], onSecure: (path: string[]) => void): unknown {
  if (isSecure(value)) {
    onSecure(at);
    return SECRET_PLACEHOLDER;
  }
  if (Array.isArray(value)) return value.map((item, index) => replaceSecure(item, [...at, String(index)], onSecure));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceSecure(item, [...at, key], onSecure)]));
  }
  return value;
}
