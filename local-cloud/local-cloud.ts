import { randomBytes } from "node:crypto";
import { watch, type FSWatcher } from "node:fs";
import { access, mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Digest, hexOf } from "../core/digest";
import { devRelease, functionEnv } from "../core/function-env";
import type { Stage } from "../core/stage";
import { alarmDefinitions, type AlarmEvaluation } from "../core/alarms";
import type { Emulator, EmulatorOptions } from "../emulator";
import { ArtifactError, type ReleaseStore } from "../artifacts/store/store";
import { extractZip } from "../artifacts/unzip";
import { defaultLocalDir, metricsFile, readLocalState, stateFile, writeLocalEndpoints, writeLocalMetrics, type LocalCanary, type LocalEndpoints } from "./local-state";
import { evaluateRegion, RegionMetrics } from "./region-metrics";
import { stageEndpoints } from "./stage-endpoints";

/** Starts the emulator (emulator/): tests pass a stand-in; by default the real one, loaded on first use. */
export type StartEmulator = (options: EmulatorOptions) => Promise<Emulator>;

export interface LocalCloudOptions {
  stage: Stage;
  store: ReleaseStore;
  /** @default .fleet/local */
  dir?: string;
  /** First port; regions take consecutive ports. @default 0 (ephemeral, one per region) */
  port?: number;
  /** Publish `<stack>.endpoints.json` so other `fleet` processes find this cloud. @default true */
  publish?: boolean;
  /** @default the emulator's startEmulator */
  startEmulator?: StartEmulator;
  /** Where the functions' output and state changes go. @default nowhere */
  log?: (line: string) => void;
}

// What a region with no release answers: API Gateway in front of nothing deployed yet.
const noReleaseHandler = `exports.handler = async () => ({
  statusCode: 503,
  headers: { "content-type": "application/problem+json" },
  body: JSON.stringify({ type: "about:blank", title: "No release deployed", status: 503,
    detail: "This region serves no release yet: run 'fleet deploy --local --stack " + process.env.FLEET_STAGE + "'" }),
});
`;

// What a region answers when its release cannot be read from the store (missing, or its sha256 no longer matches).
const unavailableHandler = (detail: string) => `exports.handler = async () => ({
  statusCode: 503,
  headers: { "content-type": "application/problem+json" },
  body: JSON.stringify({ type: "about:blank", title: "Release unavailable", status: 503, detail: ${JSON.stringify(detail)} }),
});
`;

/** How often a serving cloud at most rewrites its metrics file while requests come in. */
const metricsPublishMs = 200;

/**
 * The local cloud for one stack: the emulator serving, per account × region, the release that
 * `.fleet/local/<stack>.json` names, extracted from the store (sha256 re-checked), and during a canary step the
 * second release beside it with its weight. `watch()` applies state changes without a restart. It keeps each
 * region's metrics of the requests it served and evaluates the stage's alarms over them (`alarms`).
 */
