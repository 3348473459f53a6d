import type { AlarmEvaluation } from "../core/alarms";
import type { Digest } from "../core/digest";
import type { InvokeAnswer } from "../core/invoke-answer";
import type { RegionRef, Stage } from "../core/stage";

/** One account × region as it is now: where it answers and which release it serves. */
export interface LiveRegion extends RegionRef {
  /** Regional base URL as a client uses it (REST: with the `/<stage>` prefix); undefined when not deployed. */
  url: string | undefined;
  /**
   * The release it serves (during a canary step, the stable one that keeps the rest of the traffic); undefined
   * when none is deployed or it runs a build from source.
   */
  release: Digest | undefined;
  /** During a canary step: the release that takes `weight` percent of its requests (0: none, on the way back). */
  canary?: { release: Digest; weight: number };
}

/** One region's canary step: it keeps serving `stable` and sends `weight` percent (0..99) of requests to `canary`. */
export interface CanaryStep {
  stable: Digest;
  canary: Digest;
  weight: number;
}

/** A region's alarms as they stand, or why they could not be read (a region fleet cannot watch fails its bake). */
export type RegionAlarms = { readable: true; alarms: AlarmEvaluation[] } | { readable: false; error: string };

/** Progress lines for stderr: one per account/region step. */
export type Progress = (line: string) => void;

/**
 * Where a stack runs: the local cloud (`--local`) or real AWS through Pulumi. Everything else (smoke gates, waves,
 * revert, ledger, OpenAPI diff) is written once against this interface.
 */
export interface Target {
  readonly kind: "local" | "pulumi";
  readonly stage: Stage;
  /** Every account × region of the stack, in stage order, with what it serves now. */
  live(): Promise<LiveRegion[]>;
  /**
   * Puts each listed region on its digest (`null`: take the region's release away, only for a first deploy that
   * failed); regions not listed keep theirs. Resolves once the change is live. Aborting `signal` cancels what can
   * be cancelled cleanly (Pulumi: the `pulumi up` in flight), which then rejects.
   */
  apply(releases: Record<string, Digest | null>, progress: Progress, signal?: AbortSignal): Promise<void>;
  /**
   * Puts each listed region on its canary step: `stable` keeps serving, the `canary` release takes `weight` percent
   * of requests (a region already on `stable` with that canary only changes its weight). `apply` ends a canary step:
   * the region then serves the one release it is given. Resolves once the step is live.
   */
  shift(steps: Record<string, CanaryStep>, progress: Progress, signal?: AbortSignal): Promise<void>;
  /** The alarms of each listed region, as they stand now. */
  alarms(keys: string[]): Promise<Record<string, RegionAlarms>>;
  /** Shows what `apply` would change without changing it (Pulumi: `pulumi preview`); absent where there is nothing more to show than the plan. */
  preview?(releases: Record<string, Digest | null>, progress: Progress, signal?: AbortSignal): Promise<void>;
  /**
   * Checks, before a rollout's first change, the limits the cloud enforces that the stage file cannot show
   * offline (Lambda's unreserved concurrency per region). Throws a FleetError naming each region that would fail,
   * the numbers and the fix; absent where the target has no such limits.
   */
  preflight?(progress: Progress): Promise<void>;
  /**
   * After a completed rollout: deletes the published function versions each region no longer needs, keeping those
   * of the releases in `keep` (`"<account>/<region>"` → digests) and any a live alias, canary or provisioned
   * concurrency points at. Absent where nothing piles up.
   */
  prune?(keep: Record<string, Digest[]>, progress: Progress): Promise<void>;
  /**
   * Hands `payload` (an event, as JSON text) to the function of each listed region at once, as Lambda's Invoke on
   * the `live` alias does, and gives each region's answer; a region that could not be invoked says why in its own.
   */
  invoke?(refs: RegionRef[], payload: string): Promise<InvokeAnswer[]>;
  /** Releases whatever the target holds open (servers, watchers). */
  close(): Promise<void>;
}
