import * as pulumi from "@pulumi/pulumi";
import { RegionalApi } from "./components/regional-api";
import { InvalidStackNameError } from "../core/stack-name";
import { StageConfigError, type StageConfig } from "../core/stage-schema";
import { FleetConfigError, loadFleetConfig } from "../core/fleet-config";
import { lambdaEnvironment } from "./environment";
import { targetKey, targetName } from "../core/naming";
import { Providers } from "./providers";
import { resolveRelease, type ResolvedRelease } from "./release";
import { loadStageConfig } from "./stage-config";

/**
 * The fleet program: validate the stage, resolve the release(s), then one RegionalApi per account × region.
 * `pulumi up -s <stage>` runs it (Pulumi.yaml `main: stacks/`); `fleet plan` runs the same function under mocks.
 * Nothing is registered before the configuration and every release are known to be good.
 */
async function fleet() {
  const stage = pulumi.getStack();
  const config = stopOnConfigError(() => loadStageConfig(stage));
  const regions = config.targets.flatMap((target) => target.regions.map((region) => ({ ...target, region, key: targetKey(target.account, region) })));
  const releases = await resolveReleases(stage, config, regions.map((region) => region.key));
  const providers = new Providers(stage);
  const dnsProvider = config.domain ? zoneProvider(providers, config) : undefined;
  // The Route53 health checks request the app's own health route (fleet.config.ts `health`).
  const healthPath = config.domain ? appHealthPath() : undefined;

  const endpoints: Record<string, pulumi.Output<string>> = {};
  const functionNames: Record<string, pulumi.Output<string>> = {};
  const apiIds: Record<string, pulumi.Output<string>> = {};
  const regionReleases: Record<string, string> = {};
  const versions: Record<string, unknown> = {};
  const alarmNames: Record<string, unknown> = {};
  for (const { account, roleArn, region, key } of regions) {
    const release = releases.of(key);
    const traffic = config.traffic[key];
    const regional = new RegionalApi(
      targetName(stage, account, region),
      {
        stage,
        account,
        region,
        config,
        release: release.digest,
        zipPath: release.zipPath,
        environment: lambdaEnvironment(stage, release.digest, config),
        deployRoleArn: roleArn,
        dnsProvider,
        healthPath,
        ...(traffic ? { traffic } : {}),
      },
      { providers: [providers.get(account, roleArn, region)] },
    );
    endpoints[key] = regional.url;
    functionNames[key] = regional.functionName;
    apiIds[key] = regional.apiId;
    regionReleases[key] = release.digest;
    const { version, canary } = regional.versions;
    versions[key] = {
      version,
      release: traffic?.stableRelease ?? release.digest,
      ...(canary ? { canary: { version: canary.version, release: release.digest, weight: canary.weight } } : {}),
    };
    alarmNames[key] = regional.alarmNames;
  }
  return {
    /** `"<account>/<region>"` → regional base URL (REST: with the `/<stage>/` prefix), ending in `/`. */
    endpoints,
    /** The digest `fleet:release` deployed (absent when `fleet:releases` overrides every region of a `build` stage). */
    ...(releases.stack ? { release: releases.stack.digest } : {}),
    /** `"<account>/<region>"` → the digest of that region's newest code (FLEET_RELEASE there). */
    releases: regionReleases,
    /**
     * `"<account>/<region>"` → what `live` serves: `{ version, release }` (its Lambda version and that version's
     * digest) and, during a canary step, `canary: { version, release, weight }`, the newest version's share.
     */
    versions,
    /** `"<account>/<region>"` → each alarm's CloudWatch name by its name in core/alarms.ts (read while baking). */
    alarmNames,
    functionNames,
    apiIds,
    /** The global latency-routed URL, when `fleet:domain` is set. */
    ...(config.domain ? { url: `https://${config.domain.name}/` } : {}),
  };
}

/** A configuration error ends the run with its message alone (no stack trace): it is the user's to fix. */
function stopOnConfigError(load: () => StageConfig): StageConfig {
  try {
    return load();
  } catch (error) {
    if (error instanceof StageConfigError || error instanceof InvalidStackNameError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

/**
 * Resolves each distinct release the regions need, once: `fleet:releases[key]` (a wave) or else `fleet:release`.
 * A `build` is only made when some region runs it.
 */
async function resolveReleases(stage: string, config: StageConfig, keys: string[]) {
  const wanted = new Map(keys.map((key) => [key, config.releases[key] ?? config.release]));
  const resolved = new Map<string, ResolvedRelease>();
  for (const value of new Set(wanted.values())) {
    const release = await resolveRelease(value).catch((error: Error) => {
      throw new pulumi.RunError(`stack "${stage}": release ${value}: ${error.message}`);
    });
    resolved.set(value, release);
  }
  return {
    /** What `fleet:release` resolved to, when some region runs it. */
    stack: resolved.get(config.release),
    of(key: string): ResolvedRelease {
      const release = resolved.get(wanted.get(key) ?? config.release);
      if (!release) throw new pulumi.RunError(`stack "${stage}": no release resolved for ${key}`);
      return release;
    },
  };
}

function appHealthPath(): string {
  try {
    return loadFleetConfig().health;
  } catch (error) {
    if (error instanceof FleetConfigError) throw new pulumi.RunError(error.message);
    throw error;
  }
}

/** Route53 records live in the hosted zone's account: `domain.account`, else the first target's. */
function zoneProvider(providers: Providers, config: StageConfig): pulumi.ProviderResource {
  const account = config.domain?.account ?? config.targets[0]?.account;
  const target = config.targets.find((candidate) => candidate.account === account);
  if (!target) throw new pulumi.RunError(`fleet:domain.account ${account} has no target`);
  return providers.dns(target.account, target.roleArn);
}

export = fleet;
