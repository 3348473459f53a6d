import type { Stack } from "@pulumi/pulumi/automation";
import type { AlarmDefinition } from "../core/alarms";
import { repoRoot } from "../core/paths";
import { isDigest, type Digest } from "../core/digest";
import { FleetError } from "../core/errors";
import { targetName } from "../core/naming";
import type { InvokeAnswer } from "../core/invoke-answer";
import type { RegionRef, Stage } from "../core/stage";
import { concurrencyDemand, concurrencyShortfall } from "../core/concurrency";
import type { CloudWatchClientFor } from "./cloudwatch-alarms";
import type { LambdaClientFor, LambdaLike } from "./lambda-account";
import type { CanaryStep, LiveRegion, Progress, RegionAlarms, Target } from "./target";
import { digestOfVersion, versionsToDelete } from "./version-retention";

/**
 * The part of an Automation API `Stack` this target uses, with the real signatures (a type-only import: nothing of
 * the Automation API loads until a stack is opened); tests pass a fake that tsc checks against them.
 */
export type PulumiStackLike = Pick<Stack, "outputs" | "getConfig" | "setAllConfig" | "removeConfig" | "up" | "preview">;

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
/** Per region in a canary step: `{ stableVersion, stableRelease, canaryWeight }` (core/stage-schema.ts). */
export const trafficKey = "fleet:traffic";

/**
 * What `pulumi up --target` is given to change the listed regions only: every resource of each region's
 * RegionalApi (the component is named `targetName(stage, account, region)` and each child's name starts with it
 * and `-`). Providers and the stack itself (its outputs) are always part of a targeted update.
 */
export function regionTargets(stack: string, keys: readonly string[]): string[] {
  return keys.flatMap((key) => {
    const [account, region] = key.split("/");
    const name = targetName(stack, account!, region!);
    // `**` spans URN segments (the type chain of a child), `*` stays within one (a name has no `:`).
    return [`urn:pulumi:${stack}::*::**::${name}`, `urn:pulumi:${stack}::*::**::${name}-*`];
  });
}

/** One region as the stack's outputs and config describe it. */
interface RegionState {
  live: LiveRegion;
  /** The digest of the function's newest code (`releases` output): the canary's during a step. */
  code: Digest | undefined;
  /** The Lambda version `live` serves (`versions` output). */
  version: string | undefined;
}

