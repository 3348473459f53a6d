import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../core/atomic-file";
import { repoRoot } from "../core/paths";
import { digestPattern, type Digest } from "../core/digest";
import { checkStackName } from "../core/stack-name";

/**
 * Where the local cloud keeps its state: `<dir>/<stack>.json` (what each region serves) and `<stack>.endpoints.json`.
 * `$FLEET_LOCAL_DIR` moves it (tests use a temporary directory). @default .fleet/local
 */
export function defaultLocalDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLEET_LOCAL_DIR ? path.resolve(env.FLEET_LOCAL_DIR) : path.join(repoRoot, ".fleet", "local");
}

/** A region's canary step: `weight` percent of its requests go to `release`, the rest to the region's release. */
const LocalCanary = z.strictObject({ release: z.string().regex(digestPattern), weight: z.number().int().min(0).max(99) });
export type LocalCanary = { release: Digest; weight: number };

/**
 * `.fleet/local/<stack>.json`: the local `pulumi up` result, i.e. which release each account × region serves and,
 * during a canary step, the release beside it and its share (`canaries`, as `fleet:traffic` in the cloud).
 */
export const LocalState = z.strictObject({
  releases: z.record(z.string(), z.string().regex(digestPattern)),
  canaries: z.record(z.string(), LocalCanary).optional(),
});
export type LocalState = { releases: Record<string, Digest>; canaries?: Record<string, LocalCanary> };

/**
 * `.fleet/local/<stack>.endpoints.json`, written by a running local cloud (`fleet start`): its URLs and the
 * releases it has actually loaded, so other commands know when a state change is live.
 */
export const LocalEndpoints = z.strictObject({
  pid: z.number().int(),
  endpoints: z.record(z.string(), z.string()),
  serving: z.record(z.string(), z.string().nullable()),
  /** Per region in a canary step, the canary it has loaded and its weight. */
  canaries: z.record(z.string(), LocalCanary).optional(),
  /** Per region, a release it could not load: `{ release, message }`, so a waiting command fails at once. */
  errors: z.record(z.string(), z.strictObject({ release: z.string(), message: z.string() })).optional(),
});
export type LocalEndpoints = z.infer<typeof LocalEndpoints>;

/**
 * `.fleet/local/<stack>.metrics.json`, written by a running local cloud: per region, the periods of requests it
 * served (local-cloud/region-metrics.ts), so a rollout in another process evaluates the same alarms.
 */
export const LocalMetrics = z.strictObject({
  pid: z.number().int(),
  regions: z.record(
    z.string(),
    z.array(
      z.strictObject({
        start: z.number().int().nonnegative(),
        requests: z.number().int().nonnegative(),
        serverErrors: z.number().int().nonnegative(),
        functionErrors: z.number().int().nonnegative(),
        throttles: z.number().int().nonnegative(),
        p99: z.number().nonnegative().optional(),
      }),
    ),
  ),
});
export type LocalMetrics = z.infer<typeof LocalMetrics>;

/** `<dir>/<stack>.metrics.json`. @throws InvalidStackNameError */
export function metricsFile(dir: string, stack: string): string {
  return path.join(dir, `${checkStackName(stack)}.metrics.json`);
}

/** The metrics a running local cloud published, or undefined when none runs for this stack (or its file is unreadable). */
export async function readLocalMetrics(dir: string, stack: string): Promise<LocalMetrics | undefined> {
  return readPublished(metricsFile(dir, stack), LocalMetrics);
}

export async function writeLocalMetrics(dir: string, stack: string, metrics: LocalMetrics): Promise<void> {
  await writeJsonAtomic(metricsFile(dir, stack), metrics);
}

/** `<dir>/<stack>.json`; a name Pulumi would refuse (`../x`, `/tmp/x`) never becomes a path. @throws InvalidStackNameError */
export function stateFile(dir: string, stack: string): string {
  return path.join(dir, `${checkStackName(stack)}.json`);
}

/** `<dir>/<stack>.endpoints.json`. @throws InvalidStackNameError */
export function endpointsFile(dir: string, stack: string): string {
  return path.join(dir, `${checkStackName(stack)}.endpoints.json`);
}

/** Reads a stack's local state; a stack never deployed locally serves nothing. */
export async function readLocalState(dir: string, stack: string): Promise<LocalState> {
  const file = stateFile(dir, stack);
  const json = await readJson(file);
  if (json === undefined) return { releases: {} };
  const parsed = LocalState.safeParse(json);
  if (!parsed.success) throw new Error(`${file} is invalid (${z.prettifyError(parsed.error).replace(/\n/g, " ")}): fix or delete it, then deploy again`);
  return parsed.data as LocalState;
}

export async function writeLocalState(dir: string, stack: string, state: LocalState): Promise<void> {
  await writeJsonAtomic(stateFile(dir, stack), state);
}

/** The endpoints a running local cloud published, or undefined when none runs for this stack. */
export async function readLocalEndpoints(dir: string, stack: string): Promise<LocalEndpoints | undefined> {
  return readPublished(endpointsFile(dir, stack), LocalEndpoints);
}

/** What a running local cloud published in `file`: undefined when it is unreadable, invalid, or its process is gone. */
async function readPublished<T extends { pid: number }>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const parsed = schema.safeParse(await readJson(file).catch(() => undefined));
  return parsed.success && isAlive(parsed.data.pid) ? parsed.data : undefined;
}

export async function writeLocalEndpoints(dir: string, stack: string, endpoints: LocalEndpoints): Promise<void> {
  await writeJsonAtomic(endpointsFile(dir, stack), endpoints);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${file} is not JSON: fix or delete it`);
  }
}

// A watcher (fleet start) never reads half a file, and a crash leaves the old state or the new one.
async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
