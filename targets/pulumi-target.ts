import { repoRoot } from "../core/paths";
import { isDigest, type Digest } from "../core/digest";
import { FleetError } from "../core/errors";
import type { Stage } from "../core/stage";
import type { LiveRegion, Progress, Target } from "./target";

/** The part of an Automation API `Stack` this target uses; tests pass a fake, the CLI the real one. */
export interface PulumiStackLike {
  outputs(): Promise<Record<string, { value: unknown; secret?: boolean }>>;
  /** Rejects when the key is not set. */
  getConfig(key: string, path?: boolean): Promise<{ value: string; secret?: boolean }>;
  setAllConfig(config: Record<string, { value: string; secret?: boolean }>, path?: boolean): Promise<void>;
  removeConfig(key: string, path?: boolean): Promise<void>;
  up(options: { onOutput: (out: string) => void }): Promise<unknown>;
  preview(options: { onOutput: (out: string) => void }): Promise<unknown>;
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

  constructor(
    readonly stage: Stage,
    private readonly selectStack: SelectStack = selectPulumiStack,
  ) {}

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

  async apply(releases: Record<string, Digest | null>, progress: Progress): Promise<void> {
    const stack = await this.open();
    const live = await this.live();
    // Taking the release away from regions that serve none (the revert of a first wave whose up never ran):
    // already so, and an up could not do it anyway.
    const servesNone = (key: string) => live.find((r) => r.key === key)?.release === undefined;
    if (Object.entries(releases).every(([key, digest]) => digest === null && servesNone(key))) return;
    await this.configure(stack, releases);
    progress(`${this.stage.stack}: pulumi up (${Object.keys(releases).join(", ")})`);
    await stack.up({ onOutput: lines(progress, this.stage.stack) });
  }

  /**
   * `pulumi preview` of a change: what `apply` would do, without doing it. Puts back the exact `fleet:release` and
   * `fleet:releases` it found (e.g. `build`), not what the outputs say, so a dry run leaves Pulumi.<stack>.yaml as is.
   */
  async preview(releases: Record<string, Digest | null>, progress: Progress): Promise<void> {
    const stack = await this.open();
    const release = await configValue(stack, releaseKey);
    const perRegion = await configValue(stack, releasesKey);
    await this.configure(stack, releases);
    try {
      await stack.preview({ onOutput: lines(progress, this.stage.stack) });
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
