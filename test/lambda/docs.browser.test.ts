import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { buildBundle } from "../../build/bundle";
import { parseFleetConfig } from "../../core/fleet-config";
import { type ApiKind, type Emulator, type RunningEndpoint, startEmulator } from "../../emulator";
import documentedConfig from "../fixtures/apps/documented/fleet.config";
import documented from "../fixtures/apps/documented/openapi.json";

/** Debian's Chromium (`apt-get install chromium`; .ci/run installs it): no browser download. */
const chromiumPath = "/usr/bin/chromium";

const httpMethods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Every operation of the fixture's document, as `<method> <path>` with its summary. */
const operations = Object.entries(documented.paths).flatMap(([route, item]) =>
  Object.entries(item)
    .filter(([method]) => httpMethods.includes(method))
    .map(([method, operation]) => ({ method, route, summary: (operation as { summary: string }).summary })),
);

function escapeRegExp(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}

/** Scalar's button that opens an operation's test-request client, e.g. "Test Request (post /notes)". */
function testRequestButton(page: Page, method: string, route: string) {
  return page.getByRole("button", { name: new RegExp(`^Test Request\\s*\\(${method} ${escapeRegExp(route).source}\\)$`) });
}

/** What one page did: every request the browser made, and every console error or CSP violation. */
interface PageRecord {
  page: Page;
  requests: string[];
  problems: string[];
  /** The headers Scalar's bundle came with. */
  scalarHeaders: Record<string, string>;
}

