import { alarmDefinitions } from "../core/alarms";
import type { Digest } from "../core/digest";
import { invokeLocal } from "../local-cloud/invoke-local";
import { LocalCloud, type StartEmulator } from "../local-cloud/local-cloud";
import { defaultLocalDir, readLocalEndpoints, readLocalMetrics, readLocalState, writeLocalState, type LocalCanary, type LocalState } from "../local-cloud/local-state";
import { evaluateRegion } from "../local-cloud/region-metrics";
import type { InvokeAnswer } from "../core/invoke-answer";
import type { RegionRef, Stage } from "../core/stage";
import type { ReleaseStore } from "../artifacts/store/store";
import type { CanaryStep, LiveRegion, Progress, RegionAlarms, Target } from "./target";

export interface LocalTargetOptions {
  stage: Stage;
  store: ReleaseStore;
  /** @default .fleet/local */
  dir?: string;
  /** How long to wait for a running `fleet start` to load a change. @default 30 s */
  applyTimeoutMs?: number;
  /** @default the emulator's */
  startEmulator?: StartEmulator;
  /**
   * Serve the stack from this process when no `fleet start` does, so its endpoints answer. Off for read-only
   * commands (status), which then show no URL. @default true
   */
  serve?: boolean;
}

/**
 * The local cloud as a target: state in `.fleet/local/<stack>.json`, endpoints from the `fleet start` serving the
 * stack; when none runs, this process serves the stack itself for as long as the command runs.
 */
export class LocalTarget implements Target {
  readonly kind = "local";
  readonly stage: Stage;
  private readonly dir: string;
  private ownCloud: LocalCloud | undefined;

  constructor(private readonly options: LocalTargetOptions) {
    this.stage = options.stage;
    this.dir = options.dir ?? defaultLocalDir();
  }

  async live(): Promise<LiveRegion[]> {
    const state = await readLocalState(this.dir, this.stage.stack);
    const urls = await this.urls();
    return this.stage.regions.map((ref) => {
      const canary = state.canaries?.[ref.key];
      return { ...ref, url: urls[ref.key], release: state.releases[ref.key], ...(canary ? { canary } : {}) };
    });
  }

  async apply(releases: Record<string, Digest | null>, progress: Progress): Promise<void> {
    const state = await readLocalState(this.dir, this.stage.stack);
    for (const [key, digest] of Object.entries(releases)) {
      if (digest === null) delete state.releases[key];
      else state.releases[key] = digest;
      delete state.canaries?.[key];
      progress(`${this.stage.stack} ${key}: deploying ${digest ?? "(no release)"}`);
    }
    await this.write(state, Object.fromEntries(Object.keys(releases).map((key) => [key, { release: releases[key]!, canary: undefined }])));
  }

  async shift(steps: Record<string, CanaryStep>, progress: Progress): Promise<void> {
    const state = await readLocalState(this.dir, this.stage.stack);
    for (const [key, step] of Object.entries(steps)) {
      state.releases[key] = step.stable;
      state.canaries = { ...state.canaries, [key]: { release: step.canary, weight: step.weight } };
      progress(`${this.stage.stack} ${key}: ${step.weight}% of requests to ${step.canary}, the rest to ${step.stable}`);
    }
    await this.write(state, Object.fromEntries(Object.entries(steps).map(([key, step]) => [key, { release: step.stable, canary: { release: step.canary, weight: step.weight } }])));
  }

