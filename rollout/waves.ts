import { formatDuration } from "../core/duration";
import type { StageConfig, WaveSize } from "../core/stage-schema";

/**
 * The plan of a rollout, from the stage's `fleet:rollout`: which regions each wave changes, in which groups, the
 * canary steps each region goes through and the bakes in between. The one definition: what `--dry-run` prints and
 * what a rollout runs both come from {@link planRollout}.
 */

/** One wave of the plan. */
export interface PlannedWave<T> {
  /** The wave as the stage file writes it: `1`, `50%`. */
  size: string;
  /** How many of the stage's account × regions (in stage order) it reaches, counting the waves before it. */
  reach: number;
  /** The regions it changes (those already on the release are left out); empty when it has nothing to change. */
  regions: T[];
  /** `regions` in groups of at most `maxConcurrent`, changed one group after the other. */
  groups: T[][];
}

export interface RolloutPlan<T> {
  waves: PlannedWave<T>[];
  /** Per region, the percent of traffic on the new release at each canary step, before it takes all. */
  canary: number[];
  /** How long each bake lasts (after each canary step of each group, and after each wave), in ms; 0: no bake. */
  bakeMs: number;
  /** Regions changed at once within a wave; undefined: the whole wave. */
  maxConcurrent: number | undefined;
  /**
   * The time the bakes take in all (canary steps only for groups with a region that `splits`): a lower bound of
   * the rollout's duration (deploys and smoke come on top).
   */
  bakeTotalMs: number;
}

export interface PlanOptions<T = unknown> {
  /** Skip canary steps and bakes (`fleet rollback --fast`: back to a release known to work); the waves stay. */
  fast?: boolean;
  /** Each bake's length in ms instead of the stage's (`--bake`). */
  bakeMs?: number;
  /**
   * Whether a region goes through the canary steps: only one that serves a release has one to split its traffic
   * with (a first deploy takes all at once). @default every region
   */
  splits?: (region: T) => boolean;
}

/**
 * Splits `regions` (every account × region of the stage, in stage order) into the stage's waves: wave i reaches the
 * first `reach_i` regions, where a count is that many regions and a percentage that share of the stage rounded up
 * (never less than the wave before). Of those, the regions for which `changes` is true are the wave's.
 */
export function planRollout<T>(rollout: StageConfig["rollout"], regions: readonly T[], changes: (region: T) => boolean, options: PlanOptions<T> = {}): RolloutPlan<T> {
  const canary = options.fast ? [] : rollout.canary;
  const bakeMs = options.fast ? 0 : (options.bakeMs ?? rollout.bake);
  let reached = 0;
  const waves = rollout.waves.map((size): PlannedWave<T> => {
    const reach = Math.max(reached, Math.min(regions.length, reachOf(size, regions.length)));
    const changed = regions.slice(reached, reach).filter(changes);
    reached = reach;
    return { size: formatWaveSize(size), reach, regions: changed, groups: chunks(changed, rollout.maxConcurrent ?? Math.max(1, changed.length)) };
  });
  const splits = options.splits ?? (() => true);
  const steps = (group: T[]) => (group.some(splits) ? canary.length : 0);
  const bakes = waves.filter((wave) => wave.regions.length > 0).reduce((sum, wave) => sum + wave.groups.reduce((n, group) => n + steps(group), 0) + 1, 0);
  return { waves, canary, bakeMs, maxConcurrent: rollout.maxConcurrent, bakeTotalMs: bakes * bakeMs };
}

/** `{ count: 1 }` → `1`, `{ percent: 50 }` → `50%`. */
export function formatWaveSize(size: WaveSize): string {
  return "count" in size ? String(size.count) : `${size.percent}%`;
}

function reachOf(size: WaveSize, total: number): number {
  return "count" in size ? size.count : Math.ceil((size.percent * total) / 100);
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A plan as `--dry-run` prints it and `--json` gives it: regions by key, durations also as the stage file writes them. */
export interface PlanSummary {
  waves: { size: string; reach: number; regions: string[]; groups: string[][] }[];
  canary: number[];
  bakeMs: number;
  bake: string;
  maxConcurrent: number | null;
  /** How many bakes the rollout waits through. */
  bakes: number;
  /** The time the bakes take in all (deploys and smoke come on top): the expected duration's lower bound. */
  expectedMs: number;
  expected: string;
}

/** The summary of a plan of regions that have a key. */
export function summarizePlan(plan: RolloutPlan<{ key: string }>): PlanSummary {
  const keys = (regions: { key: string }[]) => regions.map((r) => r.key);
  return {
    waves: plan.waves.map((wave) => ({ size: wave.size, reach: wave.reach, regions: keys(wave.regions), groups: wave.groups.map(keys) })),
    canary: plan.canary,
    bakeMs: plan.bakeMs,
    bake: formatDuration(plan.bakeMs),
    maxConcurrent: plan.maxConcurrent ?? null,
    bakes: plan.bakeMs > 0 ? plan.bakeTotalMs / plan.bakeMs : 0,
    expectedMs: plan.bakeTotalMs,
    expected: formatDuration(plan.bakeTotalMs),
  };
}

/** The plan's lines for a terminal: each wave with its regions, then the steps per region and the time the bakes take. */
export function formatPlanSummary(summary: PlanSummary, indent = "  "): string[] {
  const lines = [`${indent}waves:`];
  summary.waves.forEach((wave, i) => {
    const groups = wave.groups.length > 1 ? ` (${wave.groups.length} groups of at most ${summary.maxConcurrent})` : "";
    lines.push(`${indent}  ${i + 1}. ${wave.size.padEnd(4)} ${wave.regions.join(", ") || "(nothing to change)"}${groups}`);
  });
  const steps = summary.canary.length > 0 ? `${summary.canary.map((c) => `${c}%`).join(", ")}, then 100%` : "100% at once";
  lines.push(`${indent}per region: ${steps}${summary.bakeMs > 0 ? `, a bake of ${summary.bake} after each step and after each wave (probes as synthetic traffic, alarms watched)` : ", no bake (smoke only)"}`);
  lines.push(`${indent}expected duration: ${summary.bakes > 0 ? `at least ${summary.expected} (${summary.bakes} bakes of ${summary.bake}), plus each wave's deploys and smoke` : "each wave's deploys and smoke (no bake)"}`);
  return lines;
}