describe("/docs in Chromium: Scalar served by the adapter from a real bundle, through the emulator", function () {
  this.timeout(90_000);
  let tmp: string | undefined;
  let emulator: Emulator | undefined;
  let context: BrowserContext | undefined;
  const gatewayLog: string[] = [];

  before(async function () {
    if (!existsSync(chromiumPath)) {
      if (process.env.FLEET_REQUIRE_BROWSER === "1") {
        throw new Error(`${chromiumPath} is missing and FLEET_REQUIRE_BROWSER=1 requires the browser tests. Fix: apt-get install chromium`);
      }
      console.log(`    (the /docs browser tests are pending: ${chromiumPath} is missing. To run them: apt-get install chromium)`);
      this.skip();
    }
    tmp = mkdtempSync(path.join(os.tmpdir(), "fleet-docs-browser-"));
    const bundle = await buildBundle(path.join(tmp, "bundle"), { config: parseFleetConfig(documentedConfig) });
    const endpoint = (api: ApiKind, region: string) => ({
      key: `000000000000/${region}`, account: "000000000000", region, port: 0, api, stage: "dev", bundleFile: bundle.file, env: {},
    });
    emulator = await startEmulator({
      endpoints: [endpoint("rest", "eu-west-1"), endpoint("http", "us-east-1")],
      log: (key, text) => gatewayLog.push(`[${key}] ${text}`),
    });
    // Loaded here, not at the top: a machine without Chromium never pays for playwright.
    const { chromium } = await import("playwright-core");
    context = await chromium.launchPersistentContext(path.join(tmp, "profile"), {
      executablePath: chromiumPath,
      headless: true,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });

  after(async () => {
    await context?.close();
    await emulator?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Opens `<endpoint>docs` in a fresh page and waits until Scalar has rendered the operations. */
  async function openDocs(endpoint: RunningEndpoint): Promise<PageRecord> {
    const page = await context!.newPage();
    const record: PageRecord = { page, requests: [], problems: [], scalarHeaders: {} };
    page.on("request", (request) => record.requests.push(request.url()));
    page.on("response", (response) => {
      if (/\/docs\/scalar\.[0-9a-f]{16}\.js$/.test(response.url())) record.scalarHeaders = response.headers();
    });
    page.on("console", (message) => {
      if (message.type() === "error" || /Content Security Policy/i.test(message.text())) record.problems.push(`console ${message.type()}: ${message.text()}`);
    });
    // A script that throws fails the test at once, instead of after the wait for a render that never comes (a later
    // throw is recorded below and reported by assertStayedLocal; the race has already handled the rejection).
    const crashed = new Promise<never>((_, reject) => page.on("pageerror", (error) => reject(new Error(`the page threw: ${error.message}`))));
    page.on("pageerror", (error) => record.problems.push(`page error: ${error.message}`));
    const response = await page.goto(`${endpoint.url}docs`);
    assert.equal(response?.status(), 200);
    await Promise.race([testRequestButton(page, operations[0]!.method, operations[0]!.route).waitFor({ timeout: 30_000 }), crashed]);
    return record;
  }

  /** Nothing left 127.0.0.1 (data: URLs never leave the page), and the console holds no error or CSP report. */
  function assertStayedLocal(record: PageRecord): void {
    const outside = record.requests.filter((url) => !url.startsWith("data:") && new URL(url).hostname !== "127.0.0.1");
    assert.deepEqual(outside, [], "requests left 127.0.0.1");
    assert.deepEqual(record.problems, [], `console errors or CSP violations:\n${record.problems.join("\n")}\n${gatewayLog.join("")}`);
  }

  const apis: Array<{ api: ApiKind; shape: string }> = [
    { api: "rest", shape: "REST API, /dev/ stage prefix" },
    { api: "http", shape: "HTTP API, no prefix" },
  ];
  for (const { api, shape } of apis) {
    const endpointOf = () => emulator!.endpoints.find((e) => e.api === api)!;

    it(`${shape}: lists every operation of the document, loading nothing but the endpoint's own URLs`, async () => {
      const endpoint = endpointOf();
      const record = await openDocs(endpoint);
      try {
        assert.equal(operations.length, 4);
        for (const { method, route, summary } of operations) {
          assert.equal(await testRequestButton(record.page, method, route).count(), 1, `${method} ${route}`);
          assert.ok(await record.page.getByText(summary, { exact: true }).first().isVisible(), summary);
        }
        assert.equal(await record.page.getByRole("button", { name: /^Test Request/ }).count(), operations.length);
        // The page, its two scripts and the document, each under the endpoint's base (the stage for REST).
        const own = record.requests.filter((url) => !url.startsWith("data:")).map((url) => url.slice(endpoint.url.length - 1));
        assert.ok(record.requests.every((url) => url.startsWith("data:") || url.startsWith(endpoint.url)), record.requests.join("\n"));
        assert.deepEqual(own.filter((p) => !/^\/docs\/scalar\.[0-9a-f]{16}\.js$/.test(p)).sort(), ["/docs", "/docs/init.js", "/openapi.json"]);
        // Chromium accepts gzip: the precompressed copy came, and the browser could run it.
        assert.equal(record.scalarHeaders["content-encoding"], "gzip");
        assertStayedLocal(record);
      } finally {
        await record.page.close();
      }
    });

    it(`${shape}: a try-it call from the test-request client reaches this endpoint and shows the app's real answer`, async () => {
      const endpoint = endpointOf();
      const record = await openDocs(endpoint);
      try {
        await testRequestButton(record.page, "post", "/notes").click();
        const client = record.page.getByRole("dialog");
        const sent = record.page.waitForResponse((response) => response.request().method() === "POST");
        await client.getByRole("button", { name: /^Send post request to/ }).click();
        const response = await sent;
        // The document names https://notes.example.com; the call went to the endpoint the page came from.
        assert.equal(response.url(), `${endpoint.url}notes`);
        assert.equal(response.status(), 201);
        const note = (await response.json()) as { id: string; text: string; region: string };
        assert.deepEqual({ text: note.text, region: note.region }, { text: "buy oat milk", region: endpoint.region });
        await client.getByText(`"region": "${endpoint.region}"`).waitFor({ timeout: 10_000 });
        assert.match(await client.innerText(), /201\s+Created/);
        assertStayedLocal(record);
      } finally {
        await record.page.close();
      }
    });
  }
});
