import type { Middleware } from "koa";
import type { AppState } from "../state";

/** Largest JSON request body accepted, in bytes (64 KiB); larger bodies get 413. */
export const jsonBodyLimitBytes = 64 * 1024;

/**
 * Reads a JSON request body into `ctx.state.jsonBody`.
 * 415 unless the content type is application/json (or `+json`) in UTF-8; 413 past `limitBytes`
 * (checked against Content-Length first, then while streaming); 400 for empty or malformed JSON.
 */
export function jsonBody(limitBytes: number = jsonBodyLimitBytes): Middleware<AppState> {
  return async function readJsonBody(ctx, next) {
    if (!ctx.request.is("application/json", "+json")) {
      ctx.throw(415, `This endpoint takes a JSON body: send Content-Type: application/json (got ${ctx.get("content-type") || "none"})`);
    }
    const charset = ctx.request.charset;
    if (charset && charset.toLowerCase() !== "utf-8") {
      ctx.throw(415, `JSON bodies must be UTF-8 (got charset=${charset})`);
    }
    const declared = ctx.request.length;
    if (declared !== undefined && declared > limitBytes) {
      ctx.throw(413, `The body is ${declared} bytes; the limit is ${limitBytes} bytes`);
    }
    const bytes = await readAtMost(ctx.req, limitBytes, () =>
      ctx.throw(413, `The body is larger than the limit of ${limitBytes} bytes`),
    );
    ctx.state.jsonBody = parseJson(bytes, (detail) => ctx.throw(400, detail));
    await next();
  };
}

async function readAtMost(
  stream: AsyncIterable<Buffer | string>,
  limitBytes: number,
  tooLarge: () => never,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    received += buffer.length;
    if (received > limitBytes) tooLarge();
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, received);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function parseJson(bytes: Buffer, malformed: (detail: string) => never): unknown {
  if (bytes.length === 0) malformed("The body is empty; send a JSON document");
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    malformed("The body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    malformed(`The body is not valid JSON: ${(err as Error).message}`);
  }
}
