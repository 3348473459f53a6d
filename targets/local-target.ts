import type { Digest } from "../core/digest";
import { LocalCloud, type StartEmulator } from "../local-cloud/local-cloud";
import { defaultLocalDir, readLocalEndpoints, readLocalState, writeLocalState } from "../local-cloud/local-state";
import type { Stage } from "../core/stage";
import type { ReleaseStore } from "../artifacts/store/store";
import type { LiveRegion, Progress, Target } from "./target";

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
    return this.stage.regions.map((ref) => ({ ...ref, url: urls[ref.key], release: state.releases[ref.key] }));
  }

  async apply(releases: Record<string, Digest | null>, progress: Progress): Promise<void> {
    const state = await readLocalState(this.dir, this.stage.stack);
    for (const [key, digest] of Object.entries(releases)) {
      if (digest === null) delete state.releases[key];
      else state.releases[key] = digest;
      progress(`${this.stage.stack} ${key}: deploying ${digest ?? "(no release)"}`);
    }
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
    await this.waitForRemote(releases);
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
  private async waitForRemote(releases: Record<string, Digest | null>): Promise<void> {
    const deadline = Date.now() + (this.options.applyTimeoutMs ?? 30_000);
    for (;;) {
      const remote = await readLocalEndpoints(this.dir, this.stage.stack);
      if (!remote) throw new Error(`the 'fleet start' serving stack ${this.stage.stack} stopped while deploying: start it again`);
      const pending = Object.entries(releases).filter(([key, digest]) => (remote.serving[key] ?? null) !== digest);
      if (pending.length === 0) return;
      const failed = pending.filter(([key, digest]) => remote.errors?.[key]?.release === (digest ?? "none"));
      if (failed.length > 0) {
        throw new Error(`'fleet start' could not load ${failed.map(([key, d]) => `${d} in ${key} (${remote.errors![key]!.message})`).join(", ")}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`'fleet start' did not load ${pending.map(([key, d]) => `${d ?? "no release"} in ${key}`).join(", ")} in time: see its output`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
