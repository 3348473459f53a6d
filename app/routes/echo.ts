import { EchoRequest, EchoResponse } from "../schemas/echo";
import { defineRoute } from "./define-route";

/** POST /v1/echo: validates a JSON body and sends it back with its size. */
export function echoRoutes() {
  return [
    defineRoute({
      method: "POST",
      path: "/v1/echo",
      operationId: "postEcho",
      summary: "Echo a message and its tags back, with the message's UTF-8 byte length",
      tag: "echo",
      body: EchoRequest,
      responses: { 200: { description: "The message, its tags and its size", schema: EchoResponse } },
      handler(ctx, { body }) {
        const response: EchoResponse = {
          message: body.message,
          tags: body.tags ?? [],
          bytes: Buffer.byteLength(body.message, "utf8"),
        };
        ctx.body = response;
      },
    }),
  ];
}
