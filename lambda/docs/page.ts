/**
 * The `/docs` page and its init script: Scalar's API reference (`@scalar/api-reference`'s standalone bundle),
 * shipped in the release beside index.js and served from this origin, pointed at the app's OpenAPI document.
 */

/**
 * The page's CSP, checked against Scalar 1.44.27 in Chromium (test/lambda/docs.browser.test.ts fails on any
 * violation). Scripts are Scalar's bundle and init.js, both from /docs/ on this origin: no inline script, no
 * eval, no CDN. Everything the page fetches (the document, try-it calls) goes to this origin.
 */
export const docsContentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  // The one relaxation. Scalar renders style="…" attributes and inserts <style> elements as its views mount: with
  // style-src 'self', Chromium reports ~15 distinct inline styles on the first render and more once the
  // test-request client opens. A nonce cannot cover style attributes, and hashes ('unsafe-hashes' for attributes)
  // would list exact texts of one Scalar version, valid only for the views someone tried. Styles cannot run
  // script; no stylesheet may load from anywhere ('self' included: none is needed).
  "style-src 'unsafe-inline'",
  // data: for the page's empty icon (no /favicon.ico round trip to the app); blob: for the test-request client's
  // preview of an image (or audio, video) answer, which it makes from the bytes it fetched from this origin.
  "img-src 'self' data: blob:",
  "media-src blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Where the page and its scripts live, below the endpoint's base (the adapter strips stage and base path). */
export const docsPaths = {
  page: "/docs",
  init: "/docs/init.js",
  /** The Scalar bundle's path, named by its content so browsers may cache it for good. */
  scalar: (scalarFile: string) => `/docs/${scalarFile}`,
} as const;

const htmlEscapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => htmlEscapes[char]!);
}

/**
 * The path of `target` (an absolute request path such as `/openapi.json`) relative to the endpoint's base, so
 * that it resolves under whatever prefix the page was reached through (`/dev/` on a REST API, a custom domain's
 * base path).
 */
export function relativeToBase(target: string): string {
  return target.replace(/^\/+/, "");
}

/**
 * The HTML of `/docs`. It holds no data and no inline script: both script URLs are relative, so from
 * `https://…/dev/docs` they resolve to `/dev/docs/…`.
 */
export function docsPage(options: { openapi: string; scalarFile: string }): string {
  const openapi = escapeHtml(relativeToBase(options.openapi));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>API reference</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="api-reference-root"></div>
<noscript>The API reference needs JavaScript. The OpenAPI document is at <a href="${openapi}">${openapi}</a>.</noscript>
<script src="${escapeHtml(relativeToBase(docsPaths.scalar(options.scalarFile)))}"></script>
<script src="${escapeHtml(relativeToBase(docsPaths.init))}"></script>
</body>
</html>
`;
}

/**
 * `/docs/init.js`: mounts Scalar on the page with the configuration below (options as `@scalar/types`'
 * `apiReferenceConfigurationSchema` defines them for Scalar 1.44.27). The endpoint's base is computed in the browser
 * from `location`, since only the browser knows the URL it used: the page is `<base>docs`, so "." of its URL is the
 * base, a REST stage prefix included. The document is fetched from `<base>openapi.json` and every try-it call goes
 * to `<base>` without its trailing slash (Scalar appends each operation's path, which starts with `/`): the
 * document's own `servers` are replaced, since they name where the API is deployed, not the endpoint this page came
 * from. The rest keeps the page offline: no web fonts (fonts.scalar.com), no AI agent (api.scalar.com), no
 * developer toolbar (it uploads to Scalar's registry), no telemetry, and `proxyUrl: ""` so that try-it calls never
 * go through Scalar's hosted proxy, on a public domain either.
 */
export function docsInitScript(options: { openapi: string }): string {
  const openapi = JSON.stringify(relativeToBase(options.openapi));
  return `"use strict";
(function () {
  var root = document.getElementById("api-reference-root");
  if (typeof Scalar === "undefined" || typeof Scalar.createApiReference !== "function") {
    root.textContent = "The API reference script did not load; the OpenAPI document is at " + ${openapi} + ".";
    return;
  }
  var base = new URL(".", location.href);
  Scalar.createApiReference(root, {
    url: new URL(${openapi}, base).href,
    servers: [{ url: base.href.replace(/\\/$/, ""), description: "This endpoint" }],
    withDefaultFonts: false,
    agent: { disabled: true },
    showDeveloperTools: "never",
    telemetry: false,
    proxyUrl: ""
  });
})();
`;
}
