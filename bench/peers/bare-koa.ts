import Router from "@koa/router";
import Koa from "koa";
import serverless from "serverless-http";
import type { ProxyHandler } from "./types";

/** Koa + @koa/router + serverless-http with no middleware: what the framework layer alone costs. */
export function createBareKoaHandler(): ProxyHandler {
  const app = new Koa();
  const router = new Router();
  router.get("/v1/greetings/:name", (ctx) => {
    ctx.body = { greeting: `Hello, ${ctx.params.name}!` };
  });
  app.use(router.routes());
  return serverless(app) as unknown as ProxyHandler;
}
