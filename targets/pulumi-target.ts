import { repoRoot } from "../core/paths";
import { isDigest, type Digest } from "../core/digest";
import { FleetError } from "../core/errors";
import type { Stage } from "../core/stage";
import { concurrencyDemand, concurrencyShortfall } from "../core/concurrency";
import type { LambdaClientFor, LambdaLike } from "./lambda-account";
import type { LiveRegion, Progress, Target } from "./target";
import { digestOfVersion, versionsToDelete } from "./version-retention";

/** The part of an Automation API `Stack` this target uses; tests pass a fake, the CLI the real one. */
export interface PulumiStackLike {
  outputs(): Promise<Record<string, { value: unknown; secret?: boolean }>>;
  /** Rejects when the key is not set. */
  getConfig(key: string, path?: boolean): Promise<{ value: string; secret?: boolean }>;
  setAllConfig(config: Record<string, { value: string; secret?: boolean }>, path?: boolean): Promise<void>;
  removeConfig(key: string, path?: boolean): Promise<void>;
  /** `signal` is the Automation API's own cancel (`UpOptions.signal`): aborting it sends the pulumi CLI SIGINT. */
  up(options: { onOutput: (out: string) => void; signal?: AbortSignal }): Promise<unknown>;
  preview(options: { onOutput: (out: string) => void; signal?: AbortSignal }): Promise<unknown>;
}

/** Opens stack `<name>` of this repository's Pulumi project. */
export type SelectStack = (stack: string) => Promise<PulumiStackLike>;

/** The real one: `LocalWorkspace.selectStack` on the repository root (Pulumi.yaml lives there). */
export const selectPulumiStack: SelectStack = async (stackName) => {
  // Required lazily: the Automation API is only needed for real accounts.
  const { LocalWorkspace } = require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
  return LocalWorkspace.selectStack({ stackName, workDir: repoRoot });
};

/**
 * Config keys the stacks/ program reads: `fleet:release` for the whole stack and `fleet:releases`, a map
 * `"<account>/<region>"` → digest overriding it per region (a wave changes some regions only).
 */
export const releaseKey = "fleet:release";
export const releasesKey = "fleet:releases";

/**
 * Real AWS through Pulumi: the stack's outputs say where each region answers and what it serves; changing
 * releases sets config and runs one `pulumi up` for the whole stack. Thin on purpose: every decision is made above.
 */
export class PulumiTarget implements Target {
  readonly kind = "pulumi";
  private stack: PulumiStackLike | undefined;

  /**
   * @param lambdaFor how fleet's own Lambda calls (concurrency preflight, version pruning) reach an account × region:
   * by default through the account's deploy role; tests pass mock clients.
   */
  constructor(
    readonly stage: Stage,
    private readonly selectStack: SelectStack = selectPulumiStack,
    private readonly lambdaFor?: LambdaClientFor,
  ) {}

  /**
   * Every region's unreserved concurrency (GetAccountSettings through the account's deploy role) against what the
   * stage reserves or provisions (core/concurrency.ts): a shortfall would fail PutFunctionConcurrency halfway
   * through a `pulumi up`, after the function was created. Nothing is called when the stage takes no concurrency.
   */
  async preflight(progress: Progress): Promise<void> {
    const { config } = this.stage;
    if (concurrencyDemand(config) === 0) return;
    const names = asStringMap((await (await this.open()).outputs()).functionNames?.value);
    const account = this.lambdaAccount();
    const refusals: string[] = [];
    for (const ref of this.stage.regions) {
      const numbers = await account.readRegionConcurrency(this.client(ref), names[ref.key]).catch((error: Error) => {
        throw new FleetError(`stack ${this.stage.stack} ${ref.key}: could not read Lambda's account settings: ${firstLine(error)}. Fix: check the deploy role and that it may call lambda:GetAccountSettings (README "Bootstrap")`);
      });
      const shortfall = concurrencyShortfall(config, numbers);
      progress(`${this.stage.stack} ${ref.key}: concurrency ${shortfall ? "TOO LOW" : "ok"} (limit ${numbers.limit}, unreserved ${numbers.unreserved}${numbers.held > 0 ? `, held ${numbers.held}` : ""})`);
      if (shortfall) refusals.push(`  ${ref.key}: ${shortfall}`);
    }
    if (refusals.length > 0) {
      throw new FleetError(`stack ${this.stage.stack}: refusing to deploy, Lambda would refuse the function's concurrency in ${refusals.length} region(s) after creating it:\n${refusals.join("\n")}`);
    }
  }

