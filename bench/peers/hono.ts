import { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import type { ProxyHandler } from "./types";

/** Hono with its own Lambda adapter (`hono/aws-lambda`). */
export function createHonoHandler(): ProxyHandler {
  const app = new Hono();
  app.get("/v1/greetings/:name", (c) => c.json({ greeting: `Hello, ${c.req.param("name")}!` }));
  return handle(app) as unknown as ProxyHandler;
}
