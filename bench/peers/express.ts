import serverlessExpress from "@codegenie/serverless-express";
import express from "express";
import type { ProxyHandler } from "./types";

/** Express 5 with `@codegenie/serverless-express`. */
export function createExpressHandler(): ProxyHandler {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.get("/v1/greetings/:name", (req, res) => {
    res.json({ greeting: `Hello, ${req.params.name}!` });
  });
  return serverlessExpress({ app }) as unknown as ProxyHandler;
}
