import type { BenchReport } from "./main";
import { round } from "./stats";

const peerLabels: Record<string, string> = {
  raw: "raw handler (no framework)",
  bareKoa: "bare Koa + @koa/router + serverless-http",
  app: "fleet app (every middleware, built bundle)",
  hono: "Hono + hono/aws-lambda",
  fastify: "Fastify + @fastify/aws-lambda",
  express: "Express 5 + @codegenie/serverless-express",
};

/** The human-readable report `npm run bench` prints without --json, with each figure next to its target. */
export function formatTable(report: BenchReport): string {
  const lines: string[] = [];
  const m = report.machine;
  lines.push(`machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node}, ${m.platform}`, "");

  if (report.invocation && report.invocationByEvent) {
    const inv = report.invocation;
    lines.push("Warm invocation, µs per request (median of round medians)");
    lines.push(`  ${"implementation".padEnd(46)} ${"REST v1".padStart(8)} ${"HTTP v2".padStart(8)} ${"both".padStart(8)}`);
    for (const [name, label] of Object.entries(peerLabels)) {
      const v1 = report.invocationByEvent.v1[name];
      const v2 = report.invocationByEvent.v2[name];
      lines.push(`  ${label.padEnd(46)} ${fmt(v1, 8)} ${fmt(v2, 8)} ${fmt(inv[name], 8)}`);
    }
    const app = inv.app!;
    const peers = ["hono", "fastify", "express"].map((name) => inv[name]!);
    lines.push(
      `  target: app ≤ 1.5× bare Koa -> ${round(app / inv.bareKoa!, 2)}× ${verdict(app <= 1.5 * inv.bareKoa!)};` +
        ` faster than every peer -> ${verdict(peers.every((peer) => app < peer))}`,
      "",
    );
  }
  if (report.cold) {
    const c = report.cold;
    lines.push("Cold start, whole process: spawn, load the handler file, answer one event, exit (median ms)");
    lines.push(`  node -e 0 ${fmt(c.nodeWallMs, 8)}   raw handler ${fmt(c.rawWallMs, 8)}   fleet bundle ${fmt(c.appWallMs, 8)}`);
    lines.push(`  target: bundle ≤ 200 KB -> ${c.bundleBytes} bytes ${verdict(c.bundleBytes <= 200 * 1024)}`);
    lines.push(`  target: cold ≤ 1.3× raw -> ${round(c.ratio, 2)}× ${verdict(c.ratio <= 1.3)}`);
    if (report.bundleParts) {
      lines.push(`  largest parts: ${report.bundleParts.map((part) => `${part.name.replace("node_modules/", "")} ${Math.round(part.bytes / 1024)} KB`).join(", ")}`);
    }
    lines.push("");
  }
  if (report.emulator) {
    const e = report.emulator;
    lines.push(`Local emulator vs app.listen, autocannon ${e.requests} requests per run (median req/s)`);
    lines.push(`  app.listen ${fmt(e.appListenRps, 8, 0)}   emulator ${fmt(e.emulatorRps, 8, 0)}   errors ${e.errors}`);
    lines.push(`  target: ≥ 0.8× app.listen, 0 errors -> ${round(e.ratio, 2)}× ${verdict(e.ratio >= 0.8 && e.errors === 0)}`, "");
  }
  if (report.plan) {
    const p = report.plan;
    lines.push("fleet plan (offline, Pulumi mocks), median ms");
    lines.push(`  1 target ${fmt(p.oneTargetMs, 8, 0)}   ${p.targets} targets ${fmt(p.manyTargetsMs, 8, 0)}`, "");
  }
  return `${lines.join("\n")}\n`;
}

function fmt(value: number | undefined, width: number, digits = 1): string {
  return (value === undefined ? "-" : round(value, digits).toFixed(digits)).padStart(width);
}

function verdict(met: boolean): string {
  return met ? "met" : "NOT met";
}
