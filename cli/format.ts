import type { OutcomeRecord } from "../artifacts/ledger";
import { describeLock, type StoredLock } from "../artifacts/lock";
import { fleetCommand } from "../core/fleet-command";
import type { ListedRelease } from "../artifacts/store/store";
import type { PromotionPlan } from "../rollout/plans";
import { formatPlanSummary, type PlanSummary } from "../rollout/waves";
import type { RolloutReport } from "../rollout/rollout";
import type { SmokeResult } from "../rollout/smoke";
import type { InterruptedRegion } from "../rollout/unfinished";
import type { RegionAnswer } from "../targets/call-regions";
import type { LiveRegion } from "../targets/target";

/** Left-aligned columns, two spaces apart: the tables every command prints. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/** The store's releases, a row each; when one is in a bad state, a PROBLEMS column says what is wrong and the fix. */
export function formatReleases(releases: ListedRelease[]): string {
  if (releases.length === 0) return "no releases in the store: run 'fleet release'\n";
  const withProblems = releases.some((release) => release.problems.length > 0);
  return table(
    ["DIGEST", "CREATED", "SIZE", "COMMIT", ...(withProblems ? ["PROBLEMS"] : [])],
    releases.map(({ digest, manifest: m, problems }) => [
      digest,
      m?.created ?? "-",
      m ? `${m.size}` : "-",
      !m ? "-" : m.git.commit ? `${m.git.commit.slice(0, 12)}${m.git.dirty ? " (dirty)" : ""}` : "(no git)",
      ...(withProblems ? [problems.join("; ")] : []),
    ]),
  );
}

export function formatSmoke(stack: string, results: SmokeResult[]): string {
  const rows = results.map((r) => [r.account, r.region, r.ok ? "ok" : "FAIL", r.status === null ? "-" : `${r.status}`, `${r.latencyMs} ms`, r.release ?? "-", r.failures.join("; ")]);
  return `smoke ${stack}\n${table(["ACCOUNT", "REGION", "RESULT", "HTTP", "LATENCY", "RELEASE", "PROBLEMS"], rows)}`;
}

/** `fleet call`'s table: one row per account × region, the body cut to one line. */
export function formatCall(stack: string, request: { method: string; path: string }, answers: RegionAnswer[]): string {
  const rows = answers.map((a) => [
    a.account,
    a.region,
    a.status === null ? "-" : `${a.status}`,
    `${a.latencyMs} ms`,
    a.release ? short(a.release) : "-",
    a.error !== null ? `NO ANSWER: ${a.error}` : a.bodyEncoding === "base64" ? binary(a) : bodyStart(a.body ?? ""),
  ]);
  return `call ${stack}: ${request.method} ${request.path}\n${table(["ACCOUNT", "REGION", "HTTP", "LATENCY", "RELEASE", "BODY"], rows)}`;
}

function binary(a: RegionAnswer): string {
  const type = a.headers["content-type"];
  return `(${Buffer.byteLength(a.body ?? "", "base64")} bytes${type ? ` of ${type}` : ""}, not text: --json has them in base64)`;
}

