import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { buildBundle } from "../../build/bundle";
import { startEmulator, type Emulator } from "../../emulator";
import { send } from "./http-client";

/** Debian's Chromium: the test drives it, never a downloaded browser. */
const chromiumPath = "/usr/bin/chromium";
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const methods = ["get", "head", "post", "put", "patch", "delete", "options", "trace"];

describe("/docs in a browser, served by the emulator from the real bundle", function () {
  this.timeout(60_000);
  const outdir = mkdtempSync(path.join(tmpdir(), "fleet-docs-bundle-"));
  const logs: string[] = [];
  let emulator: Emulator | undefined;
  let browser: Browser | undefined;

  before(async () => {
    // Fail, never skip: a missing browser must not pass as "docs work".
    assert.ok(existsSync(chromiumPath), `${chromiumPath} is missing: install Debian's chromium (apt-get install -y chromium, as root; .ci/run does this)`);
    const bundle = await buildBundle(outdir);
    emulator = await startEmulator({
      endpoints: [
        {
          key: "000000000000/eu-west-1",
          account: "000000000000",
          region: "eu-west-1",
          port: 0,
          api: "rest",
          stage: "dev",
          bundleFile: bundle.file,
          env: { FLEET_STAGE: "dev", FLEET_RELEASE: "dev", FLEET_LOG_LEVEL: "warn" },
        },
      ],
      log: (key, text) => logs.push(`[${key}] ${text}`),
    });
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  });
  after(async () => {
    await browser?.close();
    await emulator?.close();
    rmSync(outdir, { recursive: true, force: true });
  });

  it("lists every operation of /openapi.json and loads nothing from outside 127.0.0.1", async () => {
    const base = emulator!.endpoints[0]!.url;
    const openapi = await send(`${base}openapi.json`);
    assert.equal(openapi.status, 200, openapi.body.toString());
    const paths = openapi.json().paths as Record<string, Record<string, unknown>>;
    const expected = Object.entries(paths).flatMap(([p, item]) => methods.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${p}`));
    assert.ok(expected.length >= 5, `openapi.json lists only ${expected.length} operations`);

    const context = await browser!.newContext();
    const requested: string[] = [];
    const outside: string[] = [];
    // Record every request; abort any that would leave the machine (tests never call non-loopback addresses).
    await context.route("**/*", async (route) => {
      const url = route.request().url();
      requested.push(url);
      if (url.startsWith("http://127.0.0.1:") || url.startsWith("data:")) await route.continue();
      else {
        outside.push(url);
        await route.abort();
      }
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    // Failed loads (a /favicon.ico 404) and CSP violations only show as console errors.
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    const response = await page.goto(`${base}docs`);
    assert.equal(response?.status(), 200);
    await page.waitForSelector("#operations[data-state]", { timeout: 15_000 });
    assert.equal(await page.getAttribute("#operations", "data-state"), "ready", `page errors: ${pageErrors.join("; ")}\n${logs.join("")}`);

    const listed = await page.$$eval("[data-operation]", (nodes) => nodes.map((n) => n.getAttribute("data-operation")));
    assert.deepEqual([...listed].sort(), [...expected].sort());
    assert.deepEqual(outside, [], `requests outside 127.0.0.1: ${outside.join(", ")}`);
    assert.ok(requested.some((url) => url.endsWith("/dev/openapi.json")), `the page never fetched openapi.json: ${requested.join(", ")}`);
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(consoleErrors, [], `requested: ${requested.join(", ")}`);
    assert.ok(!requested.some((url) => url.endsWith("/favicon.ico")), "no request for a favicon the API does not serve");

    // Readable, not raw JSON Schema: the echo body is a visible table of fields with their limits.
    const echoFields = await page.$$eval('[data-operation="POST /v1/echo"] .request-body tr[data-field]', (rows) =>
      rows.map((row) => [...row.querySelectorAll("td")].map((cell) => (cell.textContent ?? "").trim())),
    );
    assert.deepEqual(echoFields, [
      ["message", "string", "yes", "length 1–1000", ""],
      ["tags", "string[]", "no", "items ≤ 10; each: length 1–32", ""],
    ]);
    assert.equal(await page.isVisible('[data-operation="POST /v1/echo"] .request-body tr[data-field="message"]'), true);
    await context.close();
  });
});
