import type { Digest } from "../core/digest";
import type { LiveRegion } from "../targets/target";

/** One region's smoke result: what `fleet smoke` prints as a table row. */
export interface SmokeResult {
  key: string;
  account: string;
  region: string;
  url: string | undefined;
  ok: boolean;
  /** HTTP status of /health, or null when it did not answer. */
  status: number | null;
  /** Milliseconds for the whole check. */
  latencyMs: number;
  /** The release /health reported. */
  release: string | null;
  /** What failed, one line each; empty when ok. */
  failures: string[];
}

export interface SmokeOptions {
  /** The digest the region must report; undefined checks only that it reports one. */
  expect?: Digest;
  /** Per request. @default 10 s */
  timeoutMs?: number;
}

/**
 * Checks one regional endpoint the way a client sees it: `/health` (200, status ok, its own region, the expected
 * release), `/openapi.json` (an OpenAPI 3.1 document) and one contract call (`GET /v1/greetings/fleet`).
 */
export async function smokeRegion(region: LiveRegion, options: SmokeOptions = {}): Promise<SmokeResult> {
  const started = performance.now();
  const result: SmokeResult = { key: region.key, account: region.account, region: region.region, url: region.url, ok: false, status: null, latencyMs: 0, release: null, failures: [] };
  const fail = (message: string) => result.failures.push(message);
  const finish = () => ({ ...result, ok: result.failures.length === 0, latencyMs: Math.round(performance.now() - started) });
  if (!region.url) {
    fail("no endpoint: the region is not deployed");
    return finish();
  }
  const timeoutMs = options.timeoutMs ?? 10_000;

  const health = await call(region.url, "health", timeoutMs);
  if ("error" in health) {
    fail(`/health: ${health.error}`);
    return finish();
  }
  result.status = health.status;
  const body = health.json as { status?: unknown; region?: unknown; release?: unknown } | undefined;
  result.release = typeof body?.release === "string" ? body.release : null;
  // A problem+json body says why (e.g. the local cloud cannot read the release): show it with the status.
  const problem = health.json as { title?: unknown; detail?: unknown } | undefined;
  const why = typeof problem?.detail === "string" ? problem.detail : typeof problem?.title === "string" ? problem.title : undefined;
  if (health.status !== 200) fail(`/health answered ${health.status}${why ? ` (${why})` : ""}`);
  else if (body?.status !== "ok") fail(`/health status is ${JSON.stringify(body?.status)}, not "ok"`);
  if (health.status === 200 && body?.region !== region.region) fail(`/health reports region ${JSON.stringify(body?.region)}, expected ${region.region}`);
  if (health.status === 200 && options.expect && result.release !== options.expect) fail(`/health reports release ${result.release}, expected ${options.expect}`);

  const openapi = await call(region.url, "openapi.json", timeoutMs);
  if ("error" in openapi) fail(`/openapi.json: ${openapi.error}`);
  else if (openapi.status !== 200 || !String((openapi.json as { openapi?: unknown } | undefined)?.openapi ?? "").startsWith("3.1")) {
    fail(`/openapi.json answered ${openapi.status} without an OpenAPI 3.1 document`);
  }

  const contract = await call(region.url, "v1/greetings/fleet", timeoutMs);
  if ("error" in contract) fail(`/v1/greetings/fleet: ${contract.error}`);
  else if (contract.status !== 200 || typeof (contract.json as { greeting?: unknown } | undefined)?.greeting !== "string") {
    fail(`/v1/greetings/fleet answered ${contract.status} without a greeting`);
  }
  return finish();
}

/** Smokes every region in parallel, in the regions' order. */
export function smokeRegions(regions: LiveRegion[], options: (region: LiveRegion) => SmokeOptions): Promise<SmokeResult[]> {
  return Promise.all(regions.map((region) => smokeRegion(region, options(region))));
}

type CallResult = { status: number; json: unknown } | { error: string };

async function call(base: string, path: string, timeoutMs: number): Promise<CallResult> {
  const url = new URL(path, base.endsWith("/") ? base : `${base}/`);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: "application/json" } });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    if ((error as Error).name === "TimeoutError") return { error: `no answer within ${timeoutMs} ms (timed out)` };
    return { error: `unreachable (${cause ?? (error as Error).message}) at ${url.origin}` };
  }
}
