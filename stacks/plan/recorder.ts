import * as pulumi from "@pulumi/pulumi";
import path from "node:path";
import { repoRoot } from "../../core/paths";
import { mockState } from "./mock-state";
import type { PlannedResource } from "./types";

// The SDK's wire markers (runtime/rpc): a serialized secret, asset, archive or resource reference.
const sigKey = "4dabf18193072939515e22adb298388d";
const secretSig = "1b47061264138c4ac30d75fd1eb44270";
const assetSig = "c44067f5952c0a294b673a41bacd8c17";
const archiveSig = "0def7320c3a5731c473e5ecbe6d01bc7";
const resourceSig = "5cf8f73096256a8f31e491e813e4eb8e";

/** Where a provider deploys: read from its inputs. */
interface Location {
  account: string | null;
  region: string | null;
}

/** The bits of the SDK's RegisterResourceRequest the recorder reads. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getCustom(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getDependenciesList(): string[];
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getAdditionalsecretoutputsList(): string[];
}
type RegisterCallback = (error: unknown, response?: { getUrn(): string; getId(): string }) => void;
interface MonitorWithRegister {
  registerResource(request: RegisterRequest, callback: RegisterCallback): void;
}

/**
 * Installs Pulumi's mock runtime and records every resource the program registers: type, name, parent, inputs
 * (secrets masked) and the account and region of its provider. Call once per process, before the program runs.
 */
export async function installRecorder(project: string, stack: string): Promise<{ resources(): PlannedResource[] }> {
  const providers = new Map<string, Location>();
  const recorded: PlannedResource[] = [];
  const pending = new Map<string, Location>();

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const location = locate(args.type, args.inputs, args.provider, providers);
        const result = mockState(args.type, args.name, args.inputs, location.account ?? "000000000000", location.region ?? "us-east-1");
        pending.set(`${args.type}::${args.name}`, location);
        return result;
      },
      call(args) {
        throw new Error(`the program called ${args.token}; fleet's program makes no provider calls, so plan cannot answer it`);
      },
    },
    project,
    stack,
    false,
  );

  // The mock callback does not see the parent; the monitor request does, so wrap the monitor's registration.
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegister;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    const serialized = request.getObject()?.toJavaScript() ?? {};
    register(request, (error, response) => {
      if (!error && response) {
        const type = request.getType();
        const name = request.getName();
        const location = pending.get(`${type}::${name}`) ?? { account: null, region: null };
        pending.delete(`${type}::${name}`);
        if (type.startsWith("pulumi:providers:")) providers.set(`${response.getUrn()}::${response.getId()}`, location);
        const secretInputs: string[] = [];
        recorded.push({
          type,
          name,
          urn: response.getUrn(),
          id: response.getId(),
          custom: request.getCustom(),
          provider: request.getProvider() ? request.getProvider().split("::").slice(0, -1).join("::") : null,
          parent: request.getParent() || null,
          ...location,
          inputs: mask(type.startsWith("pulumi:providers:") ? parseProviderInputs(serialized) : serialized, "", secretInputs) as Record<string, unknown>,
          secretInputs,
          dependencies: request.getDependenciesList(),
          retainOnDelete: request.getRetainondelete() ?? false,
          deleteBeforeReplace: request.getDeletebeforereplace(),
          additionalSecretOutputs: request.getAdditionalsecretoutputsList(),
        });
      }
      callback(error, response);
    });
  };

  return { resources: () => inheritLocations(recorded) };
}

/** Providers JSON-encode their structured inputs (`allowedAccountIds: '["…"]'`): decode them for reading. */
function parseProviderInputs(inputs: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(inputs).map(([key, value]) => {
      if (typeof value === "string" && /^[[{]/.test(value)) {
        try {
          return [key, JSON.parse(value)];
        } catch {
          return [key, value];
        }
      }
      return [key, value];
    }),
  );
}

function locate(type: string, inputs: Record<string, any>, providerRef: string | undefined, providers: Map<string, Location>): Location {
  if (type.startsWith("pulumi:providers:")) {
    const accounts = typeof inputs.allowedAccountIds === "string" ? JSON.parse(inputs.allowedAccountIds) : inputs.allowedAccountIds;
    return { account: Array.isArray(accounts) && typeof accounts[0] === "string" ? accounts[0] : null, region: typeof inputs.region === "string" ? inputs.region : null };
  }
  return (providerRef && providers.get(providerRef)) || { account: null, region: null };
}

/** Components have no provider: they take the location of their parent, else of their first located child. */
function inheritLocations(resources: PlannedResource[]): PlannedResource[] {
  const byUrn = new Map(resources.map((resource) => [resource.urn, { ...resource }]));
  const fromParent = (resource: PlannedResource): Location => {
    if (resource.account !== null || resource.type.startsWith("pulumi:providers:")) return resource;
    const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
    return parent ? fromParent(parent) : resource;
  };
  const inherit = (resource: PlannedResource) => {
    const { account, region } = fromParent(resource);
    Object.assign(resource, { account, region });
  };
  for (const resource of byUrn.values()) inherit(resource);
  for (const resource of byUrn.values()) {
    if (resource.account !== null || resource.type.startsWith("pulumi:providers:")) continue;
    const child = [...byUrn.values()].find((candidate) => candidate.account !== null && isDescendant(candidate, resource.urn, byUrn));
    if (child) Object.assign(resource, { account: child.account, region: child.region });
  }
  for (const resource of byUrn.values()) inherit(resource);
  return [...byUrn.values()];
}

function isDescendant(resource: PlannedResource, ancestor: string, byUrn: Map<string, PlannedResource>): boolean {
  for (let parent = resource.parent; parent; parent = byUrn.get(parent)?.parent ?? null) {
    if (parent === ancestor) return true;
  }
  return false;
}

/**
 * Replaces secrets with "[secret]" (noting their paths), archives and assets by their path (relative to the
 * repository, so a plan reads the same on every machine), resources by URN.
 */
function mask(value: unknown, at: string, secrets: string[]): unknown {
  if (Array.isArray(value)) return value.map((item, index) => mask(item, `${at}[${index}]`, secrets));
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  switch (record[sigKey]) {
    case secretSig:
      secrets.push(at);
      return "[secret]";
    case archiveSig:
      return { archive: inRepository(record.path) ?? record.uri ?? "(inline)" };
    case assetSig:
      return { asset: inRepository(record.path) ?? record.uri ?? "(inline)" };
    case resourceSig:
      return record.urn;
  }
  return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, mask(item, at ? `${at}.${key}` : key, secrets)]));
}

/** A file path as the repository names it (`.fleet/releases/<hex>.zip`); a path outside it stays as it is. */
function inRepository(file: unknown): string | undefined {
  if (typeof file !== "string") return undefined;
  const relative = path.relative(repoRoot, path.resolve(repoRoot, file));
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative.split(path.sep).join("/");
}
