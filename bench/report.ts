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

const coldLabels: Record<string, string> = {
  node: "node -e 0",
  raw: "raw handler",
  bareKoa: "bare Koa + @koa/router + serverless-http",
  hono: "Hono + hono/aws-lambda",
  fastify: "Fastify + @fastify/aws-lambda",
  plainKoa: "plain-Koa fixture app in fleet's bundle",
  app: "fleet app (built bundle)",
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
    for (const kind of ["v1", "v2"] as const) {
      const byKind = report.invocationByEvent[kind];
      const app = byKind.app!;
      lines.push(
        `  target (${kind}): app ≤ 1.6× bare Koa -> ${round(app / byKind.bareKoa!, 2)}× ${verdict(app <= 1.6 * byKind.bareKoa!)};` +
          ` faster than Hono and Fastify -> ${verdict(app < byKind.hono! && app < byKind.fastify!)}`,
      );
    }
    lines.push("");
  }
  if (report.cold) {
    const c = report.cold;
    lines.push("Cold start, whole process: spawn, load the handler file, answer one event, exit (median ms)");
    lines.push(`  node -e 0 ${fmt(c.nodeWallMs, 8)}   raw handler ${fmt(c.rawWallMs, 8)}   fleet bundle ${fmt(c.appWallMs, 8)}`);
    lines.push(`  target: bundle ≤ 200 KB -> ${c.bundleBytes} bytes ${verdict(c.bundleBytes <= 200 * 1024)}; plain-Koa fixture app ${c.plainKoaBundleBytes} bytes`);
    lines.push(`  app / raw: ${round(c.ratio, 2)}×`);
    if (report.bundleParts) {
      lines.push(`  largest parts: ${report.bundleParts.map((part) => `${part.name.replace("node_modules/", "")} ${Math.round(part.bytes / 1024)} KB`).join(", ")}`);
    }
    lines.push("");
  }
  if (report.coldIr) {
    const ir = report.coldIr;
    lines.push("Cold start in instructions (callgrind, millions, median of 3), and as a multiple of the raw handler");
    for (const [name, label] of Object.entries(coldLabels)) {
      lines.push(`  ${label.padEnd(46)} ${fmt(ir[name as keyof typeof ir], 8)} ${fmt(ir[name as keyof typeof ir] / ir.raw, 6, 2)}×`);
    }
    lines.push(
      `  target: app ≤ bare Koa and below Hono -> ${verdict(ir.app <= ir.bareKoa && ir.app < ir.hono)}`,
      "",
    );
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  if (report.emulator) {
    const e = report.emulator;
    lines.push(`Local emulator vs app.listen, autocannon ${e.requests} requests per run (median req/s)`);
    lines.push(`  app.listen ${fmt(e.appListenRps, 8, 0)}   emulator ${fmt(e.emulatorRps, 8, 0)}   errors ${e.errors}`);
    lines.push(`  CPU µs per request: app.listen ${fmt(e.appListenCpuUsPerRequest, 8)}   emulator ${fmt(e.emulatorCpuUsPerRequest, 8)}`);
    lines.push(`  target: emulator CPU per request ≤ 1.5× app.listen's, 0 errors -> ${round(e.cpuRatio, 2)}× ${verdict(e.cpuRatio <= 1.5 && e.errors === 0)}`, "");
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
