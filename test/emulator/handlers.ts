import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A Lambda handler for the emulator tests, written as plain CommonJS like the real bundle. It echoes what it
 * received (event, region, env, context) and misbehaves on request, chosen by the last path segment:
 * `sleep` never answers, `slow` answers after 300 ms, `length` answers the body's byte count, `throw` throws, `crash` kills the environment, `not-an-object` / `bad-status` / `object-body` return malformed
 * results, `too-big` returns 7 MB, `at-response-limit` / `past-response-limit` a result of exactly Lambda's
 * 6,291,556-byte response quota / one byte more, `binary` a base64 PNG-ish body, `cookies` two Set-Cookie headers,
 * `hello` answers "hello" and to HEAD an empty body with the length GET has (as Koa behind fleet's adapter does),
 * `hello-any` answers "hello" to every method.
 */
export const echoHandlerSource = `
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe]);
exports.handler = async (event, context) => {
  const path = event.rawPath ?? event.path ?? "/";
  const mode = path.split("/").pop();
  const v2 = event.version === "2.0";
  switch (mode) {
    case "sleep": return new Promise(() => {});
    case "slow": await new Promise((resolve) => setTimeout(resolve, 300)); break;
    case "length": return { statusCode: 200, body: String(Buffer.from(event.body ?? "", event.isBase64Encoded ? "base64" : "utf8").length) };
    case "throw": throw new Error("the handler failed on purpose");
    case "crash": setImmediate(() => { throw new Error("the worker crashed on purpose"); }); return new Promise(() => {});
    case "not-an-object": return "just a string";
    case "bad-status": return { statusCode: "two hundred", body: "" };
    case "object-body": return { statusCode: 200, body: { not: "a string" } };
    case "too-big": return { statusCode: 200, body: "x".repeat(7 * 1024 * 1024) };
    // {"statusCode":200,"body":""} is 28 bytes of the payload.
    case "at-response-limit": return { statusCode: 200, body: "x".repeat(6291556 - 28) };
    case "past-response-limit": return { statusCode: 200, body: "x".repeat(6291556 - 28 + 1) };
    case "hello": {
      const method = v2 ? event.requestContext.http.method : event.httpMethod;
      return method === "HEAD" ? { statusCode: 200, headers: { "content-length": "5" }, body: "" } : { statusCode: 200, body: "hello" };
    }
    case "hello-any": return { statusCode: 200, body: "hello" };
    case "binary": return { statusCode: 200, headers: { "content-type": "image/png" }, body: png.toString("base64"), isBase64Encoded: true };
    case "cookies":
      return v2
        ? { statusCode: 204, cookies: ["a=1; Path=/", "b=2; Path=/"], headers: { "x-kind": "v2" } }
        : { statusCode: 204, multiValueHeaders: { "Set-Cookie": ["a=1; Path=/", "b=2; Path=/"] }, headers: { "x-kind": "v1" } };
  }
  return {
    statusCode: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      version: process.env.FLEET_VERSION ?? "none",
      region: process.env.AWS_REGION,
      env: process.env,
      event,
      context: { ...context, remaining: context.getRemainingTimeInMillis() },
    }),
  };
};
`;

/** A temporary folder of handler files, removed by `cleanup()`. */
export function handlerDir(): { write(name: string, source: string): string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "fleet-emulator-"));
  return {
    write(name, source) {
      const file = path.join(dir, name);
      writeFileSync(file, source);
      return file;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
