import { regionUrl } from "../core/region-url";
import type { LiveRegion } from "./target";

/** One request, sent as is to every region (`fleet call`). */
export interface RegionRequest {
  /** An HTTP method fetch can send (not TRACE or CONNECT). */
  method: string;
  /** Starts with `/`; relative to each region's base URL, query string included. */
  path: string;
  /** In order; a name given twice is sent twice (fetch combines them). */
  headers: [name: string, value: string][];
  /** Sent as given; none for GET and HEAD, which fetch cannot send a body with. */
  body?: string;
  /** The whole exchange, body included. @default 10 s */
  timeoutMs?: number;
}

/** How one region answered (or why it did not): a row of `fleet call`'s table, an element of its `--json`. */
export interface RegionAnswer {
  key: string;
  account: string;
  region: string;
  /** The URL called; null when the region has no endpoint. */
  url: string | null;
  /** Any HTTP status counts as an answer; null when there was none. */
  status: number | null;
  /** From sending the request to the end of the body. */
  latencyMs: number;
  /** The `x-fleet-release` header fleet's Lambda adapter stamps on every answer; null when absent. */
  release: string | null;
  /** Response headers by lower-case name, as fetch's `Headers.get` gives them (repeated ones joined with ", "). */
  headers: Record<string, string>;
  /** The whole body: its text, or base64 when it is not UTF-8 text (see `bodyEncoding`); null when there was no answer. */
  body: string | null;
  /** How `body` is written: `utf8` text, or `base64` for bytes that are not UTF-8 text (an image); null with no answer. */
  bodyEncoding: "utf8" | "base64" | null;
  /** Why there was no answer, with what to do; null when the region answered. */
  error: string | null;
}

/** Sends `request` to one region; never rejects: a region that does not answer says why in `error`. */
export async function callRegion(region: LiveRegion, request: RegionRequest): Promise<RegionAnswer> {
  const answer: RegionAnswer = { key: region.key, account: region.account, region: region.region, url: null, status: null, latencyMs: 0, release: null, headers: {}, body: null, bodyEncoding: null, error: null };
  if (!region.url) {
    return { ...answer, error: "no endpoint: the stack records no URL for this region (not deployed yet). Fix: deploy the stack ('pulumi up' or 'fleet deploy')" };
  }
  const url = regionUrl(region.url, request.path);
  const timeoutMs = request.timeoutMs ?? 10_000;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      // A redirect is the region's answer: following it would time another endpoint and show its release.
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const latencyMs = elapsed();
    const headers: Record<string, string> = {};
    for (const name of new Set(response.headers.keys())) headers[name] = response.headers.get(name)!;
    return { ...answer, url, status: response.status, latencyMs, release: response.headers.get("x-fleet-release"), headers, ...bodyOf(bytes) };
  } catch (error) {
    const name = (error as Error).name;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why =
      name === "TimeoutError"
        ? `no answer within ${timeoutMs} ms (timed out). Fix: check the region's function logs, or raise --timeout`
        : `unreachable (${cause?.code ?? cause?.message ?? (error as Error).message}) at ${new URL(url).origin}. Fix: check that the region's endpoint is up ('fleet status' shows its URL)`;
    return { ...answer, url, latencyMs: elapsed(), error: why };
  }
}

/** Sends `request` to every region at once; answers in the regions' order, `onAnswer` as each arrives. */
export function callRegions(regions: LiveRegion[], request: RegionRequest, onAnswer: (answer: RegionAnswer) => void = () => undefined): Promise<RegionAnswer[]> {
  return Promise.all(
    regions.map(async (region) => {
      const answer = await callRegion(region, request);
      onAnswer(answer);
      return answer;
    }),
  );
}

/** Text when the bytes are UTF-8 (whatever the content type claims), else base64: `--json` never carries mangled bytes. */
function bodyOf(bytes: Uint8Array): Pick<RegionAnswer, "body" | "bodyEncoding"> {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    // NUL never occurs in text a client reads as such; it marks binary data that happens to decode.
    if (!text.includes("\u0000")) return { body: text, bodyEncoding: "utf8" };
  } catch {
    // Not UTF-8: binary below.
  }
  return { body: Buffer.from(bytes).toString("base64"), bodyEncoding: "base64" };
}