/** The start of a body on one line: whitespace runs and control characters become one space, then cut. */
export function bodyStart(body: string, width = 60): string {
  const line = body.replace(/[\s\u0000-\u001f\u007f]+/g, " ").trim();
  if (line === "") return "(empty)";
  // By code point, so a cut never splits a character in two.
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, width - 1).join("")}…`;
}

export function formatRollout(report: RolloutReport): string {
  const rows = report.regions.map((o) => [
    o.account,
    o.region,
    o.recovers && o.result !== "untouched" ? `${o.result} (redone)` : o.result,
    short(o.from),
    short(o.to),
    o.live ? short(o.live) : o.result === "failed" ? "unknown" : "(none)",
    o.reason ?? "",
  ]);
  const verdict = report.ok ? "done" : report.interrupted ? "INTERRUPTED: changed regions were put back" : "FAILED: changed regions were put back";
  const caught = (report.caught ?? []).map((c) => `caught by the bake in ${c.key} at ${c.where}: ${c.reason}\n`).join("");
  return `${report.action} ${report.stack}: ${verdict}\n${caught}${table(["ACCOUNT", "REGION", "RESULT", "FROM", "TO", "LIVE", "WHY"], rows)}${nextSteps(report)}`;
}

/** What to do after a rollout that did not finish: every failure says how to go on. */
function nextSteps(report: RolloutReport): string {
  if (report.ok) return "";
  const context = { local: report.target === "local", stack: report.stack };
  const stuck = report.regions.filter((r) => r.result === "failed");
  if (stuck.length > 0) {
    return (
      `${stuck.map((r) => r.key).join(", ")} could not be put back (see WHY): check with '${fleetCommand("smoke", context)}', ` +
      `then '${fleetCommand("rollback", context, "--to <digest> --yes")}' to put them on a known release\n`
    );
  }
  if (report.interrupted) return `every region is on the release in LIVE; run the ${report.action} again to finish it (rollout ${report.rollout})\n`;
  return `every region is on the release in LIVE; fix what WHY says (the release, or the region), then run the ${report.action} again\n`;
}

export function formatPlan(plan: PromotionPlan): string {
  const lines = [`promote ${plan.digest}`, `  from ${plan.from}: every region serves it and passed smoke`, `  to ${plan.to}:`];
  const width = Math.max(0, ...plan.current.map((r) => r.key.length));
  for (const r of plan.current) {
    const left = plan.unfinished.find((u) => u.key === r.key);
    if (left) lines.push(`    ${r.key.padEnd(width)}  ${left.from ?? "(no release)"} or ${left.to} (unfinished rollout ${left.rollout}) -> ${plan.digest}, redone`);
    else lines.push(`    ${r.key.padEnd(width)}  ${r.release ?? "(no release)"} -> ${r.release === plan.digest ? "(already there)" : plan.digest}`);
  }
  lines.push(...formatPlanSummary(plan.rollout));
  lines.push("  API changes:");
  const all = plan.api.flatMap((a) => [...(a.note ? [`(${a.note})`] : []), ...a.changes.map((c) => `${c.breaking ? "BREAKING " : ""}${c.message}`)]);
  lines.push(...(all.length ? all.map((l) => `    ${l}`) : ["    none"]));
  return `${lines.join("\n")}\n`;
}

/**
 * What `fleet rollback` is about to do: each region's release now and the one it goes back to; a region an
 * unfinished rollout left may be on either of its digests.
 */
export function formatRollbackPlan(stack: string, regions: { key: string; from: string | null; to: string; unfinished?: InterruptedRegion }[], rollout: PlanSummary): string {
  const now = (r: (typeof regions)[number]) => (r.unfinished ? `${r.unfinished.from ?? "(none)"} or ${r.unfinished.to} (unfinished rollout ${r.unfinished.rollout}${r.unfinished.weight !== undefined ? `, at ${r.unfinished.weight}% to ${r.unfinished.to}` : ""})` : (r.from ?? "(none)"));
  const rows = table(["REGION", "FROM", "TO"], regions.map((r) => [r.key, now(r), r.from === r.to && !r.unfinished ? `${r.to} (already there)` : r.to]));
  return `rollback ${stack}\n${rows}${formatPlanSummary(rollout, "").join("\n")}\n`;
}

/** What `fleet deploy --dry-run` shows: each region's release now and the one it gets, then the plan. */
export function formatDeployPlan(stack: string, digest: string, live: LiveRegion[], rollout: PlanSummary): string {
  const rows = table(["REGION", "FROM", "TO"], live.map((r) => [r.key, r.release ?? "(none)", r.release === digest ? `${digest} (already there)` : digest]));
  return `deploy ${digest} to ${stack}\n${rows}${formatPlanSummary(rollout, "").join("\n")}\n`;
}

export function formatLive(stack: string, live: LiveRegion[]): string {
  return `${stack}\n${table(["ACCOUNT", "REGION", "RELEASE", "URL"], live.map((r) => [r.account, r.region, r.release ?? "(none)", r.url ?? "-"]))}`;
}

export function formatLedger(records: OutcomeRecord[]): string {
  if (records.length === 0) return "no history yet\n";
  return table(
    ["TIME", "ACTION", "STACK", "REGION", "FROM", "TO", "RESULT", "WHO"],
    records.map((r) => [r.time, r.action, r.stack, `${r.account}/${r.region}`, short(r.from), short(r.to), r.result, r.who]),
  );
}

/** The locks and the regions unfinished rollouts left in doubt, for `fleet status`; empty when there are none. */
export function formatUnfinished(locks: StoredLock[], interrupted: InterruptedRegion[]): string {
  const parts: string[] = [];
  if (locks.length > 0) {
    parts.push(`locks\n${table(["STACK", "HELD BY", "STATE"], locks.map((l) => [l.stack, describeLock(l), l.stale ? `stale: ${l.stale}` : "held"]))}`);
  }
  if (interrupted.length > 0) {
    parts.push(
      `unfinished rollouts (each region is on FROM or TO)\n${table(
        ["STACK", "REGION", "FROM", "TO", "ROLLOUT", "SINCE"],
        interrupted.map((r) => [r.stack, r.key, r.from ?? "(none)", r.weight !== undefined ? `${r.to} (canary at ${r.weight}%)` : r.to, r.rollout, r.since]),
      )}`,
    );
  }
  return parts.map((part) => `${part}\n`).join("");
}

/** `sha256:` and 12 hex digits: enough to tell releases apart in a table; --json has them whole. */
function short(digest: string | null): string {
  return digest ? digest.slice(0, 19) : "-";
}
