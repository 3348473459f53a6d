import { docsStyle } from "./style";

/**
 * The API reference page. It carries no data: docs.js fetches openapi.json and renders it. Both URLs are
 * relative so the page works under a REST API's /<stage> prefix (from /dev/docs they resolve to /dev/…).
 */
export const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fleet API reference</title>
<link rel="icon" href="data:,">
<style>${docsStyle}</style>
</head>
<body>
<header>
<h1>fleet API reference</h1>
<p id="about">Loading <a href="openapi.json">openapi.json</a>…</p>
</header>
<nav aria-label="Operations"><ul id="toc"></ul></nav>
<main id="operations" data-state="loading"></main>
<script src="docs.js" defer></script>
</body>
</html>
`;
