/**
 * The waves of a rollout: the first region alone (the canary), then all the others together. The one definition:
 * the plan `promote --dry-run` shows and the waves a rollout runs both come from here.
 */
export function planWaves<T>(regions: T[]): T[][] {
  return regions.length <= 1 ? [regions] : [regions.slice(0, 1), regions.slice(1)];
}
