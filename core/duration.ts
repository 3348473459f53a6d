/**
 * Durations as a stage file writes them: a whole number and a unit, `30s`, `5m`, `1h` (`ms` for the sub-second
 * bakes of tests). One definition for the schema that reads them and every command that prints them.
 */

const units = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const durationPattern = /^(\d{1,7})(ms|s|m|h)$/;

/** `"5m"` → 300000; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = durationPattern.exec(text.trim());
  return match ? Number(match[1]) * units[match[2] as keyof typeof units] : undefined;
}

/** 300000 → `"5m"`, 90000 → `"1m30s"`, 250 → `"250ms"`: the largest units that say it exactly. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of [["h", units.h], ["m", units.m], ["s", units.s], ["ms", units.ms]] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return parts.join("");
}