export class LocalCloud {
  private readonly serving = new Map<string, Digest | null>();
  private readonly canaries = new Map<string, LocalCanary>();
  private readonly errors = new Map<string, { release: string; message: string }>();
  private readonly metrics = new Map<string, RegionMetrics>();
  private metricsTimer: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly options: Required<Omit<LocalCloudOptions, "log">> & { log: (line: string) => void },
    private emulator: Emulator | undefined,
  ) {
    const { period, evaluationPeriods } = options.stage.config.alarms;
    for (const ref of options.stage.regions) this.metrics.set(ref.key, new RegionMetrics(period, evaluationPeriods));
  }

  static async start(options: LocalCloudOptions): Promise<LocalCloud> {
    const full = {
      dir: defaultLocalDir(),
      port: 0,
      publish: true,
      startEmulator: defaultStartEmulator,
      log: () => undefined,
      ...options,
    };
    const cloud = new LocalCloud(full, undefined);
    await mkdir(full.dir, { recursive: true });
    const state = await readLocalState(full.dir, full.stage.stack);
    const bundles = new Map<string, string>();
    for (const ref of full.stage.regions) bundles.set(ref.key, await cloud.startingBundle(ref.key, state.releases[ref.key] ?? null));
    const endpoints = stageEndpoints(full.stage, { port: full.port, logDir: full.dir }, (ref) => ({ bundleFile: bundles.get(ref.key)!, release: cloud.releaseOf(ref.key) }));
    cloud.emulator = await full.startEmulator({
      endpoints,
      log: (key, text) => full.log(`[${full.stage.stack} ${key}] ${text.trimEnd()}`),
      observe: (key, sample) => cloud.observe(key, sample),
    });
    // Canary steps the state names start beside their regions' releases; a region that cannot load its canary
    // says so in its errors (published), the others serve.
    await cloud.sync().catch((error: Error) => full.log(error.message));
    return cloud;
  }

  /**
   * The stage's alarms (core/alarms.ts) of one region, evaluated now over the requests it served, with the same
   * M-of-N semantics as the stack's CloudWatch alarms.
   */
  alarms(key: string, now: number = Date.now()): AlarmEvaluation[] {
    const metrics = this.metrics.get(key);
    if (!metrics) throw new Error(`stack ${this.options.stage.stack} has no region ${key}`);
    return evaluateRegion(alarmDefinitions(this.options.stage.config.alarms), metrics.periods(), now);
  }

  /** `"<account>/<region>"` → base URL. */
  urls(): Record<string, string> {
    return Object.fromEntries((this.emulator?.endpoints ?? []).map((e) => [e.key, e.url]));
  }

  /** What each region has actually loaded. */
  releases(): Record<string, Digest | null> {
    return Object.fromEntries(this.serving);
  }

  /** The canary each region in a canary step has loaded, with its weight. */
  canaryReleases(): Record<string, LocalCanary> {
    return Object.fromEntries(this.canaries);
  }

  /** Re-reads the state file and swaps every region whose release changed; calls are serialized. */
  sync(): Promise<void> {
    const next = this.syncing.then(() => this.syncOnce());
    this.syncing = next.catch(() => undefined);
    return next;
  }

  /** Applies state-file changes as they happen (what `fleet start` does). */
  watch(): void {
    const { dir, stage } = this.options;
    const file = path.basename(stateFile(dir, stage.stack));
    let timer: NodeJS.Timeout | undefined;
    this.watcher = watch(dir, (_event, name) => {
      if (name !== file) return;
      clearTimeout(timer);
      // Debounced: an atomic write shows up as several events.
      timer = setTimeout(() => {
        this.sync().catch((error: unknown) => this.options.log(`${stage.stack}: could not apply ${file}: ${(error as Error).message}`));
      }, 50);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.close();
    clearTimeout(this.metricsTimer);
    await this.syncing;
    await this.emulator?.close();
    if (this.options.publish) {
      await rm(path.join(this.options.dir, `${this.options.stage.stack}.endpoints.json`), { force: true });
      await rm(metricsFile(this.options.dir, this.options.stage.stack), { force: true });
    }
  }

  private observe(key: string, sample: Parameters<RegionMetrics["record"]>[0]): void {
    this.metrics.get(key)?.record(sample);
    // Other processes (a rollout baking this stack) read the metrics from a file, rewritten at most this often.
    if (!this.options.publish || this.metricsTimer || this.closed) return;
    this.metricsTimer = setTimeout(() => {
      this.metricsTimer = undefined;
      const regions = Object.fromEntries([...this.metrics].map(([region, metrics]) => [region, metrics.periods().map(({ p99, ...rest }) => (p99 === undefined ? rest : { ...rest, p99 }))]));
      writeLocalMetrics(this.options.dir, this.options.stage.stack, { pid: process.pid, regions }).catch((error: Error) => this.options.log(`${this.options.stage.stack}: could not write its metrics: ${error.message}`));
    }, metricsPublishMs);
  }

  private async syncOnce(): Promise<void> {
    if (this.closed || !this.emulator) return;
    const { stage, log } = this.options;
    const state = await readLocalState(this.options.dir, stage.stack);
    const failures: string[] = [];
    for (const ref of stage.regions) {
      const digest = state.releases[ref.key] ?? null;
      const canary = state.canaries?.[ref.key];
      try {
        if (this.serving.get(ref.key) !== digest) {
          await this.emulator.replace(ref.key, { bundleFile: await this.bundleFor(digest), env: functionEnv(stage.stack, digest ?? devRelease, stage.config) });
          this.serving.set(ref.key, digest);
          log(`${stage.stack} ${ref.key}: now serving ${digest ?? "no release"}`);
        }
        const loaded = this.canaries.get(ref.key);
        if (loaded?.release !== canary?.release || loaded?.weight !== canary?.weight) {
          await this.emulator.canary(ref.key, canary ? { bundleFile: await this.bundleFor(canary.release), env: functionEnv(stage.stack, canary.release, stage.config), weight: canary.weight } : null);
          if (canary) this.canaries.set(ref.key, canary);
          else this.canaries.delete(ref.key);
          log(`${stage.stack} ${ref.key}: ${canary ? `${canary.weight}% of requests to ${canary.release}` : "no canary"}`);
        }
        this.errors.delete(ref.key);
      } catch (error) {
        // Only a new failure fails this sync: a region still unable to load the release it already failed on (a
        // corrupted artifact) must not block a rollout that is moving other regions off it.
        const release = canary && this.serving.get(ref.key) === digest ? canary.release : (digest ?? "none");
        if (this.errors.get(ref.key)?.release !== release) failures.push(`${ref.key}: ${(error as Error).message}`);
        this.errors.set(ref.key, { release, message: (error as Error).message });
      }
    }
    await this.publish();
    if (failures.length > 0) throw new Error(`local cloud could not load the release in ${failures.join("; ")}`);
  }

  /**
   * The bundle a region starts on. A release missing or corrupted in the store does not stop the others: the region
   * answers 503 saying why (smoke fails it) and is not marked as serving it, so the next sync tries again and a
   * rollback can still put the region on a good release.
   */
  private async startingBundle(key: string, digest: Digest | null): Promise<string> {
    try {
      const file = await this.bundleFor(digest);
      this.serving.set(key, digest);
      return file;
    } catch (error) {
      if (!(error instanceof ArtifactError)) throw error;
      this.serving.set(key, null);
      this.errors.set(key, { release: digest ?? "none", message: error.message });
      this.options.log(`${this.options.stage.stack} ${key}: cannot serve ${digest}: ${error.message}`);
      const file = path.join(this.options.dir, "cache", "unavailable", `${key.replace("/", "-")}.js`);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, unavailableHandler(error.message));
      return file;
    }
  }

  /** What FLEET_RELEASE says in a region: the digest it serves (`dev` where it serves none). */
  private releaseOf(key: string): string {
    return this.serving.get(key) ?? devRelease;
  }

  /** The bundle of a release ({@link releaseBundle}), or the one that answers "no release deployed". */
  private async bundleFor(digest: Digest | null): Promise<string> {
    const cache = path.join(this.options.dir, "cache");
    if (digest === null) {
      const file = path.join(cache, "no-release", "index.js");
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, noReleaseHandler);
      return file;
    }
    return releaseBundle(this.options.dir, this.options.store, digest);
  }

  private async publish(): Promise<void> {
    if (!this.options.publish) return;
    const published: LocalEndpoints = { pid: process.pid, endpoints: this.urls(), serving: this.releases(), canaries: this.canaryReleases(), errors: Object.fromEntries(this.errors) };
    await writeLocalEndpoints(this.options.dir, this.options.stage.stack, published);
  }
}

/**
 * The `index.js` of a release, extracted once into `<dir>/cache/<hex>/` from the verified zip. The zip is read (and
 * its sha256 re-checked) every time, cache or not: a release corrupted in the store is never served.
 * @throws ArtifactError when the store does not hold it intact
 */
export async function releaseBundle(localDir: string, store: ReleaseStore, digest: Digest): Promise<string> {
  const dir = path.join(localDir, "cache", hexOf(digest));
  const file = path.join(dir, "index.js");
  const { zip } = await store.get(digest);
  if (await exists(file)) return file;
  // Unique per call: two regions of one process may extract the same release at once.
  const temp = `${dir}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await rm(temp, { recursive: true, force: true });
  await extractZip(zip, temp);
  await rename(temp, dir).catch(async (error: NodeJS.ErrnoException) => {
    // Another process extracted the same release first: theirs is as good as ours.
    if (error.code !== "ENOTEMPTY" && error.code !== "EEXIST") throw error;
    await rm(temp, { recursive: true, force: true });
  });
  return file;
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

// Required lazily so commands that never run the local cloud do not load the emulator.
const defaultStartEmulator: StartEmulator = (options) => {
  const { startEmulator } = require("../emulator") as typeof import("../emulator");
  return startEmulator(options);
};