  /**
   * Deletes the function versions no region needs any more (targets/version-retention.ts decides), region by
   * region. @throws FleetError naming the regions that failed; the others are pruned.
   */
  async prune(keep: Record<string, Digest[]>, progress: Progress): Promise<void> {
    const names = asStringMap((await (await this.open()).outputs()).functionNames?.value);
    const account = this.lambdaAccount();
    const failures: string[] = [];
    for (const ref of this.stage.regions) {
      const functionName = names[ref.key];
      if (!functionName) continue;
      try {
        const client = this.client(ref);
        const versions = await account.listVersions(client, functionName);
        const doomed = versionsToDelete(versions, await account.versionReferences(client, functionName), keep[ref.key] ?? []);
        for (const version of doomed) await account.deleteVersion(client, functionName, version);
        const kept = versions.filter((v) => !doomed.includes(v.version));
        progress(
          `${this.stage.stack} ${ref.key}: ${doomed.length > 0 ? `deleted versions ${doomed.join(", ")}` : "no version to delete"}; kept ${kept.map((v) => `${v.version} (${digestOfVersion(v).slice(7, 19)})`).join(", ") || "none"}`,
        );
      } catch (error) {
        failures.push(`${ref.key}: ${firstLine(error)}`);
      }
    }
    if (failures.length > 0) throw new FleetError(`${failures.join("; ")}. Fix: check that the deploy role may list and delete function versions (README "Bootstrap"); the next completed rollout tries again`);
  }

  async live(): Promise<LiveRegion[]> {
    const outputs = await (await this.open()).outputs();
    const endpoints = asStringMap(outputs.endpoints?.value);
    const perRegion = asStringMap(outputs.releases?.value);
    const stackRelease = outputs.release?.value;
    return this.stage.regions.map((ref) => {
      const release = perRegion[ref.key] ?? stackRelease;
      return { ...ref, url: endpoints[ref.key], release: typeof release === "string" && isDigest(release) ? release : undefined };
    });
  }

  async apply(releases: Record<string, Digest | null>, progress: Progress, signal?: AbortSignal): Promise<void> {
    const stack = await this.open();
    const live = await this.live();
    // Taking the release away from regions that serve none (the revert of a first wave whose up never ran):
    // already so, and an up could not do it anyway.
    const servesNone = (key: string) => live.find((r) => r.key === key)?.release === undefined;
    if (Object.entries(releases).every(([key, digest]) => digest === null && servesNone(key))) return;
    await this.configure(stack, releases);
    progress(`${this.stage.stack}: pulumi up (${Object.keys(releases).join(", ")})`);
    // Pulumi cancels an update on SIGINT and leaves its state consistent; the Automation API sends it on abort.
    await stack.up({ onOutput: lines(progress, this.stage.stack), ...(signal ? { signal } : {}) });
  }

  /**
   * `pulumi preview` of a change: what `apply` would do, without doing it. Puts back the exact `fleet:release` and
   * `fleet:releases` it found (e.g. `build`), not what the outputs say, so a dry run leaves Pulumi.<stack>.yaml as is.
   */
  async preview(releases: Record<string, Digest | null>, progress: Progress, signal?: AbortSignal): Promise<void> {
    const stack = await this.open();
    const release = await configValue(stack, releaseKey);
    const perRegion = await configValue(stack, releasesKey);
    await this.configure(stack, releases);
    try {
      await stack.preview({ onOutput: lines(progress, this.stage.stack), ...(signal ? { signal } : {}) });
    } catch (error) {
      throw new FleetError(`pulumi preview of stack ${this.stage.stack} failed: ${firstLine(error)}`);
    } finally {
      await stack.removeConfig(releasesKey);
      if (release === undefined) await stack.removeConfig(releaseKey);
      else await stack.setAllConfig({ [releaseKey]: { value: release } });
      // An object key reads back as its JSON text; it is written back one path entry per region.
      const entries = Object.entries(asStringMap(parseJson(perRegion)));
      if (entries.length > 0) await stack.setAllConfig(Object.fromEntries(entries.map(([key, digest]) => [`${releasesKey}[${JSON.stringify(key)}]`, { value: digest }])), true);
    }
  }

