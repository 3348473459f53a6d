import type { Digest } from "../core/digest";
import { formatDuration } from "../core/duration";
import type { Probes } from "../core/fleet-config";
import type { LiveRegion, Progress, Target } from "../targets/target";
import { smokeRegion } from "./smoke";

/**
 * A bake: for its duration, fleet sends each changed region its probes at a steady rate (synthetic traffic,
 * counted and reported as such) and reads the region's alarms after every round; the first alarm in ALARM, failing
 * probe or unreadable alarm set (unless alarms are not watched) ends it as failed. One more round at the end, so
 * even a bake shorter than the interval probes and reads the alarms once.
 */

/** One region to bake: where it answers and what it may answer with. */
export interface BakeRegion {
  region: LiveRegion;
  /** The probes to send: during a canary step the stable release's (both releases must answer them). */
  probes: Probes;
  /** The releases an answer may come from: both during a canary step, the new one after its wave. */
  releases: Digest[];
}

export interface BakeOptions {
  target: Target;
  regions: BakeRegion[];
  durationMs: number;
  /** Between rounds of probes. @default 1 s */
  intervalMs?: number;
  /** Read the regions' alarms (false: `--no-alarms`, the probes alone). */
  watchAlarms: boolean;
  /** Where the rollout is, for progress lines: `wave 2/3, 10%`. */
  where: string;
  progress: Progress;
  /** Per probe request. */
  timeoutMs: number;
  /** Aborting ends the bake at once as interrupted. */
  signal?: AbortSignal;
}

/** How one region's bake went. */
export interface BakeResult {
  key: string;
  result: "passed" | "failed" | "interrupted";
  ms: number;
  /** Synthetic requests sent to the region. */
  probes: number;
  /** What failed: `alarm 5xx-rate in ALARM (…)`, `probe GET /x answered 500, expected 200`, `alarms unreadable: …`. */
  reason?: string;
  /** The alarm in ALARM, when one was. */
  alarm?: string;
}

/** Progress lines at most this often per region (plus the first and the last): a 5-minute bake says where it is. */
const progressEveryMs = 10_000;

/** Bakes every listed region at once and gives each one's result; all end as soon as one fails. */
export async function bake(options: BakeOptions): Promise<BakeResult[]> {
  const { target, regions, durationMs, signal } = options;
  const stack = target.stage.stack;
  const intervalMs = options.intervalMs ?? 1_000;
  const started = Date.now();
  const results = new Map(regions.map(({ region }) => [region.key, { key: region.key, result: "passed", ms: 0, probes: 0 } as BakeResult]));
  const alarmsNote = options.watchAlarms ? "watching alarms" : "alarms NOT watched (--no-alarms)";
  for (const { region } of regions) options.progress(`${stack} ${region.key}: ${options.where}: baking ${formatDuration(durationMs)}, synthetic traffic (the probes every ${formatDuration(intervalMs)}), ${alarmsNote}`);
  let lastProgress = Date.now();
  for (;;) {
    const round = await Promise.all(regions.map((entry) => probeOnce(entry, options.timeoutMs)));
    round.forEach((r, i) => {
      const result = results.get(regions[i]!.region.key)!;
      result.probes += r.requests;
      if (r.failure) fail(result, `probe ${r.failure}`);
    });
    if (options.watchAlarms) {
      const keys = regions.map(({ region }) => region.key);
      const states = await target.alarms(keys);
      for (const key of keys) {
        const state = states[key];
        const result = results.get(key)!;
        if (!state || !state.readable) fail(result, `alarms unreadable: ${state ? state.error : "no answer for the region"}`);
        else {
          const firing = state.alarms.find((alarm) => alarm.state === "ALARM");
          if (firing) {
            fail(result, `alarm ${firing.name} in ALARM (${firing.reason})`);
            result.alarm ??= firing.name;
          }
        }
      }
    }
    const elapsed = Date.now() - started;
    for (const result of results.values()) result.ms = elapsed;
    const failed = [...results.values()].some((r) => r.result === "failed");
    const left = durationMs - elapsed;
    if (failed || left <= 0 || signal?.aborted) {
      if (signal?.aborted && !failed) for (const result of results.values()) result.result = "interrupted";
      break;
    }
    if (Date.now() - lastProgress >= progressEveryMs) {
      lastProgress = Date.now();
      for (const result of results.values()) options.progress(`${stack} ${result.key}: ${options.where}: baking, ${formatDuration(Math.ceil(left / 1000) * 1000)} left, ${result.probes} synthetic requests ok${options.watchAlarms ? ", alarms OK" : ""}`);
    }
    await sleep(Math.min(intervalMs, left), signal);
  }
  for (const result of results.values()) {
    const verdict = result.result === "passed" ? "bake passed" : result.result === "interrupted" ? "bake interrupted" : `bake FAILED: ${result.reason}`;
    options.progress(`${stack} ${result.key}: ${options.where}: ${verdict} (${formatDuration(Math.round(result.ms / 100) * 100)}, ${result.probes} synthetic requests)`);
  }
  return [...results.values()];
}

function fail(result: BakeResult, reason: string): void {
  result.result = "failed";
  result.reason = result.reason ? `${result.reason}; ${reason}` : reason;
}

/** One round of a region's probes: how many requests it sent and what failed, if anything. */
async function probeOnce({ region, probes, releases }: BakeRegion, timeoutMs: number): Promise<{ requests: number; failure?: string }> {
  const smoke = await smokeRegion(region, { probes, expect: releases, timeoutMs });
  return { requests: smoke.probes.length, ...(smoke.failures.length > 0 ? { failure: smoke.failures.join("; ") } : {}) };
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
