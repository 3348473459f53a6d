import { listStageFiles } from "../core/stage-file";
import { loadStage, type StageLoader } from "../core/stage";
import { openStore } from "../artifacts/store/open-store";
import type { ReleaseStore } from "../artifacts/store/store";
import { LocalCloud, type StartEmulator } from "./local-cloud";

export interface ServeDeployedOptions {
  /** @default every stack with a Pulumi.<stack>.yaml */
  stacks?: string[];
  /** First port; each stack's regions take the next consecutive ports. 0: any free port each. */
  port: number;
  /** @default $FLEET_STORE, else .fleet/releases */
  store?: ReleaseStore;
  /** @default .fleet/local ($FLEET_LOCAL_DIR) */
  dir?: string;
  loadStage?: StageLoader;
  startEmulator?: StartEmulator;
  log: (line: string) => void;
}

/** The local cloud for several stacks, each following its `.fleet/local/<stack>.json`. */
export interface DeployedClouds {
  /** One row per account × region of every stack. */
  endpoints: { stack: string; key: string; url: string }[];
  close(): Promise<void>;
}

/**
 * Serves what `fleet deploy --local` / `promote --local` put in `.fleet/local/`: every region of every stack runs
 * its own release (extracted from the store, sha256 re-checked), and state changes apply without a restart.
 * `fleet start --deployed` runs this.
 */
export async function serveDeployed(options: ServeDeployedOptions): Promise<DeployedClouds> {
  const load = options.loadStage ?? loadStage;
  const store = options.store ?? openStore();
  const stages = (options.stacks ?? listStageFiles()).map((stack) => load(stack));
  const clouds: LocalCloud[] = [];
  const close = async () => {
    await Promise.all(clouds.map((cloud) => cloud.close()));
  };
  try {
    let port = options.port;
    for (const stage of stages) {
      const cloud = await LocalCloud.start({
        stage,
        store,
        port,
        publish: true,
        log: options.log,
        ...(options.dir ? { dir: options.dir } : {}),
        ...(options.startEmulator ? { startEmulator: options.startEmulator } : {}),
      });
      clouds.push(cloud);
      cloud.watch();
      if (port !== 0) port += stage.regions.length;
    }
  } catch (error) {
    await close();
    throw error;
  }
  const endpoints = clouds.flatMap((cloud, i) => Object.entries(cloud.urls()).map(([key, url]) => ({ stack: stages[i]!.stack, key, url })));
  return { endpoints, close };
}
