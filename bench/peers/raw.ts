import type { ProxyHandler } from "./types";

const greetingPath = /^\/v1\/greetings\/([^/]+)$/;

/** The floor: a hand-written handler with no framework and no adapter, reading the path straight off the event. */
export function createRawHandler(): ProxyHandler {
  return async (event) => {
    const e = event as { rawPath?: string; path?: string; requestContext?: { http?: { method?: string } }; httpMethod?: string };
    const method = e.httpMethod ?? e.requestContext?.http?.method;
    const match = greetingPath.exec(e.rawPath ?? e.path ?? "");
    if (method !== "GET" || !match?.[1]) return { statusCode: 404, body: "" };
    const name = decodeURIComponent(match[1]);
    return {
      statusCode: 200,
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ greeting: `Hello, ${name}!` }),
      isBase64Encoded: false,
    };
  };
}