  /**
   * The stage's alarms evaluated over the requests the local cloud served: this process's own cloud, or the
   * metrics the `fleet start` serving the stack publishes (a region nobody serves cannot be read).
   */
  async alarms(keys: string[]): Promise<Record<string, RegionAlarms>> {
    const now = Date.now();
    if (this.ownCloud) return Object.fromEntries(keys.map((key) => [key, { readable: true, alarms: this.ownCloud!.alarms(key, now) }]));
    const served = (await readLocalEndpoints(this.dir, this.stage.stack)) !== undefined;
    // No file yet: the cloud serving the stack has answered no request since it started.
    const metrics = served ? await readLocalMetrics(this.dir, this.stage.stack) : undefined;
    const definitions = alarmDefinitions(this.stage.config.alarms);
    return Object.fromEntries(
      keys.map((key): [string, RegionAlarms] => [
        key,
        served
          ? { readable: true, alarms: evaluateRegion(definitions, metrics?.regions[key]?.map((p) => ({ ...p, p99: p.p99 })) ?? [], now) }
          : { readable: false, error: `no local cloud serves stack ${this.stage.stack}: start one ('fleet start --deployed') or let this command serve it` },
      ]),
    );
  }

  /** Writes the state, then waits until whoever serves the stack has loaded it (or starts serving it). */
  private async write(state: LocalState, expected: Record<string, Serving>): Promise<void> {
    await writeLocalState(this.dir, this.stage.stack, state);
    if (this.ownCloud) {
      await this.ownCloud.sync();
      return;
    }
    const remote = await readLocalEndpoints(this.dir, this.stage.stack);
    if (!remote) {
      // Nobody serves the stack: start serving it now, from the state just written.
      await this.cloud();
      return;
    }
    await this.waitForRemote(expected);
  }

  /** The release each region's state names, run once with the event (local-cloud/invoke-local.ts). */
  async invoke(refs: RegionRef[], payload: string): Promise<InvokeAnswer[]> {
    return invokeLocal({ stage: this.stage, refs, payload, store: this.options.store, dir: this.dir });
  }

  async close(): Promise<void> {
    await this.ownCloud?.close();
    this.ownCloud = undefined;
  }

  private async urls(): Promise<Record<string, string>> {
    if (this.ownCloud) return this.ownCloud.urls();
    const remote = await readLocalEndpoints(this.dir, this.stage.stack);
    if (remote) return remote.endpoints;
    return this.options.serve === false ? {} : (await this.cloud()).urls();
  }

  private async cloud(): Promise<LocalCloud> {
    this.ownCloud ??= await LocalCloud.start({
      stage: this.stage,
      store: this.options.store,
      dir: this.dir,
      // Ephemeral ports and unpublished: a `fleet start` started later must not find a cloud that is gone.
      publish: false,
      ...(this.options.startEmulator ? { startEmulator: this.options.startEmulator } : {}),
    });
    return this.ownCloud;
  }

  /** Waits until the `fleet start` serving this stack reports it loaded every changed region. */
  private async waitForRemote(expected: Record<string, Serving>): Promise<void> {
    const deadline = Date.now() + (this.options.applyTimeoutMs ?? 30_000);
    const describe = ({ release, canary }: Serving) => `${release ?? "no release"}${canary ? ` with ${canary.weight}% to ${canary.release}` : ""}`;
    for (;;) {
      const remote = await readLocalEndpoints(this.dir, this.stage.stack);
      if (!remote) throw new Error(`the 'fleet start' serving stack ${this.stage.stack} stopped while deploying: start it again`);
      const pending = Object.entries(expected).filter(([key, { release, canary }]) => {
        const loaded = remote.canaries?.[key];
        return (remote.serving[key] ?? null) !== release || loaded?.release !== canary?.release || loaded?.weight !== canary?.weight;
      });
      if (pending.length === 0) return;
      const failed = pending.filter(([key, { release, canary }]) => {
        const error = remote.errors?.[key];
        return error !== undefined && (error.release === (release ?? "none") || error.release === canary?.release);
      });
      if (failed.length > 0) {
        throw new Error(`'fleet start' could not load ${failed.map(([key, serving]) => `${describe(serving)} in ${key} (${remote.errors![key]!.message})`).join(", ")}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`'fleet start' did not load ${pending.map(([key, serving]) => `${describe(serving)} in ${key}`).join(", ")} in time: see its output`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** What a region is to serve once a change is live. */
interface Serving {
  release: Digest | null;
  canary: LocalCanary | undefined;
}
