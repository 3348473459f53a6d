import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { createInterface } from "node:readline";
import { maxInvokeRequestBytes } from "../../emulator/limits";

const concurrency = 30;
/** The load: 30 concurrent 9.5 MB posts (under API Gateway's 10 MB, over Lambda's 6 MB invoke quota). */
const postBytes = 9.5 * 1024 * 1024;
/**
 * Memory that is not request bodies: sockets, stream buffers and the chunks read and dropped before the garbage
 * collector frees them (30-45 MiB measured with nothing buffered; before the fix the same load grew the process by
 * 370-700 MiB). The bounds below add to it what the emulator may hold per request.
 */
const slackBytes = 96 * 1024 * 1024;

/** The process's resident set now and its peak since the last reset (Linux /proc). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1]) * 1024;
  return { rss: kib("VmRSS"), peak: kib("VmHWM") };
}

/** Resets the peak resident set of `pid` to its current size (writing 5 to clear_refs, Linux ≥ 4.0). */
function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
}

/** One POST of `bytes` bytes, sent from one shared buffer, declared by Content-Length or sent chunked; resolves to the status. */
function post(url: string, payload: Buffer, bytes: number, chunked: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/octet-stream" };
    if (!chunked) headers["content-length"] = String(bytes);
    const req = request(`${url}length`, { method: "POST", headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    let sent = 0;
    const writeMore = () => {
      while (sent < bytes) {
        const piece = payload.subarray(0, Math.min(payload.length, bytes - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", writeMore);
      }
      req.end();
    };
    writeMore();
  });
}

/** A fresh emulator process, warmed up (worker started, code paths compiled), and its endpoint URLs. */
async function startEmulatorProcess(payload: Buffer): Promise<{ child: ChildProcess; urls: { rest: string; http: string } }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "serve-for-memory.ts")], { stdio: ["pipe", "pipe", "inherit"] });
  const line = await Promise.race([
    new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once("line", resolve)),
    new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`the emulator process exited (${code})`)))),
  ]);
  const urls = JSON.parse(line) as { rest: string; http: string };
  for (let i = 0; i < 20; i++) for (const url of Object.values(urls)) await post(url, payload, 64 * 1024, false);
  return { child, urls };
}

describe("emulator memory under 30 concurrent 9.5 MB posts (resident set of its own process, not timing)", function () {
  this.timeout(180_000);
  const payload = Buffer.alloc(256 * 1024, 120);
  let running: ChildProcess | undefined;

  before(function () {
    if (!existsSync("/proc/self/status")) this.skip(); // the resident set is read from Linux's /proc
  });
  afterEach(() => {
    running?.stdin?.end();
    running = undefined;
  });

  for (const chunked of [false, true]) {
    for (const api of ["rest", "http"] as const) {
      // A declared body over the quota is refused before any of it is read; a chunked one buffers at most
      // the quota before it is known to be over it, then is counted and dropped.
      const perRequest = chunked ? maxInvokeRequestBytes : 0;
      const bound = concurrency * perRequest + slackBytes;
      it(`${api}, ${chunked ? "chunked" : "with Content-Length"}: all 413, and the peak resident set stays within ${Math.round(bound / 2 ** 20)} MiB of idle`, async () => {
        const { child, urls } = await startEmulatorProcess(payload);
        running = child;
        const idle = memoryOf(child.pid!).rss;
        resetPeak(child.pid!);
        const statuses = await Promise.all(Array.from({ length: concurrency }, () => post(urls[api], payload, postBytes, chunked)));
        const growth = memoryOf(child.pid!).peak - idle;
        assert.deepEqual([...new Set(statuses)], [413]);
        assert.ok(growth <= bound, `peak ${Math.round(growth / 2 ** 20)} MiB over the idle ${Math.round(idle / 2 ** 20)} MiB, bound ${Math.round(bound / 2 ** 20)} MiB`);
      });
    }
  }
});
