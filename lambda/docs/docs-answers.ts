import { readFile } from "node:fs";
import path from "node:path";
import type { HttpResult, NormalizedRequest } from "../http-exchange";
import { alwaysHeaders, apiContentSecurityPolicy } from "../middleware/security-headers";
import { problemResult } from "../problem-result";
import { docsContentSecurityPolicy, docsInitScript, docsPage, docsPaths } from "./page";

/** What `/docs` needs; build/docs-assets.ts writes the files and the build hands these values to the bundle. */
export interface DocsOptions {
  /** Where the app serves its OpenAPI document (fleet.config.ts `openapi`). @example "/openapi.json" */
  openapi: string;
  /** The file name of Scalar's standalone bundle in `assetDir`, named by its content. @example "scalar.0123456789abcdef.js" */
  scalarFile: string;
  /** The absolute directory holding `scalarFile` and `scalarFile.gz` (in a bundle: `docs/` beside index.js). */
  assetDir: string;
}

/** Answers `/docs` and its scripts; anything else is the app's. */
export interface DocsAnswers {
  /**
   * The answer for a docs path, or undefined (synchronously: no promise, no microtask) for every other path, which
   * is the app's.
   */
  answer(request: NormalizedRequest, requestId: string): Promise<HttpResult> | undefined;
}

// The Scalar bundle's URL changes whenever its bytes do, so a browser may keep it for a year without asking.
const immutable = "public, max-age=31536000, immutable";

/**
 * `/docs` (the page), `/docs/init.js` and `/docs/<scalarFile>` (Scalar's bundle, gzip when the request accepts it),
 * answered by the adapter before the app sees the request. Creating it reads nothing: the page and init script
 * are built on the first request for them, the Scalar bundle (3.5 MB) is read from `assetDir` on the first request
 * for it and kept in memory.
 */
export function createDocsAnswers(options: DocsOptions): DocsAnswers {
  const scalarPath = docsPaths.scalar(options.scalarFile);
  const scalarOnDisk = path.join(options.assetDir, options.scalarFile);
  let page: Buffer | undefined;
  let init: Buffer | undefined;
  const plain = cachedFile(scalarOnDisk);
  const gzip = cachedFile(`${scalarOnDisk}.gz`);

  return {
    answer(request, requestId) {
      const requestPath = request.path;
      // Every request passes here: three string comparisons for the paths that are the app's.
      if (requestPath !== docsPaths.page && requestPath !== docsPaths.init && requestPath !== scalarPath) return undefined;
      return answerDocs(request, requestId);
    },
  };

  async function answerDocs(request: NormalizedRequest, requestId: string): Promise<HttpResult> {
    const { path: requestPath, method } = request;
    if (method !== "GET" && method !== "HEAD") {
      const result = problemResult(405, `${requestPath} answers GET and HEAD only.`, requestId);
      result.headers["allow"] = ["GET, HEAD"];
      return result;
    }
    let answer: Answer;
    if (requestPath === docsPaths.page) {
      page ??= Buffer.from(docsPage(options), "utf8");
      answer = { type: "text/html; charset=utf-8", body: page, cacheControl: "no-cache", csp: docsContentSecurityPolicy };
    } else if (requestPath === docsPaths.init) {
      init ??= Buffer.from(docsInitScript(options), "utf8");
      answer = { type: "text/javascript; charset=utf-8", body: init, cacheControl: "no-cache" };
    } else {
      const zipped = acceptsGzip(request.headers["accept-encoding"]);
      const body = await (zipped ? gzip : plain)();
      answer = { type: "text/javascript; charset=utf-8", body, cacheControl: immutable, vary: true, ...(zipped ? { encoding: "gzip" as const } : {}) };
    }
    return resultOf(answer, method === "HEAD", requestId);
  }
}

interface Answer {
  type: string;
  body: Buffer;
  cacheControl: string;
  /** @default the API CSP (nothing may load): what a script fetched on its own needs */
  csp?: string;
  encoding?: "gzip";
  /** The body depends on Accept-Encoding: caches must key on it. */
  vary?: boolean;
}

/** The whole answer: the security headers every fleet answer carries, with the docs' own CSP and caching. */
function resultOf(answer: Answer, head: boolean, requestId: string): HttpResult {
  const headers: Record<string, string[]> = {};
  for (const name in alwaysHeaders) headers[name] = [alwaysHeaders[name]!];
  headers["content-security-policy"] = [answer.csp ?? apiContentSecurityPolicy];
  headers["cache-control"] = [answer.cacheControl];
  headers["content-type"] = [answer.type];
  // HEAD says how long the GET body is, and sends none (RFC 9110 §9.3.2).
  headers["content-length"] = [String(answer.body.length)];
  if (answer.encoding) headers["content-encoding"] = [answer.encoding];
  if (answer.vary) headers["vary"] = ["accept-encoding"];
  headers["x-request-id"] = [requestId];
  return { statusCode: 200, headers, body: head ? Buffer.alloc(0) : answer.body };
}

/**
 * A file read on the first call and kept; a failed read is not kept, so the next request tries again.
 * @throws Error naming the missing file and the fix when it cannot be read
 */
function cachedFile(file: string): () => Promise<Buffer> {
  let bytes: Promise<Buffer> | undefined;
  return () => {
    bytes ??= new Promise<Buffer>((resolve, reject) => {
      // fs's callback API, not fs/promises: node:fs is loaded at Node's start, fs/promises is not.
      readFile(file, (error, data) => {
        if (!error) return resolve(data);
        bytes = undefined;
        reject(new Error(`the API reference asset ${file} cannot be read (${error.code ?? error.message}). Fix: deploy the whole bundle directory buildBundle wrote (\`fleet build\` / \`fleet release\`), docs/ included`));
      });
    });
    return bytes;
  };
}

/**
 * True when an Accept-Encoding value allows gzip (RFC 9110 §12.5.3): `gzip` (or `x-gzip`, or `*`) with a weight
 * above 0. A named coding's weight wins over `*`'s.
 */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  let star = false;
  for (const item of acceptEncoding.split(",")) {
    const [coding = "", ...parameters] = item.split(";");
    const name = coding.trim().toLowerCase();
    const q = parameters.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith("q="));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    const allowed = Number.isFinite(weight) && weight > 0;
    if (name === "gzip" || name === "x-gzip") return allowed;
    if (name === "*") star = allowed;
  }
  return star;
}