/** A region's config after a change: its code, and its canary step when it is in one. */
interface RegionConfig {
  code: Digest;
  traffic?: { stableVersion: string; stableRelease: Digest; canaryWeight: number };
}

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
  /** @param cloudWatchFor how fleet reads a region's alarms while baking; by default through the deploy role. */
  constructor(
    readonly stage: Stage,
    private readonly selectStack: SelectStack = selectPulumiStack,
    private readonly lambdaFor?: LambdaClientFor,
    private readonly cloudWatchFor?: CloudWatchClientFor,
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
    return (await this.regions()).map((r) => r.live);
  }

  async apply(releases: Record<string, Digest | null>, progress: Progress, signal?: AbortSignal): Promise<void> {
    const stack = await this.open();
    const live = await this.live();
    // Taking the release away from regions that serve none (the revert of a first wave whose up never ran):
    // already so, and an up could not do it anyway.
    const servesNone = (key: string) => live.find((r) => r.key === key)?.release === undefined;
    if (Object.entries(releases).every(([key, digest]) => digest === null && servesNone(key))) return;
    const regions = await this.regions();
    // With provisioned concurrency, a canary's warm config goes with its version only once the canary carries no
    // weight (stacks/components/function.ts): a region still in a step with weight is first set to weight 0.
    const weighted = regions.filter((r) => r.live.canary && r.live.canary.weight > 0 && r.live.key in releases && this.stage.config.provisionedConcurrency !== undefined);
    if (weighted.length > 0) {
      await this.shift(Object.fromEntries(weighted.map((r) => [r.live.key, { stable: r.live.release!, canary: r.live.canary!.release, weight: 0 }])), progress, signal);
    }
    const changes = Object.fromEntries(
      Object.entries(releases).map(([key, digest]): [string, RegionConfig] => {
        if (!digest) throw new Error(`stack ${this.stage.stack}: Pulumi cannot take the release away from ${key} alone: put it on a release instead (fleet rollback --stack ${this.stage.stack} --to <digest>)`);
        return [key, { code: digest }];
      }),
    );
    await this.configure(stack, changes);
    progress(`${this.stage.stack}: pulumi up (${Object.keys(releases).join(", ")})`);
    // Pulumi cancels an update on SIGINT and leaves its state consistent; the Automation API sends it on abort.
    await stack.up({ onOutput: lines(progress, this.stage.stack), target: regionTargets(this.stage.stack, Object.keys(releases)), ...(signal ? { signal } : {}) });
  }

  /**
   * A canary step per region: its code becomes the canary's release (a new published version) and `fleet:traffic`
   * keeps `live` on the version it serves now, with the step's weight to the new one; one `pulumi up` targeted at
   * the changed regions.
   */
  async shift(steps: Record<string, CanaryStep>, progress: Progress, signal?: AbortSignal): Promise<void> {
    const stack = await this.open();
    const regions = new Map((await this.regions()).map((r) => [r.live.key, r]));
    const changes = Object.fromEntries(
      Object.entries(steps).map(([key, step]): [string, RegionConfig] => {
        const region = regions.get(key);
        if (!region?.version || region.live.release !== step.stable) {
          throw new FleetError(
            `stack ${this.stage.stack} ${key}: a canary step keeps live on ${step.stable}, but the stack outputs say live serves ${region?.live.release ?? "nothing"}${region?.version ? ` (version ${region.version})` : " (no version output)"}. ` +
              `Fix: run 'pulumi up -s ${this.stage.stack}' once so the outputs are current, then try again`,
          );
        }
        return [key, { code: step.canary, traffic: { stableVersion: region.version, stableRelease: step.stable, canaryWeight: step.weight } }];
      }),
    );
    await this.configure(stack, changes);
    progress(`${this.stage.stack}: pulumi up (${Object.entries(steps).map(([key, step]) => `${key}: ${step.weight}% to ${step.canary.slice(0, 19)}`).join(", ")})`);
    await stack.up({ onOutput: lines(progress, this.stage.stack), target: regionTargets(this.stage.stack, Object.keys(steps)), ...(signal ? { signal } : {}) });
  }

  /**
   * The state of each listed region's CloudWatch alarms (their names are a stack output), read through the
   * account's deploy role. A region whose alarms cannot all be read says why, and is not baked blind.
   */
  async alarms(keys: string[]): Promise<Record<string, RegionAlarms>> {
    const names = asRecord((await (await this.open()).outputs()).alarmNames?.value);
    const { readAlarmStates, cloudWatchThroughDeployRole } = require("./cloudwatch-alarms") as typeof import("./cloudwatch-alarms");
    const result: Record<string, RegionAlarms> = {};
    for (const key of keys) {
      const ref = this.stage.regions.find((r) => r.key === key);
      const roleArn = this.stage.config.targets.find((target) => target.account === ref?.account)?.roleArn;
      const regionNames = asStringMap(names[key]) as Partial<Record<AlarmDefinition["name"], string>>;
      try {
        if (!ref || !roleArn) throw new Error(`no such region in stack ${this.stage.stack}`);
        if (Object.keys(regionNames).length === 0) throw new Error("the stack outputs name no alarm for it (deployed by an older fleet? run 'pulumi up' once)");
        const client = (this.cloudWatchFor ?? cloudWatchThroughDeployRole)({ stack: this.stage.stack, account: ref.account, roleArn, region: ref.region });
        result[key] = { readable: true, alarms: await readAlarmStates(client, regionNames) };
      } catch (error) {
        result[key] = { readable: false, error: `${firstLine(error)}. Fix: check the deploy role may call cloudwatch:DescribeAlarms (README "Bootstrap"), or pass --no-alarms to bake on the probes alone` };
      }
    }
    return result;
  }

  /**
   * `pulumi preview` of a change: what `apply` would do, without doing it. Puts back the exact `fleet:release`,
   * `fleet:releases` and `fleet:traffic` it found (e.g. `build`), not what the outputs say, so a dry run leaves
   * Pulumi.<stack>.yaml as is.
   */
  async preview(releases: Record<string, Digest | null>, progress: Progress, signal?: AbortSignal): Promise<void> {
    const stack = await this.open();
    const saved = { release: await configValue(stack, releaseKey), releases: await configValue(stack, releasesKey), traffic: await configValue(stack, trafficKey) };
    const changes = Object.fromEntries(Object.entries(releases).flatMap(([key, digest]): [string, RegionConfig][] => (digest ? [[key, { code: digest }]] : [])));
    await this.configure(stack, changes);
    try {
      await stack.preview({ onOutput: lines(progress, this.stage.stack), target: regionTargets(this.stage.stack, Object.keys(changes)), ...(signal ? { signal } : {}) });
    } catch (error) {
      throw new FleetError(`pulumi preview of stack ${this.stage.stack} failed: ${firstLine(error)}`);
    } finally {
      await stack.removeConfig(releasesKey);
      await stack.removeConfig(trafficKey);
      if (saved.release === undefined) await stack.removeConfig(releaseKey);
      else await stack.setAllConfig({ [releaseKey]: { value: saved.release } });
      // An object key reads back as its JSON text; it is written back one path entry per region (and field).
      const entries = Object.entries(asStringMap(parseJson(saved.releases)));
      if (entries.length > 0) await stack.setAllConfig(Object.fromEntries(entries.map(([key, digest]) => [`${releasesKey}[${JSON.stringify(key)}]`, { value: digest }])), true);
      const traffic = Object.entries(asRecord(parseJson(saved.traffic))).flatMap(([key, fields]) => Object.entries(asRecord(fields)).map(([field, value]) => [`${trafficKey}[${JSON.stringify(key)}].${field}`, { value: String(value) }] as const));
      if (traffic.length > 0) await stack.setAllConfig(Object.fromEntries(traffic), true);
    }
  }

  /** Lambda's Invoke on each region's `live` alias (the function the `functionNames` output names), through the deploy role. */
  async invoke(refs: RegionRef[], payload: string): Promise<InvokeAnswer[]> {
    const names = asStringMap((await (await this.open()).outputs()).functionNames?.value);
    const account = this.lambdaAccount();
    return Promise.all(
      refs.map(async (ref): Promise<InvokeAnswer> => {
        const functionName = names[ref.key];
        const started = Date.now();
        try {
          if (!functionName) throw new Error(`the stack outputs name no function there: deploy it first ('pulumi up -s ${this.stage.stack}')`);
          const answer = await account.invokeLive(this.client(ref), functionName, payload);
          return { ...ref, ran: answer.version, functionError: answer.functionError, payload: answer.payload, durationMs: Date.now() - started, logTail: answer.logTail, error: null };
        } catch (error) {
          return { ...ref, ran: null, functionError: null, payload: null, durationMs: null, error: firstLine(error) };
        }
      }),
    );
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

  /** Every region as the outputs say: where it answers, what live serves (and its canary), its code and version. */
  private async regions(): Promise<RegionState[]> {
    const outputs = await (await this.open()).outputs();
    const endpoints = asStringMap(outputs.endpoints?.value);
    const code = asStringMap(outputs.releases?.value);
    const versions = asRecord(outputs.versions?.value);
    const stackRelease = outputs.release?.value;
    return this.stage.regions.map((ref) => {
      const served = asRecord(versions[ref.key]);
      const canary = asRecord(served.canary);
      const regionCode = digestOr(code[ref.key] ?? stackRelease);
      const live: LiveRegion = { ...ref, url: endpoints[ref.key], release: digestOr(served.release) ?? regionCode };
      const canaryRelease = digestOr(canary.release);
      if (canaryRelease && typeof canary.weight === "number") live.canary = { release: canaryRelease, weight: canary.weight };
      return { live, code: regionCode, version: typeof served.version === "string" ? served.version : undefined };
    });
  }

  /**
   * Writes the full per-region picture: the listed regions as changed, every other one as the outputs say it is
   * (its code, and its canary step if it is in one, so a change elsewhere never ends it). When every region's code
   * is one digest, `fleet:release` alone (the plain stack setting, as a person would write it); otherwise
   * `fleet:releases` names each region's digest. `fleet:traffic` lists the regions in a canary step.
   */
  private async configure(stack: PulumiStackLike, changes: Record<string, RegionConfig>): Promise<void> {
    const wanted: Record<string, RegionConfig> = {};
    for (const region of await this.regions()) {
      const { key, canary } = region.live;
      if (key in changes) {
        wanted[key] = changes[key]!;
        continue;
      }
      if (!region.code) {
        throw new Error(
          `stack ${this.stage.stack}: ${key} serves no release yet (no stack output for it), and every pulumi up deploys every region, so it cannot wait for a later wave. ` +
            `Fix: deploy the whole stack once: pulumi config set fleet:release <digest> -s ${this.stage.stack} && pulumi up -s ${this.stage.stack}`,
        );
      }
      wanted[key] = { code: region.code };
      if (canary && region.version && region.live.release) wanted[key]!.traffic = { stableVersion: region.version, stableRelease: region.live.release, canaryWeight: canary.weight };
    }
    const distinct = new Set(Object.values(wanted).map((r) => r.code));
    await stack.removeConfig(releasesKey);
    await stack.removeConfig(trafficKey);
    if (distinct.size === 1) {
      await stack.setAllConfig({ [releaseKey]: { value: [...distinct][0]! } });
    } else {
      const config = Object.fromEntries(Object.entries(wanted).map(([key, r]) => [`${releasesKey}[${JSON.stringify(key)}]`, { value: r.code }]));
      await stack.setAllConfig(config, true);
    }
    const traffic = Object.entries(wanted).flatMap(([key, r]) =>
      r.traffic ? Object.entries(r.traffic).map(([field, value]) => [`${trafficKey}[${JSON.stringify(key)}].${field}`, { value: String(value) }] as const) : [],
    );
    if (traffic.length > 0) await stack.setAllConfig(Object.fromEntries(traffic), true);
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

function digestOr(value: unknown): Digest | undefined {
  return typeof value === "string" && isDigest(value) ? value : undefined;
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
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
