import awsLambdaFastify from "@fastify/aws-lambda";
import Fastify from "fastify";
import type { ProxyHandler } from "./types";

/** Fastify with `@fastify/aws-lambda` (which injects requests through `fastify.inject`). */
export async function createFastifyHandler(): Promise<ProxyHandler> {
  const app = Fastify({ logger: false });
  app.get<{ Params: { name: string } }>("/v1/greetings/:name", async (request) => ({
    greeting: `Hello, ${request.params.name}!`,
  }));
  const proxy = awsLambdaFastify(app);
  await app.ready();
  return proxy as unknown as ProxyHandler;
}