  async close(): Promise<void> {}

  /** The SDK-backed calls, loaded on first use: offline commands never load the AWS SDK. */
  private lambdaAccount(): typeof import("./lambda-account") {
    return require("./lambda-account") as typeof import("./lambda-account");
  }

  private client(ref: { account: string; region: string }): LambdaLike {
    const roleArn = this.stage.config.targets.find((target) => target.account === ref.account)?.roleArn;
    if (!roleArn) throw new Error(`stack ${this.stage.stack}: no deploy role for account ${ref.account}`);
    const lambdaFor = this.lambdaFor ?? this.lambdaAccount().lambdaThroughDeployRole;
    return lambdaFor({ stack: this.stage.stack, account: ref.account, roleArn, region: ref.region });
  }

  private async open(): Promise<PulumiStackLike> {
    try {
      this.stack ??= await this.selectStack(this.stage.stack);
    } catch (error) {
      throw new FleetError(
        `cannot open Pulumi stack ${this.stage.stack}: ${firstLine(error)}. Fix: install the pulumi CLI, 'pulumi login', 'pulumi stack init ${this.stage.stack}' — or add --local for the local cloud`,
      );
    }
    return this.stack;
  }

  /**
   * Writes the full per-region picture: when every region ends on one digest, `fleet:release` alone (the plain
   * stack setting, as a person would write it); otherwise `fleet:releases` names each region's digest.
   */
  private async configure(stack: PulumiStackLike, releases: Record<string, Digest | null>): Promise<void> {
    const live = await this.live();
    const wanted: Record<string, Digest> = {};
    for (const region of live) {
      const digest = region.key in releases ? releases[region.key] : region.release;
      if (!digest && region.key in releases) {
        throw new Error(`stack ${this.stage.stack}: Pulumi cannot take the release away from ${region.key} alone: put it on a release instead (fleet rollback --stack ${this.stage.stack} --to <digest>)`);
      }
      if (!digest) {
        throw new Error(
          `stack ${this.stage.stack}: ${region.key} serves no release yet (no stack output for it), and every pulumi up deploys every region, so it cannot wait for a later wave. ` +
            `Fix: deploy the whole stack once: pulumi config set fleet:release <digest> -s ${this.stage.stack} && pulumi up -s ${this.stage.stack}`,
        );
      }
      wanted[region.key] = digest;
    }
    const distinct = new Set(Object.values(wanted));
    await stack.removeConfig(releasesKey);
    if (distinct.size === 1) {
      await stack.setAllConfig({ [releaseKey]: { value: [...distinct][0]! } });
    } else {
      const config = Object.fromEntries(Object.entries(wanted).map(([key, digest]) => [`${releasesKey}[${JSON.stringify(key)}]`, { value: digest }]));
      await stack.setAllConfig(config, true);
    }
  }
}

/** A config key's value as `pulumi config get` prints it, or undefined when the key is not set. */
async function configValue(stack: PulumiStackLike, key: string): Promise<string | undefined> {
  try {
    return (await stack.getConfig(key)).value;
  } catch {
    return undefined;
  }
}

function parseJson(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

function firstLine(error: unknown): string {
  // The Automation API reports a missing `pulumi` binary as a bare spawn code.
  if (/code: -2\b|ENOENT/.test(String((error as Error).message))) return "the pulumi CLI was not found on PATH";
  return ((error as Error).message ?? String(error)).trim().split("\n")[0] ?? "";
}

function asStringMap(value: unknown): Record<string, string> {
  if (value === null || typeof value !== "object") return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === "string"));
}

// Pulumi streams partial chunks: split them into lines so each progress line is whole.
function lines(progress: Progress, stack: string): (out: string) => void {
  let pending = "";
  return (out) => {
    pending += out;
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    for (const line of parts) if (line.trim() !== "") progress(`${stack} | ${line}`);
  };
}
