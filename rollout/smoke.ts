import type { Digest } from "../core/digest";
import type { Probes, SmokeCall } from "../core/fleet-config";
import { regionUrl } from "../core/region-url";
import type { LiveRegion } from "../targets/target";

export type { Probes } from "../core/fleet-config";

/** One probe as it went. */
export interface ProbeResult {
  method: string;
  path: string;
  /** HTTP status, or null when it did not answer. */
  status: number | null;
  ok: boolean;
}

/** One region's smoke result: what `fleet smoke` prints as a table row. */
export interface SmokeResult {
  key: string;
  account: string;
  region: string;
  url: string | undefined;
  ok: boolean;
  /** HTTP status of the health check, or null when it did not answer. */
  status: number | null;
  /** Milliseconds for the whole check. */
  latencyMs: number;
  /** The release the region answered with (`x-fleet-release`). */
  release: string | null;
  /** Every probe in order: the health check, the OpenAPI document (when configured), each smoke call. */
  probes: ProbeResult[];
  /** What failed, one line each; empty when ok. */
  failures: string[];
}

export interface SmokeOptions {
  /** The probes of the release the region should serve. */
  probes: Probes;
  /**
   * The digest the region must answer with (during a canary step, either of two); undefined checks only that it
   * answers with one.
   */
  expect?: Digest | readonly Digest[];
  /** Per request. @default 10 s */
  timeoutMs?: number;
}

/**
 * Checks one regional endpoint the way a client sees it, with the app's own probes: GET of the health path must
 * answer 2xx from that region (`x-fleet-region`, stamped by fleet's adapter whatever the app does) on the
 * expected release (`x-fleet-release`); the OpenAPI path, when the app has one, must serve an OpenAPI 3 document;
 * each smoke call must answer its status.
 */
export async function smokeRegion(region: LiveRegion, options: SmokeOptions): Promise<SmokeResult> {
  const started = performance.now();
  const result: SmokeResult = { key: region.key, account: region.account, region: region.region, url: region.url, ok: false, status: null, latencyMs: 0, release: null, probes: [], failures: [] };
  const fail = (message: string) => result.failures.push(message);
  const finish = () => ({ ...result, ok: result.failures.length === 0, latencyMs: Math.round(performance.now() - started) });
  if (!region.url) {
    fail("no endpoint: the region is not deployed");
    return finish();
  }
  const base = region.url;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { probes } = options;
  const record = (method: string, path: string, status: number | null, ok: boolean) => result.probes.push({ method, path, status, ok });

  const health = await call(base, { method: "GET", path: probes.health }, timeoutMs);
  if ("error" in health) {
    record("GET", probes.health, null, false);
    fail(`GET ${probes.health}: ${health.error}`);
    return finish();
  }
  result.status = health.status;
  result.release = health.headers.get("x-fleet-release");
  const healthy = health.status >= 200 && health.status < 300;
  record("GET", probes.health, health.status, healthy);
  if (!healthy) fail(`GET ${probes.health} answered ${health.status}${reasonOf(health.text)}`);
  const answeredFrom = health.headers.get("x-fleet-region");
  if (answeredFrom === null) fail(`GET ${probes.health} carries no x-fleet-region header: the endpoint does not run fleet's Lambda adapter`);
  else if (answeredFrom !== region.region) fail(`GET ${probes.health} was answered from region ${answeredFrom}, expected ${region.region}`);
  const expected: readonly string[] = options.expect === undefined ? [] : typeof options.expect === "string" ? [options.expect] : options.expect;
  if (expected.length > 0 && !expected.includes(result.release ?? "")) fail(`GET ${probes.health} answered with release ${result.release ?? "(none)"}, expected ${expected.join(" or ")}`);

  if (probes.openapi) {
    const openapi = await call(base, { method: "GET", path: probes.openapi }, timeoutMs);
    if ("error" in openapi) {
      record("GET", probes.openapi, null, false);
      fail(`GET ${probes.openapi}: ${openapi.error}`);
    } else {
      const version = (parseJson(openapi.text) as { openapi?: unknown } | undefined)?.openapi;
      const ok = openapi.status === 200 && typeof version === "string" && version.startsWith("3.");
      record("GET", probes.openapi, openapi.status, ok);
      if (!ok) fail(`GET ${probes.openapi} answered ${openapi.status} without an OpenAPI 3 document`);
    }
  }

  for (const probe of probes.smoke) {
    const answer = await call(base, probe, timeoutMs);
    if ("error" in answer) {
      record(probe.method, probe.path, null, false);
      fail(`${probe.method} ${probe.path}: ${answer.error}`);
      continue;
    }
    const ok = answer.status === probe.status;
    record(probe.method, probe.path, answer.status, ok);
    if (!ok) fail(`${probe.method} ${probe.path} answered ${answer.status}, expected ${probe.status}${reasonOf(answer.text)}`);
  }
  return finish();
}

/** Smokes every region in parallel, in the regions' order. */
export function smokeRegions(regions: LiveRegion[], options: (region: LiveRegion) => SmokeOptions | Promise<SmokeOptions>): Promise<SmokeResult[]> {
  return Promise.all(regions.map(async (region) => smokeRegion(region, await options(region))));
}

type CallResult = { status: number; headers: Headers; text: string } | { error: string };

async function call(base: string, probe: Pick<SmokeCall, "method" | "path" | "body" | "headers">, timeoutMs: number): Promise<CallResult> {
  // Under the regional base URL, which carries the REST stage prefix (`…/dev/`).
  const url = new URL(regionUrl(base, probe.path));
  const headers: Record<string, string> = { accept: "application/json", ...probe.headers };
  let body: string | undefined;
  if (probe.body !== undefined) {
    body = JSON.stringify(probe.body);
    if (!Object.keys(headers).some((name) => name.toLowerCase() === "content-type")) headers["content-type"] = "application/json";
  }
  try {
    const response = await fetch(url, { method: probe.method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    if ((error as Error).name === "TimeoutError") return { error: `no answer within ${timeoutMs} ms (timed out)` };
    return { error: `unreachable (${cause ?? (error as Error).message}) at ${url.origin}` };
  }
}

/** ` (<detail>)` of a problem+json body, so a failure says why the region answered as it did. */
function reasonOf(text: string): string {
  const problem = parseJson(text) as { title?: unknown; detail?: unknown } | undefined;
  const why = typeof problem?.detail === "string" ? problem.detail : typeof problem?.title === "string" ? problem.title : undefined;
  return why ? ` (${why})` : "";
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
